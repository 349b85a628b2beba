import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: projectRoot });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

test('swe-srl similarity prints one {"ratio"} line per pair, in order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'swe-srl-cli-'));
  try {
    const input = join(dir, 'pairs.jsonl');
    await writeFile(input, ['{"a":"abcd","b":"bcde"}', '{"a":"","b":"x"}', '{"a":"🙂a","b":"🙃a"}'].join('\n') + '\n');
    const result = await cli('similarity', input);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout.trim().split('\n').map((line) => JSON.parse(line)),
      [{ ratio: 0.75 }, { ratio: 0 }, { ratio: 0.5 }],
    );

    const output = join(dir, 'ratios.jsonl');
    const toFile = await cli('similarity', input, '-o', output);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.equal(toFile.stdout, '');
    assert.equal(await readFile(output, 'utf8'), result.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('swe-srl similarity names the file and line of a bad pair and exits 2 without a stack trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'swe-srl-cli-'));
  try {
    const input = join(dir, 'pairs.jsonl');
    await writeFile(input, '{"a":"x","b":"y"}\n{"a":"x","b":null}\n');
    const result = await cli('similarity', input, '-o', join(dir, 'ratios.jsonl'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^swe-srl: .*pairs\.jsonl:2: b: /);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.deepEqual(await readdir(dir), ['pairs.jsonl']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
