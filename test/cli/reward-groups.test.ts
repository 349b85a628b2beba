import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { readJsonlFile, writeJsonlFile } from '../helpers/jsonl-files.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('swe-srl reward groups writes per-group statistics and reports kept and dropped counts', async () => {
  await withTempDir(async (dir) => {
    const rewards = [1, 0, 1, 0, 1, 0, 1, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const input = await writeJsonlFile(join(dir, 'rewards.jsonl'), rewards.map((reward) => ({ reward })));
    const output = join(dir, 'groups.jsonl');
    const result = await runCli(['reward', 'groups', input, '--epsilon', '0.1', '--advantage-epsilon', '0', '-o', output]);
    assert.equal(result.code, 0, result.stderr);
    const rows = await readJsonlFile(output);
    assert.deepEqual(rows[0], { group: 0, size: 8, mean: 0.5, std: 0.5, kept: true, advantages: [1, -1, 1, -1, 1, -1, 1, -1] });
    assert.equal(rows[1]!.kept, false);
    assert.match(result.stderr, /groups: 1 kept, 1 dropped of 2/);

    const refused = await runCli(['reward', 'groups', input, '--group-size', '5']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^swe-srl: .*rewards\.jsonl:16: the last group has 1 rewards, not 5/);
  });
});

test('a 200 MB line of 100M rewards ends in one line naming the file and line, not an unhandled RangeError', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'huge.jsonl');
    const out = createWriteStream(input);
    out.write('{"rewards": [');
    const chunk = '0,'.repeat(1_000_000);
    for (let written = 0; written < 100; written++) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end('0]}\n');
    await once(out, 'close');
    const result = await runCli(['reward', 'groups', input], { timeoutMs: 60_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^swe-srl: .*huge\.jsonl:1: line longer than 1048576 bytes/);
  });
});

test('rewards whose statistics overflow ([1e308, -1e308]) are refused with a named error, not kept with null statistics', async () => {
  await withTempDir(async (dir) => {
    const input = await writeJsonlFile(join(dir, 'rewards.jsonl'), [{ rewards: [0, 1] }, { rewards: [1e308, -1e308] }]);
    const result = await runCli(['reward', 'groups', input]);
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, /^swe-srl: .*rewards\.jsonl:2: group 1: the group's statistics are not finite/);
    assert.equal(result.stdout, '', 'no statistics are written');
  });
});
