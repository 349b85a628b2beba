import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { registerTrajCommand } from '../../src/cli/traj.js';
import { InputError } from '../../src/errors.js';
import { readAllTrajectories } from '../../src/trajectories/index.js';
import { runCli, runInProcess } from '../helpers/cli.js';
import { readJsonlFile } from '../helpers/jsonl-files.js';
import { SHARED_TRAJECTORY_FILES, sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { withTempDir } from '../helpers/temp-dir.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/trajectories/${name}`, import.meta.url));
const trajectoryFiles = SHARED_TRAJECTORY_FILES;
const skipShared = skipUnlessShared('sweagent', 'xml_function_calling_demo.jsonl');

const run = (t: TestContext, ...args: string[]): Promise<string[]> => runInProcess(t, [registerTrajCommand], args);

test('traj convert turns every shared trajectory file into the store, guessing each format', { skip: skipShared }, async (t) => {
  await withTempDir(async (dir) => {
    const output = join(dir, 'store.jsonl');
    const messages = await run(t, 'traj', 'convert', ...trajectoryFiles.map((f) => sharedDataPath('sweagent', f)!), '-o', output);
    assert.deepEqual(messages, [`wrote 6 trajectories to ${output}`]);
    const stored = await readAllTrajectories(output);
    assert.deepEqual(stored.map((s) => s.source_format), ['swe-agent-traj', 'swe-agent-traj', 'swe-agent-traj', 'swe-agent-traj', 'swe-agent-demo', 'chat-xml']);
    assert.deepEqual(stored.map((s) => s.steps.length), [5, 12, 5, 5, 4, 4]);
  });
});

test('traj convert --to chat-xml and --to swe-agent-traj write files that read back', { skip: skipShared }, async (t) => {
  await withTempDir(async (dir) => {
    const inputs = trajectoryFiles.map((f) => sharedDataPath('sweagent', f)!);
    await run(t, 'traj', 'convert', ...inputs, '--to', 'chat-xml', '-o', join(dir, 'chat.jsonl'));
    const chat = await readAllTrajectories(join(dir, 'chat.jsonl'));
    assert.equal(chat.length, 6);
    assert.ok(chat.every((trajectory) => trajectory.source_format === 'chat-xml'));

    await run(t, 'traj', 'convert', ...inputs, '--to', 'swe-agent-traj', '-o', join(dir, 'trajs'));
    const files = (await readdir(join(dir, 'trajs'))).sort();
    assert.equal(files.length, 6);
    assert.ok(files.includes('pydicom__pydicom-1458.traj'));
    const pydicom = await readAllTrajectories(join(dir, 'trajs', 'pydicom__pydicom-1458.traj'));
    assert.equal(pydicom[0]!.steps.length, 12);
  });
});

test('traj steps writes one instance per action, with the history and budget asked for', { skip: skipShared }, async (t) => {
  await withTempDir(async (dir) => {
    const store = join(dir, 'store.jsonl');
    await run(t, 'traj', 'convert', ...trajectoryFiles.map((f) => sharedDataPath('sweagent', f)!), '-o', store);
    const raw = join(dir, 'raw.jsonl');
    const messages = await run(t, 'traj', 'steps', store, '-o', raw);
    assert.deepEqual(messages, [`wrote 35 raw step instances from 6 trajectories to ${raw}`]);
    const rows = await readJsonlFile(raw);
    assert.equal(rows.length, 35);
    assert.ok(rows.every((row) => (row.history as unknown[]).length <= 2));

    const all = join(dir, 'all.jsonl');
    await run(t, 'traj', 'steps', store, '-o', all, '--history', 'all', '--observation-budget', '50');
    const allRows = await readJsonlFile(all);
    assert.equal((allRows[11]!.history as unknown[]).length, 6); // row 11 is pydicom's step 6: humaneval's five rows come first
    const observations = allRows.flatMap((row) => (row.history as Array<{ observation: string }>).map((h) => h.observation));
    assert.ok(observations.some((o) => o.includes('characters truncated')));
    assert.ok(observations.every((o) => o.length <= 50 + 45));

    const chat = join(dir, 'chat.jsonl');
    await run(t, 'traj', 'steps', sharedDataPath('sweagent', 'humanevalfix-python-0.traj')!, '-o', chat, '--form', 'chat', '--history', '1');
    const prompts = await readJsonlFile(chat);
    assert.equal(prompts.length, 5);
    assert.deepEqual(Object.keys(prompts[0]!).sort(), ['instance_id', 'messages', 'step_id', 'step_index', 'target', 'target_message', 'target_parsed', 'template', 'tool_format']);
    assert.equal(prompts[0]!.template, 'thought-action-think', 'the rollout template in the SRL response format');
    assert.equal((prompts[3]!.messages as unknown[]).length, 4);
  });
});

test('traj convert --skip-invalid reports a bad record and keeps the good ones', async (t) => {
  await withTempDir(async (dir) => {
    const output = join(dir, 'store.jsonl');
    const messages = await run(t, 'traj', 'convert', fixture('chat-bad-call.jsonl'), fixture('no-actions.traj'), '--skip-invalid', '-o', output);
    assert.match(messages[0]!, /^swe-srl: skipped: .*chat-bad-call\.jsonl:3: messages\[1\]\.content/);
    assert.match(messages[1]!, /^swe-srl: skipped: .*no-actions\.traj: the trajectory of no-actions has no actions/);
    assert.equal(messages[2], `wrote 1 trajectories to ${output}; skipped 2`);
    assert.equal((await readAllTrajectories(output)).length, 1);
  });
});

test('traj convert --to swe-agent-traj writes whole or not at all: a bad later line leaves no partial .traj', async (t) => {
  await withTempDir(async (dir) => {
    const output = join(dir, 'trajs');
    await run(t, 'traj', 'convert', fixture('openai-messages.jsonl'), '--to', 'swe-agent-traj', '-o', output);
    const earlier = (await readdir(output)).sort();
    assert.ok(earlier.length > 0);
    // Line 1 converts, line 3 is bad: nothing of this run may appear.
    await assert.rejects(
      run(t, 'traj', 'convert', fixture('chat-bad-call.jsonl'), '--to', 'swe-agent-traj', '-o', output),
      (error: unknown) => error instanceof InputError && /chat-bad-call\.jsonl:3: /.test(error.message),
    );
    assert.deepEqual((await readdir(output)).sort(), earlier);
    assert.deepEqual((await readdir(dir)).sort(), ['trajs'], 'no staging folder is left');
  });
});

test('traj convert --to swe-agent-traj into a path that is a file says so, naming it', async (t) => {
  await withTempDir(async (dir) => {
    const output = join(dir, 'not-a-folder');
    await writeFile(output, '');
    await assert.rejects(
      run(t, 'traj', 'convert', fixture('chat-bad-call.jsonl'), '--skip-invalid', '--to', 'swe-agent-traj', '-o', output),
      (error: unknown) => error instanceof InputError && error.message === `${output}: cannot create the output folder (EEXIST)`,
    );
  });
});

test('bad flags are refused with the flag named', async (t) => {
  await assert.rejects(run(t, 'traj', 'convert', 'x.traj', '-o', 'y.jsonl', '--from', 'sweagent'), (error: unknown) => error instanceof InputError && /--from: "sweagent" is not one of swe-agent-traj/.test(error.message));
  await assert.rejects(run(t, 'traj', 'steps', 'x.jsonl', '-o', 'y.jsonl', '--history', 'some'), (error: unknown) => error instanceof InputError && /--history: "some"/.test(error.message));
});

test('the swe-srl binary reports bad input as one line naming the file and line, exit code 2', async () => {
  const result = await runCli(['traj', 'convert', fixture('not-utf8.traj'), '-o', join(tmpdir(), 'swe-srl-never-written.jsonl')]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^swe-srl: .*not-utf8\.traj:6: not valid UTF-8/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});
