import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAction } from '../../../src/tools/parsers/index.js';
import {
  chatStepPrompts,
  rawStepInstances,
  readAllTrajectories,
  StepIdAllocator,
  truncationMarker,
  type Trajectory,
} from '../../../src/trajectories/index.js';
import { sharedDataPath, skipUnlessShared } from '../../helpers/shared-data.js';

const trajFiles = ['humanevalfix-python-0.traj', 'pydicom__pydicom-1458.traj', '6e44b9__sweagenttestrepo-1c2844.traj', 'function_calling_simple.traj'];

function actionsInFile(file: string): number {
  const raw = JSON.parse(readFileSync(sharedDataPath('sweagent', file)!, 'utf8')) as {
    trajectory?: unknown[];
    history: Array<{ role: string; tool_calls?: unknown[] }>;
  };
  if (raw.trajectory && raw.trajectory.length > 0) return raw.trajectory.length;
  return raw.history.filter((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0).length;
}

function text(message: { content: string | null }): string {
  return message.content ?? '';
}

async function load(file: string): Promise<Trajectory> {
  return (await readAllTrajectories(sharedDataPath('sweagent', file)!))[0]!;
}

for (const file of trajFiles) {
  test(`${file} yields one step instance per action, in both forms`, { skip: skipUnlessShared('sweagent', file) }, async () => {
    const trajectory = await load(file);
    const raw = rawStepInstances(trajectory);
    const chat = chatStepPrompts(trajectory);
    assert.equal(raw.length, actionsInFile(file));
    assert.equal(chat.length, raw.length);
    raw.forEach((instance, k) => {
      assert.equal(instance.step_index, k);
      assert.equal(instance.target_action, trajectory.steps[k]!.action);
      assert.deepEqual(instance.target_parsed, trajectory.steps[k]!.parsed_action);
    });
    assert.equal(new Set(raw.map((r) => r.step_id)).size, raw.length);
  });
}

test('the context is the problem statement and the H most recent rounds before the target', { skip: skipUnlessShared('sweagent', 'pydicom__pydicom-1458.traj') }, async () => {
  const trajectory = await load('pydicom__pydicom-1458.traj');
  const steps = trajectory.steps;
  const defaults = rawStepInstances(trajectory);
  assert.deepEqual(defaults[0]!.history, []);
  assert.deepEqual(defaults[1]!.history.map((h) => h.action), [steps[0]!.action]);
  assert.deepEqual(defaults[5]!.history, [3, 4].map((i) => ({ action: steps[i]!.action, observation: steps[i]!.observation })));
  assert.equal(defaults[5]!.omitted_steps, 3);
  assert.equal(defaults[5]!.problem_statement, trajectory.problem_statement);

  const five = rawStepInstances(trajectory, { history: 5, observationBudget: 100_000 });
  assert.deepEqual(five[7]!.history.map((h) => h.action), steps.slice(2, 7).map((s) => s.action));
  const all = rawStepInstances(trajectory, { history: 'all', observationBudget: 100_000 });
  assert.equal(all[11]!.history.length, 11);
  assert.equal(all[11]!.omitted_steps, 0);
  const none = rawStepInstances(trajectory, { history: 0, observationBudget: 100_000 });
  assert.ok(none.every((instance) => instance.history.length === 0));
});

test("the target is the expert's action, never its thought", { skip: skipUnlessShared('sweagent', 'humanevalfix-python-0.traj') }, async () => {
  const trajectory = await load('humanevalfix-python-0.traj');
  const chat = chatStepPrompts(trajectory);
  chat.forEach((prompt, k) => {
    const thought = trajectory.steps[k]!.thought.trim();
    assert.ok(thought.length > 20);
    assert.ok(!prompt.target.includes(thought.slice(0, 20)));
    assert.ok(prompt.messages.every((message) => !(message.content ?? '').includes(thought.slice(0, 40))), 'no expert thought in the context either');
  });
  assert.equal(chat[2]!.target, '```\nedit 15:15\n                distance = abs(elem - elem2)\nend_of_edit\n```');
});

test('chat prompts ask for <think> then one action in the trajectory own syntax, and the target is written in it', { skip: skipUnlessShared('sweagent', 'xml_function_calling_demo.jsonl') }, async () => {
  const sources = [
    ...(await Promise.all(['humanevalfix-python-0.traj', '6e44b9__sweagenttestrepo-1c2844.traj', 'str_replace_anthropic_demo.yaml'].map(load))),
    (await readAllTrajectories(sharedDataPath('sweagent', 'xml_function_calling_demo.jsonl')!))[0]!,
  ];
  const formats = new Set<string>();
  for (const trajectory of sources) {
    formats.add(trajectory.tool_format);
    for (const prompt of chatStepPrompts(trajectory)) {
      const system = prompt.messages[0]!;
      assert.equal(system.role, 'system');
      assert.match(text(system), /<think>\.\.\.<\/think>/);
      assert.match(text(system), /exactly ONE action/);
      const parsed = parseAction(prompt.tool_format, prompt.target);
      assert.ok(parsed.ok, `${trajectory.instance_id}: ${prompt.target}`);
      assert.deepEqual(parsed.action, prompt.target_parsed);
      // Function-calling rows answer each native tool call with a tool message, as rollouts do.
      const observationRole = prompt.tool_format === 'function_calling' ? 'tool' : 'user';
      assert.deepEqual(prompt.messages.map((m) => m.role), ['system', 'user', ...Array(2 * Math.min(prompt.step_index, 2)).fill(0).map((_, i) => (i % 2 === 0 ? 'assistant' : observationRole))]);
    }
  }
  assert.deepEqual([...formats].sort(), ['function_calling', 'thought_action', 'xml_function_calling']);

  const xml = sources[3]!;
  const third = chatStepPrompts(xml)[2]!;
  assert.match(text(third.messages[0]!), /<function=NAME>/);
  // The tool docs are the rollout prompts' own: the catalogue's, in SWE-agent's command-docs form.
  assert.match(text(third.messages[0]!), /str_replace_editor:\n  docstring: Custom editing tool[\s\S]*- path \(string\) \[required\]/);
  assert.equal(text(third.messages[2]!), xml.steps[0]!.action);
  assert.ok(text(third.messages[3]!).startsWith('OBSERVATION:\n'));
  const classic = chatStepPrompts(sources[0]!)[4]!;
  assert.match(text(classic.messages[0]!), /edit <start_line>:<end_line>/);
  assert.doesNotMatch(text(classic.messages[0]!), /str_replace_editor/);
  assert.match(text(classic.messages[1]!), /\(2 earlier actions and their observations are not shown/);
  const native = chatStepPrompts(sources[1]!)[3]!;
  assert.ok(native.tools && native.tools.length > 0, 'function-calling rows carry the tools');
  const call = native.messages[2]!;
  assert.ok(call.role === 'assistant' && call.tool_calls?.[0]?.function.name === 'open', JSON.stringify(call));
  assert.equal(native.target_message.role, 'assistant');
});

test('a megabyte observation is truncated with a marker in the steps', async () => {
  const huge = `${'x'.repeat(1024 * 1024)}\nerror at the end\n`;
  const trajectory: Trajectory = {
    instance_id: 'big',
    problem_statement: 'p',
    steps: [
      { thought: '', action: 'cat big.log', parsed_action: { tool: 'bash', args: { command: 'cat big.log' } }, observation: huge },
      { thought: '', action: 'submit', parsed_action: { tool: 'submit', args: {} }, observation: '' },
    ],
    final_patch: null,
    exit_status: null,
    source_format: 'swe-agent-traj',
    tool_format: 'thought_action',
  };
  const [, second] = rawStepInstances(trajectory, { history: 2, observationBudget: 1000 });
  const observation = second!.history[0]!.observation;
  assert.ok(observation.length < 1100);
  assert.ok(observation.includes(truncationMarker(huge.length - 1000)));
  assert.ok(observation.endsWith('error at the end\n'));
  const chat = chatStepPrompts(trajectory, { history: 2, observationBudget: 1000 })[1]!;
  assert.ok(text(chat.messages.at(-1)!).length < 1100);
});

test('step ids stay distinct when a file holds several runs of one instance', () => {
  const ids = new StepIdAllocator();
  assert.deepEqual(['a', 'b', 'a', 'a'].map((id) => ids.prefixFor(id)), ['a', 'b', 'a~2', 'a~3']);
});

test('bad step options are refused', async () => {
  const trajectory = { instance_id: 'x', problem_statement: '', steps: [], final_patch: null, exit_status: null, source_format: 'store', tool_format: 'thought_action' } as unknown as Trajectory;
  assert.throws(() => rawStepInstances(trajectory, { history: -1, observationBudget: 10 }), RangeError);
  assert.throws(() => chatStepPrompts(trajectory, { history: 2, observationBudget: -5 }), RangeError);
});
