/**
 * The scripted teacher as a policy, fed observations by hand (the Docker pipeline test runs it
 * through the real Episode in sandboxes): the steps an expert takes in order, one well-formed
 * `<think>` + XML action per turn, monologues that react to what the observation said, and wording
 * that varies between seeds while the actions stay the same. The fixture is a teacher record the
 * task generator made (a hard task: the bug one call away, two edits, namesake distractors).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { readPolicyOutput } from '../../src/agent/read-output.js';
import type { ChatMessage } from '../../src/policy/types.js';
import { teacherRecordSchema, type TeacherRecord } from '../../src/tasks/index.js';
import { ScriptedTeacherPolicy } from '../../src/teacher/index.js';
import type { ParsedAction } from '../../src/tools/parsers/types.js';

const hard = teacherRecordSchema.parse(JSON.parse(await readFile(new URL('./fixtures/hard-record.json', import.meta.url), 'utf8')));

/** The same task as an easy one: the problem names the buggy function, one edit. */
const easy: TeacherRecord = {
  ...hard,
  instance_id: 'easy-0',
  tier: 'easy',
  symptom: { file: hard.bug.file, function: hard.bug.function, line: 4 },
  sites: [hard.sites[0]!],
  edits: [hard.edits[0]!],
  search: [{ query: hard.bug.function, kind: 'symbol', found_in: [hard.bug.file] }],
  namesakes: [],
};

interface Turn {
  thought: string;
  action: ParsedAction;
}

/** Plays an episode: each turn's observation is what `observe` says the action printed. */
async function play(record: TeacherRecord, seed: number, observe: (action: ParsedAction) => string = () => 'ok'): Promise<Turn[]> {
  const policy = new ScriptedTeacherPolicy({ record, seed });
  const messages: ChatMessage[] = [{ role: 'system', content: 'system' }, { role: 'user', content: 'the issue' }];
  const turns: Turn[] = [];
  for (let turn = 0; turn < 30; turn++) {
    const response = await policy.complete({ messages });
    const text = response.samples[0]!.text;
    const read = readPolicyOutput({ text, toolCalls: [] }, 'xml_function_calling', true);
    assert.ok(read.ok, `turn ${turn + 1} is one well-formed action after <think>: ${read.ok ? '' : read.reason}`);
    turns.push({ thought: read.thought, action: read.action });
    if (read.action.tool === 'submit') return turns;
    messages.push({ role: 'assistant', content: text }, { role: 'user', content: `OBSERVATION:\n${observe(read.action)}` });
  }
  return assert.fail('the teacher never submitted');
}

function describeAction(action: ParsedAction): string {
  const args = action.args as Record<string, unknown>;
  if (action.tool === 'bash') return `bash ${String(args.command).split(' ')[0] === 'cd' ? String(args.command).split('&& ')[1]!.split(' ')[0] : String(args.command).split(' ')[0]}`;
  if (action.tool === 'str_replace_editor') return `${String(args.command)} ${String(args.path)}`;
  return action.tool;
}

test('on a hard task the teacher looks around, follows the call to both bug sites, reproduces, edits both, reruns, tests and submits', async () => {
  const turns = await play(hard, 0);
  const steps = turns.map((turn) => describeAction(turn.action));
  const searches = turns.filter((turn) => turn.action.tool === 'bash' && String((turn.action.args as { command: string }).command).startsWith('grep'));
  assert.deepEqual(
    searches.map((turn) => (turn.action.args as { command: string }).command),
    ['limit_report', 'count_kg_at_least', 'percentage'].map((name) => `grep -rn '${name}' /testbed --include='*.py'`),
    'the symptom, then each function it calls that holds a bug',
  );
  const views = steps.filter((step) => step.startsWith('view /testbed/'));
  assert.deepEqual(views, ['view /testbed/parcelpost/summary.py', 'view /testbed/parcelpost/engine/manifest.py', 'view /testbed/parcelpost/engine/mathutil.py']);
  const edits = turns.filter((turn) => (turn.action.args as { command?: string }).command === 'str_replace').map((turn) => turn.action.args);
  assert.deepEqual(edits, hard.edits.map((edit) => ({ command: 'str_replace', path: `/testbed/${edit.path}`, old_str: edit.old_str, new_str: edit.new_str })));
  // After the edits: the example again, the tests, submit.
  assert.deepEqual(steps.slice(-3), ['bash python3', 'bash python3', 'submit']);
  assert.equal((turns.at(-2)!.action.args as { command: string }).command, `cd /testbed && ${hard.test_command}`);
  const reproduce = `cd /testbed && ${hard.reproduce.command}`;
  assert.equal(turns.filter((turn) => (turn.action.args as { command?: string }).command === reproduce).length, 2, 'reproduced before the fix and rerun after it');
  const firstEdit = turns.findIndex((turn) => (turn.action.args as { command?: string }).command === 'str_replace');
  assert.ok(turns.slice(0, firstEdit).some((turn) => (turn.action.args as { command?: string }).command === reproduce), 'the failure is reproduced before any edit');
  for (const turn of turns) assert.ok(turn.thought.length > 30, `every step says why: "${turn.thought}"`);
});

