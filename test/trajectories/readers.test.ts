import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { isKnownAction } from '../../src/tools/parsers/index.js';
import { readAllTrajectories, type Trajectory } from '../../src/trajectories/index.js';
import { stepsFromHistory, sweAgentMessageSchema } from '../../src/trajectories/readers/swe-agent-history.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/trajectories/${name}`, import.meta.url));

async function readOne(path: string): Promise<Trajectory> {
  const all = await readAllTrajectories(path);
  assert.equal(all.length, 1);
  return all[0]!;
}

type RawTraj = {
  trajectory?: Array<{ action: string; observation: string }>;
  history: Array<{ role: string; action?: string; tool_calls?: unknown[]; is_demo?: boolean }>;
  info?: { exit_status?: string; submission?: string };
};

function rawJson(file: string): RawTraj {
  return JSON.parse(readFileSync(sharedDataPath('sweagent', file)!, 'utf8')) as RawTraj;
}

/** The tools a reader must see, derived from the file's own action strings (first word), independently of our parser. */
function expectedToolByFirstWord(action: string): string {
  const word = action.trim().split(/\s+/)[0]!;
  if (word === 'edit') return /^edit\s+\d+:\d+/.test(action.trim()) ? 'edit' : 'edit_replace';
  const special = ['open', 'goto', 'create', 'find_file', 'search_dir', 'search_file', 'submit', 'scroll_up', 'scroll_down', 'insert'];
  return special.includes(word) ? word : 'bash';
}

const trajFiles = ['humanevalfix-python-0.traj', 'pydicom__pydicom-1458.traj', '6e44b9__sweagenttestrepo-1c2844.traj'];

for (const file of trajFiles) {
  test(`${file}: one step per recorded action, each parsed to the tool its command names`, { skip: skipUnlessShared('sweagent', file) }, async () => {
    const raw = rawJson(file);
    const trajectory = await readOne(sharedDataPath('sweagent', file)!);
    assert.equal(trajectory.steps.length, raw.trajectory!.length);
    trajectory.steps.forEach((step, index) => {
      const recorded = raw.trajectory![index]!;
      assert.equal(step.action, recorded.action);
      assert.equal(step.observation, recorded.observation);
      assert.equal(step.parsed_action.tool, expectedToolByFirstWord(recorded.action), recorded.action);
      assert.ok(isKnownAction(step.parsed_action));
    });
    assert.equal(trajectory.exit_status, raw.info!.exit_status);
    assert.equal(trajectory.final_patch, raw.info!.submission);
    assert.equal(trajectory.source_format, 'swe-agent-traj');
  });
}

