import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { detectFormat, readAllTrajectories } from '../../src/trajectories/index.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { withTempDir } from '../helpers/temp-dir.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/trajectories/${name}`, import.meta.url));

async function rejection(path: string, options: Parameters<typeof readAllTrajectories>[1] = {}): Promise<InputError> {
  try {
    await readAllTrajectories(path, options);
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${path} to be rejected`);
}

test('the format of every shared trajectory file is guessed', { skip: skipUnlessShared('sweagent', 'xml_function_calling_demo.jsonl') }, async () => {
  const expected: Record<string, string> = {
    'humanevalfix-python-0.traj': 'swe-agent-traj',
    'pydicom__pydicom-1458.traj': 'swe-agent-traj',
    '6e44b9__sweagenttestrepo-1c2844.traj': 'swe-agent-traj',
    'function_calling_simple.traj': 'swe-agent-traj',
    'str_replace_anthropic_demo.yaml': 'swe-agent-demo',
    'xml_function_calling_demo.jsonl': 'chat-xml',
  };
  for (const [file, format] of Object.entries(expected)) assert.equal(await detectFormat(sharedDataPath('sweagent', file)!), format, file);
  assert.equal(await detectFormat(fixture('openai-messages.jsonl')), 'openai-messages');
});

test('a .traj saved as .json is still recognised by its shape', { skip: skipUnlessShared('sweagent', 'humanevalfix-python-0.traj') }, async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'run.json');
    await writeFile(path, await import('node:fs/promises').then((fs) => fs.readFile(sharedDataPath('sweagent', 'humanevalfix-python-0.traj')!)));
    assert.equal(await detectFormat(path), 'swe-agent-traj');
    assert.equal((await readAllTrajectories(path))[0]!.steps.length, 5);
  });
});

test('SWE-bench rows and predictions are named for what they are, not read as trajectories', { skip: skipUnlessShared('sweagent', 'swe-bench-dev-easy.json') }, async () => {
  assert.match((await rejection(sharedDataPath('sweagent', 'swe-bench-dev-easy.json')!)).message, /swe-bench-dev-easy\.json: \[0\]: this is a SWE-bench instance row/);
  assert.match((await rejection(sharedDataPath('sweagent', 'pydicom-all_preds.jsonl')!)).message, /pydicom-all_preds\.jsonl:1: this is a predictions file/);
});

test('truncated JSON is reported as truncated, with the file and the line where it stops', async () => {
  const error = await rejection(fixture('truncated.traj'));
  assert.match(error.message, /truncated\.traj:\d+: truncated JSON/);
});

test('bytes that are not UTF-8 are reported with their line, not replaced', async () => {
  const error = await rejection(fixture('not-utf8.traj'));
  assert.match(error.message, /not-utf8\.traj:6: not valid UTF-8/);
});

test('an unknown format names the file and lists the formats we read', async () => {
  const error = await rejection(fixture('unknown-format.json'));
  assert.match(error.message, /unknown-format\.json: unknown trajectory format \(keys: runs, version\); name its format \(one of swe-agent-traj, swe-agent-demo, chat-xml, openai-messages, store\)/);
});

test('a trajectory with no actions is rejected, naming the file', async () => {
  const error = await rejection(fixture('no-actions.traj'));
  assert.match(error.message, /no-actions\.traj: the trajectory of no-actions has no actions/);
});

test('an unparseable call in a chat file names the line and the message', async () => {
  const error = await rejection(fixture('chat-bad-call.jsonl'));
  assert.match(error.message, /chat-bad-call\.jsonl:3: messages\[1\]\.content: a <function=…> is not closed by <\/function>/);
});

test('a file read with the wrong --from says which field does not fit', async () => {
  const error = await rejection(fixture('openai-messages.jsonl'), { format: 'swe-agent-traj' });
  assert.match(error.message, /openai-messages\.jsonl: not a valid SWE-agent \.traj: .*a \.traj needs a trajectory or a history/);
});
