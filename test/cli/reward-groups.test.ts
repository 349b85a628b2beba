import { test } from 'node:test';
import assert from 'node:assert/strict';
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
