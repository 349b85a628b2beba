import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('swe-srl similarity prints one {"ratio"} line per pair, in order', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'pairs.jsonl');
    await writeFile(input, ['{"a":"abcd","b":"bcde"}', '{"a":"","b":"x"}', '{"a":"🙂a","b":"🙃a"}'].join('\n') + '\n');
    const result = await runCli(['similarity', input]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout.trim().split('\n').map((line) => JSON.parse(line)),
      [{ ratio: 0.75 }, { ratio: 0 }, { ratio: 0.5 }],
    );

    const output = join(dir, 'ratios.jsonl');
    const toFile = await runCli(['similarity', input, '-o', output]);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.equal(toFile.stdout, '');
    assert.equal(await readFile(output, 'utf8'), result.stdout);
  });
});

test('swe-srl similarity names the file and line of a bad pair and exits 2 without a stack trace', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'pairs.jsonl');
    await writeFile(input, '{"a":"x","b":"y"}\n{"a":"x","b":null}\n');
    const result = await runCli(['similarity', input, '-o', join(dir, 'ratios.jsonl')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^swe-srl: .*pairs\.jsonl:2: b: /);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.deepEqual(await readdir(dir), ['pairs.jsonl']);
  });
});
