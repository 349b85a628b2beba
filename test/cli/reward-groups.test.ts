import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

test('swe-srl reward groups writes per-group statistics and reports kept and dropped counts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'swe-srl-cli-'));
  try {
    const input = join(dir, 'rewards.jsonl');
    const rewards = [1, 0, 1, 0, 1, 0, 1, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    await writeFile(input, rewards.map((reward) => JSON.stringify({ reward })).join('\n') + '\n');
    const output = join(dir, 'groups.jsonl');
    const { stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'reward', 'groups', input, '--epsilon', '0.1', '--advantage-epsilon', '0', '-o', output], { cwd: projectRoot });
    const rows = (await readFile(output, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(rows[0], { group: 0, size: 8, mean: 0.5, std: 0.5, kept: true, advantages: [1, -1, 1, -1, 1, -1, 1, -1] });
    assert.equal(rows[1].kept, false);
    assert.match(stderr, /groups: 1 kept, 1 dropped of 2/);

    await assert.rejects(run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'reward', 'groups', input, '--group-size', '5'], { cwd: projectRoot }), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /^swe-srl: .*rewards\.jsonl:16: the last group has 1 rewards, not 5/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
