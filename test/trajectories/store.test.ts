import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { readAllTrajectories, writeTrajectoryStore, type Trajectory } from '../../src/trajectories/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

function sample(id: string, observation = 'a.py\n'): Trajectory {
  return {
    instance_id: id,
    problem_statement: 'add() subtracts',
    steps: [
      { thought: 'look', action: 'ls\n', parsed_action: { tool: 'bash', args: { command: 'ls' } }, observation, state: { open_file: 'n/a', working_dir: '/repo' } },
      { thought: 'done', action: 'submit\n', parsed_action: { tool: 'submit', args: {} }, observation: 'diff --git a/a b/a\n' },
    ],
    final_patch: 'diff --git a/a b/a\n',
    exit_status: 'submitted',
    source_format: 'swe-agent-traj',
    tool_format: 'thought_action',
    model_name: 'expert',
    metadata: { note: 'written by the test' },
  };
}

async function rejection(path: string): Promise<string> {
  try {
    await readAllTrajectories(path, { format: 'store' });
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error.message;
  }
  assert.fail('expected the store to be rejected');
}

test('a store holds one trajectory per line and reads back equal', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'nested', 'store.jsonl');
    const written = [sample('a'), sample('b')];
    assert.equal(await writeTrajectoryStore(path, written), 2);
    assert.deepEqual(await readAllTrajectories(path), written);
  });
});

test('a store line that breaks the schema names the line and the field', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'store.jsonl');
    const bad = sample('b') as unknown as { steps: Array<Record<string, unknown>> };
    bad.steps[1]!.observation = 42;
    await writeFile(path, `${JSON.stringify(sample('a'))}\n${JSON.stringify(bad)}\n`);
    assert.match(await rejection(path), /store\.jsonl:2: steps\[1\]\.observation: Invalid input: expected string, received number/);

    const badArgs = sample('c') as unknown as { steps: Array<{ parsed_action: unknown }> };
    badArgs.steps[0]!.parsed_action = { tool: 'goto', args: { line: 'ten' } };
    await writeFile(path, `${JSON.stringify(badArgs)}\n`);
    assert.match(await rejection(path), /store\.jsonl:1: steps\[0\]\.parsed_action\.args: argument line_number must be an integer/);
  });
});

test('a stored trajectory with no actions is rejected with its line', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'store.jsonl');
    await writeFile(path, `\n${JSON.stringify({ ...sample('a'), steps: [] })}\n`);
    assert.match(await rejection(path), /store\.jsonl:2: the trajectory has no actions/);
  });
});

test('a truncated last line and a non-UTF-8 line are reported with their line numbers', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'store.jsonl');
    const line = JSON.stringify(sample('a'));
    await writeFile(path, `${line}\n${line.slice(0, 100)}`);
    assert.match(await rejection(path), /store\.jsonl:2: truncated JSON/);

    const bytes = Buffer.concat([Buffer.from(`${line}\n`), Buffer.from(line.replace('add()', 'add\u00ff()'), 'latin1'), Buffer.from('\n')]);
    await writeFile(path, bytes);
    assert.match(await rejection(path), /store\.jsonl:2: not valid UTF-8/);
  });
});

test('a trajectory with a megabyte observation stores and loads whole', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'store.jsonl');
    const huge = `${'x'.repeat(1024 * 1024)}\nTraceback: the end\n`;
    await writeTrajectoryStore(path, [sample('big', huge)]);
    const [read] = await readAllTrajectories(path);
    assert.equal(read!.steps[0]!.observation, huge);
  });
});