test('the .traj readers pick the action format and the problem statement each file records', { skip: skipUnlessShared('sweagent', '6e44b9__sweagenttestrepo-1c2844.traj') }, async () => {
  const humaneval = await readOne(sharedDataPath('sweagent', 'humanevalfix-python-0.traj')!);
  assert.equal(humaneval.tool_format, 'thought_action');
  assert.equal(humaneval.instance_id, 'humanevalfix-python-0');
  assert.equal(humaneval.problem_statement, 'I have a function that has a bug and needs to be fixed, can you help?');
  assert.deepEqual(humaneval.steps.map((s) => s.parsed_action.tool), ['bash', 'open', 'edit', 'bash', 'submit']);
  assert.deepEqual(humaneval.steps[0]!.state, { open_file: 'n/a', working_dir: '/swe-bench__humanevalfix-python' });

  const functionCalling = await readOne(sharedDataPath('sweagent', '6e44b9__sweagenttestrepo-1c2844.traj')!);
  assert.equal(functionCalling.tool_format, 'function_calling');
  assert.equal(functionCalling.instance_id, 'SWE-agent__test-repo-i1');
  assert.equal(functionCalling.model_name, 'gpt-4o');
  assert.match(functionCalling.problem_statement, /^SyntaxError: invalid syntax\nI'm running `missing_colon.py`/);
  // The call gave replace-all false, which SWE-agent's tool takes as "replace all": kept, since it is what ran.
  assert.deepEqual(functionCalling.steps[2]!.parsed_action, {
    tool: 'edit_replace',
    args: { search: 'def division(a: float, b: float) -> float', replace: 'def division(a: float, b: float) -> float:', replace_all: false },
  });
});

test("pydicom's problem statement, dug out of the instance prompt past the demonstration, is the SWE-bench row's", { skip: skipUnlessShared('sweagent', 'swe-bench-dev-easy.json') }, async () => {
  const rows = JSON.parse(readFileSync(sharedDataPath('sweagent', 'swe-bench-dev-easy.json')!, 'utf8')) as Array<{ instance_id: string; problem_statement: string }>;
  const row = rows.find((r) => r.instance_id === 'pydicom__pydicom-1458')!;
  const trajectory = await readOne(sharedDataPath('sweagent', 'pydicom__pydicom-1458.traj')!);
  assert.equal(trajectory.problem_statement, row.problem_statement);
  assert.deepEqual(trajectory.steps.map((s) => s.parsed_action.tool), ['create', 'edit', 'bash', 'find_file', 'open', 'edit', 'edit', 'edit', 'edit', 'bash', 'bash', 'submit']);
  assert.deepEqual(trajectory.steps[4]!.parsed_action, { tool: 'open', args: { path: 'pydicom/pixel_data_handlers/numpy_handler.py', line: 293 } });
});

test('steps rebuilt from a history alone match the recorded trajectory[] (observations, states, actions)', { skip: skipUnlessShared('sweagent', '6e44b9__sweagenttestrepo-1c2844.traj') }, async () => {
  for (const file of trajFiles) {
    const raw = rawJson(file);
    const recorded = await readOne(sharedDataPath('sweagent', file)!);
    const history = raw.history.map((message) => sweAgentMessageSchema.parse(message));
    const rebuilt = stepsFromHistory(history, { file });
    // SWE-agent 1.x leaves the submit turn out of the history; 0.x keeps it without an observation.
    assert.ok(rebuilt.length === recorded.steps.length || rebuilt.length === recorded.steps.length - 1, file);
    let compared = 0;
    rebuilt.forEach((step, index) => {
      const expected = recorded.steps[index]!;
      assert.deepEqual(step.parsed_action, expected.parsed_action, `${file} step ${index}`);
      if (step.state === undefined) return; // no observation followed this action in the history
      assert.deepEqual(step.state, expected.state, `${file} step ${index}`);
      assert.equal(step.observation, expected.observation, `${file} step ${index}`);
      compared += 1;
    });
    assert.ok(compared >= recorded.steps.length - 1, `${file}: only ${compared} observations compared`);
  }
});

test('function_calling_simple.traj (history only) is rebuilt from its tool calls', { skip: skipUnlessShared('sweagent', 'function_calling_simple.traj') }, async () => {
  const raw = rawJson('function_calling_simple.traj');
  const trajectory = await readOne(sharedDataPath('sweagent', 'function_calling_simple.traj')!);
  const callCount = raw.history.filter((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0).length;
  assert.equal(trajectory.steps.length, callCount);
  assert.equal(trajectory.tool_format, 'function_calling');
  assert.deepEqual(trajectory.steps.map((s) => s.parsed_action.tool), ['find_file', 'open', 'edit_replace', 'bash', 'submit']);
  assert.equal(trajectory.steps[3]!.observation, '8.2');
  // No info block: the run ends with submit, whose observation is the patch (the same one the other run of this task recorded).
  const other = rawJson('6e44b9__sweagenttestrepo-1c2844.traj');
  assert.equal(trajectory.exit_status, 'submitted');
  assert.equal(trajectory.final_patch, other.info!.submission);
  assert.deepEqual(trajectory.metadata, { inferred: ['exit_status', 'final_patch'] });
});

test('the demonstration YAML and its XML chat conversion read to the same steps', { skip: skipUnlessShared('sweagent', 'xml_function_calling_demo.jsonl') }, async () => {
  const yamlPath = sharedDataPath('sweagent', 'str_replace_anthropic_demo.yaml')!;
  const yaml = await readOne(yamlPath);
  const xml = await readOne(sharedDataPath('sweagent', 'xml_function_calling_demo.jsonl')!);
  const rawYaml = parseYaml(readFileSync(yamlPath, 'utf8')) as { history: Array<{ role: string; tool_calls?: unknown[] }> };
  assert.equal(yaml.steps.length, rawYaml.history.filter((m) => m.role === 'assistant' && m.tool_calls?.length).length);
  assert.equal(yaml.source_format, 'swe-agent-demo');
  assert.equal(yaml.tool_format, 'function_calling');
  assert.equal(xml.source_format, 'chat-xml');
  assert.equal(xml.tool_format, 'xml_function_calling');
  assert.equal(xml.instance_id, 'swe-agent__test-repo-missing-colon');
  assert.deepEqual(xml.metadata, { resolved: true, inferred: ['exit_status', 'final_patch'] });
  assert.equal(yaml.problem_statement, xml.problem_statement);
  assert.match(yaml.problem_statement, /^I'm running `missing_colon.py` as follows:/);
  assert.deepEqual(yaml.steps.map((s) => s.parsed_action), xml.steps.map((s) => s.parsed_action));
  assert.deepEqual(yaml.steps.map((s) => s.observation), xml.steps.map((s) => s.observation));
  assert.deepEqual(yaml.steps.map((s) => s.thought), xml.steps.map((s) => s.thought));
  assert.deepEqual(xml.steps.map((s) => s.parsed_action.tool), ['str_replace_editor', 'str_replace_editor', 'str_replace_editor', 'submit']);
  assert.ok(xml.steps[0]!.action.startsWith('<function=str_replace_editor>'));
  assert.deepEqual(xml.steps[0]!.state, { open_file: '', working_dir: '' });
});

test('OpenAI-style messages: tool calls answered by tool_call_id, OpenHands names mapped, parallel calls split', async () => {
  const [trajectory] = await readAllTrajectories(fixture('openai-messages.jsonl'));
  assert.ok(trajectory);
  assert.equal(trajectory.source_format, 'openai-messages');
  assert.equal(trajectory.problem_statement, 'add() returns the difference');
  assert.deepEqual(trajectory.steps.map((s) => s.parsed_action.tool), ['bash', 'str_replace_editor', 'view_then_run', 'bash', 'submit']);
  assert.equal(trajectory.steps[0]!.observation, '/workspace/calc/ops.py:1:def add(a, b):');
  assert.equal(trajectory.steps[1]!.thought, 'It subtracts.');
  assert.equal(trajectory.steps[1]!.observation, 'The file /workspace/calc/ops.py has been edited.');
  // Answers come back out of order; each call gets its own by id.
  assert.equal(trajectory.steps[2]!.observation, 'def add(a, b):\n    return a + b');
  assert.equal(trajectory.steps[3]!.observation, '4');
  assert.equal(trajectory.steps[3]!.action, "python -c 'import ops; print(ops.add(2, 2))'");
  assert.equal(trajectory.final_patch, 'diff --git a/ops.py b/ops.py\n'); // OpenHands' git_patch
  assert.equal(trajectory.exit_status, 'submitted');
  assert.deepEqual(trajectory.metadata, { resolved: true, inferred: ['exit_status'] });
});