test('the monologue names the namesake distractor and the second fault, and reacts to what the commands printed', async () => {
  const turns = await play(hard, 0, (action) => {
    const command = (action.args as { command?: string }).command ?? '';
    if (command.startsWith('grep')) return '/testbed/parcelpost/legacy.py:4:def count_kg_at_least(a, b, c):\n/testbed/parcelpost/engine/manifest.py:4:def count_kg_at_least(packages, limit):';
    if (command.includes('python3 -c')) return 'Traceback (most recent call last):\nZeroDivisionError: division by zero';
    if (command.includes('unittest')) return 'Ran 10 tests in 0.001s\n\nFAILED (failures=2)';
    return 'ok';
  });
  const all = turns.map((turn) => turn.thought).join('\n');
  assert.match(all, /`parcelpost\/legacy\.py`[^\n]*`count_kg_at_least`/, 'the function of the same name elsewhere is called out');
  assert.match(all, /ZeroDivisionError: division by zero/, 'the reproduction output is quoted');
  const editThoughts = turns.filter((turn) => (turn.action.args as { command?: string }).command === 'str_replace').map((turn) => turn.thought);
  assert.match(editThoughts[0]!, /inverted|opposite/, 'the edit says what kind of bug it fixes');
  assert.match(editThoughts[0]!, /second fault|not the only problem/, 'the first edit says another is needed');
  assert.match(editThoughts[1]!, /second|other one/);
  assert.match(turns.at(-1)!.thought, /FAILED \(failures=2\)/, 'the submission reports the test run it saw, failures included');
  assert.doesNotMatch(turns.at(-1)!.thought, /All green|tests pass/);
});

test('on an easy task there is one search, one file and one edit', async () => {
  const turns = await play(easy, 3);
  const steps = turns.map((turn) => describeAction(turn.action));
  assert.equal(steps.filter((step) => step === 'bash grep').length, 1);
  assert.deepEqual(steps.filter((step) => step.startsWith('view /testbed/')), [`view /testbed/${easy.bug.file}`]);
  assert.equal(steps.filter((step) => step.startsWith('str_replace')).length, 1);
});

test('different seeds word the monologue differently, and the same seed gives the same episode', async () => {
  const episodes = await Promise.all([0, 1, 2, 3, 4, 5].map((seed) => play(hard, seed)));
  const monologues = new Set(episodes.map((turns) => turns.map((turn) => turn.thought).join('\n')));
  assert.equal(monologues.size, episodes.length, 'every seed reads differently');
  const firstThoughts = new Set(episodes.map((turns) => turns[0]!.thought));
  assert.ok(firstThoughts.size >= 3, `the opening is not one template: ${[...firstThoughts].join(' | ')}`);
  const edits = episodes.map((turns) => JSON.stringify(turns.filter((turn) => turn.action.tool === 'str_replace_editor' && (turn.action.args as { command: string }).command === 'str_replace').map((turn) => turn.action)));
  assert.equal(new Set(edits).size, 1, 'the fix is the same whatever the wording');
  assert.deepEqual(await play(hard, 4), episodes[4]);
});
