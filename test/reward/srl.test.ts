import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { srlReward, splitResponse, type ExpertAction } from '../../src/reward/srl.js';
import { sequenceMatcherRatio } from '../../src/reward/similarity.js';
import { canonicalAction, renderAction, type ParsedAction, type ToolFormat } from '../../src/tools/parsers/index.js';
import { chatStepPrompts, expertOfRow, readAllTrajectories } from '../../src/trajectories/index.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';

function expert(toolFormat: ToolFormat, action: ParsedAction): ExpertAction {
  return { toolFormat, action, text: renderAction(toolFormat, action) };
}

const viewExpert = expert('xml_function_calling', { tool: 'str_replace_editor', args: { command: 'view', path: '/testbed/a.py', view_range: [1, 40] } });

function reasonOf(response: string, target: ExpertAction = viewExpert): string {
  const result = srlReward(response, target);
  assert.equal(result.reward, -1);
  assert.ok(!result.formatOk);
  return result.reason;
}

test('format violations score -1 with the reason', () => {
  assert.equal(reasonOf('<think>look at the file <function=bash><parameter=command>ls</parameter></function>'), 'no closing </think>');
  assert.equal(reasonOf('<think>plan</think>\n  \n'), 'no action after </think>');
  assert.match(reasonOf('<think>plan</think>I will look at the file.'), /^no action: /);
  assert.match(
    reasonOf('<think>a</think><function=bash><parameter=command>ls</parameter></function>\n<function=bash><parameter=command>pwd</parameter></function>'),
    /^more than one action: /,
  );
  assert.match(reasonOf('<think>a</think><function=bash><parameter=command>ls</parameter>'), /^unparseable tool call: /);
  assert.match(reasonOf('<think>a</think><function=str_replace_editor><parameter=command>view</parameter></function>'), /^unparseable tool call: .*needs the argument path/);
  assert.equal(reasonOf('<think>a</think>x</think><function=submit></function>'), 'more than one <think> block');
  const json = expert('function_calling', { tool: 'bash', args: { command: 'ls' } });
  assert.match(reasonOf('<think>a</think><tool_call>{"name": "bash", "arguments": "{bad"}</tool_call>', json), /^unparseable tool call: /);
  const classic = expert('thought_action', { tool: 'bash', args: { command: 'ls' } });
  assert.match(reasonOf('<think>a</think>```\nls\n```\n```\npwd\n```', classic), /^more than one action/);
});

test("the expert's own action, in any spacing or parameter order, scores 1", () => {
  const responses = [
    `<think>\nI should read the top of the file.\n</think>\n\n${viewExpert.text}`,
    '<think>x</think><function=str_replace_editor><parameter=view_range>[1,40]</parameter><parameter=path>/testbed/a.py</parameter><parameter=command>view</parameter></function>',
    'plan without an opening tag</think>\n<function=str_replace_editor>\n\n  <parameter=command>\nview\n</parameter>\n<parameter=path>/testbed/a.py</parameter>\n<parameter=view_range>[1, 40]</parameter>\n</function>\n',
  ];
  for (const response of responses) assert.equal(srlReward(response, viewExpert).reward, 1, response);
});

test('the reward is the difflib ratio of the canonical renderings', () => {
  const target = expert('xml_function_calling', { tool: 'bash', args: { command: 'python -m pytest tests/test_ops.py -q' } });
  const response = '<think>run the tests</think><function=bash><parameter=command>python -m pytest tests -q</parameter></function>';
  const result = srlReward(response, target);
  assert.ok(result.formatOk);
  assert.equal(result.reward, sequenceMatcherRatio('python -m pytest tests -q', 'python -m pytest tests/test_ops.py -q'));
  assert.ok(result.reward > 0 && result.reward < 1);
  assert.equal(result.monologue, 'run the tests');
  assert.deepEqual(result.action, { tool: 'bash', args: { command: 'python -m pytest tests -q' } });
});

test('canonical rendering keeps markup from inflating the similarity of unrelated actions; the raw variant does not', () => {
  const target = expert('xml_function_calling', { tool: 'bash', args: { command: 'ls -la src' } });
  const response = '<think>t</think>\n<function=bash>\n<parameter=command>git diff</parameter>\n</function>';
  const canonical = srlReward(response, target, { mode: 'canonical' });
  const raw = srlReward(response, target, { mode: 'raw' });
  assert.ok(canonical.formatOk && raw.formatOk);
  assert.equal(canonical.reward, sequenceMatcherRatio('git diff', 'ls -la src'));
  assert.equal(raw.reward, sequenceMatcherRatio(renderAction('xml_function_calling', { tool: 'bash', args: { command: 'git diff' } }), target.text));
  assert.ok(raw.reward > canonical.reward + 0.3, `raw ${raw.reward} vs canonical ${canonical.reward}`);
  // Raw text is sensitive to spacing the canonical form ignores.
  const spaced = '<think>t</think><function=bash>  <parameter=command>ls -la src</parameter>  </function>';
  assert.equal(srlReward(spaced, target, { mode: 'canonical' }).reward, 1);
  assert.ok(srlReward(spaced, target, { mode: 'raw' }).reward < 1);
});

test('a response in another format than the expert trajectory is a format violation', () => {
  const classic = expert('thought_action', { tool: 'open', args: { path: 'a.py', line: 3 } });
  assert.match(reasonOf('<think>t</think><function=open><parameter=path>a.py</parameter></function>', classic), /^no action/);
  assert.equal(srlReward('<think>t</think>\n```\nopen "a.py" 3\n```', classic).reward, 1);
});

test('a second <think> before </think>, or text before <think>, breaks the format', () => {
  const call = '<function=str_replace_editor><parameter=command>view</parameter><parameter=path>/testbed/a.py</parameter><parameter=view_range>[1, 40]</parameter></function>';
  assert.equal(reasonOf(`<think>a<think>b</think>${call}`), 'more than one <think> block');
  assert.equal(reasonOf(`<think>a</think><think>b</think>${call}`), 'more than one <think> block');
  assert.equal(reasonOf(`Sure! <think>a</think>${call}`), 'text before <think>');
  assert.equal(srlReward(`\n <think>a</think>${call}`, viewExpert).reward, 1);
});

test('an empty or whitespace-only command scores -1 (no action) in every format', () => {
  const xml = expert('xml_function_calling', { tool: 'bash', args: { command: 'ls' } });
  assert.match(reasonOf('<think>a</think><function=bash><parameter=command></parameter></function>', xml), /^no action: /);
  assert.match(reasonOf('<think>a</think><function=bash><parameter=command>  \n </parameter></function>', xml), /^no action: /);
  const json = expert('function_calling', { tool: 'bash', args: { command: 'ls' } });
  assert.match(reasonOf('<think>a</think><tool_call>{"name": "bash", "arguments": {"command": " "}}</tool_call>', json), /^no action: /);
  const classic = expert('thought_action', { tool: 'bash', args: { command: 'ls' } });
  assert.match(reasonOf('<think>a</think>```\n \n```', classic), /^no action: /);
});

test('splitResponse separates the monologue from the action text', () => {
  assert.deepEqual(splitResponse('<think>\n a \n</think>\n```\nls\n```\n'), { ok: true, monologue: 'a', actionText: '```\nls\n```' });
  assert.deepEqual(splitResponse('no tags'), { ok: false, reason: 'no closing </think>' });
});

test("on the shared trajectories, each step's own target scores 1 and a neighbour's scores its canonical ratio", { skip: skipUnlessShared('sweagent', 'pydicom__pydicom-1458.traj') }, async () => {
  for (const file of ['pydicom__pydicom-1458.traj', '6e44b9__sweagenttestrepo-1c2844.traj', 'xml_function_calling_demo.jsonl']) {
    const [trajectory] = await readAllTrajectories(sharedDataPath('sweagent', file)!);
    const prompts = chatStepPrompts(trajectory!);
    prompts.forEach((prompt, k) => {
      const target = expertOfRow(prompt);
      assert.equal(srlReward(`<think>my plan</think>\n${prompt.target}`, target).reward, 1, `${file} #${k}`);
      assert.equal(srlReward(`<think>my plan</think>\n${prompt.target}`, target, { mode: 'raw' }).reward, 1, `${file} #${k}`);
      const neighbour = prompts[(k + 1) % prompts.length]!;
      const result = srlReward(`<think>p</think>${neighbour.target}`, target);
      assert.equal(result.reward, sequenceMatcherRatio(canonicalAction(neighbour.target_parsed), canonicalAction(prompt.target_parsed)), `${file} #${k}`);
    });
  }
});

test("rewards equal CPython difflib's ratio on the canonical renderings", { skip: skipUnlessShared('sweagent', 'pydicom__pydicom-1458.traj') }, async () => {
  const [trajectory] = await readAllTrajectories(sharedDataPath('sweagent', 'pydicom__pydicom-1458.traj')!);
  const prompts = chatStepPrompts(trajectory!);
  const pairs = prompts.map((prompt, k) => {
    const neighbour = prompts[(k + 3) % prompts.length]!;
    const result = srlReward(`<think>p</think>${neighbour.target}`, expertOfRow(prompt));
    assert.ok(result.formatOk);
    return { a: result.compared.response, b: result.compared.expert, reward: result.reward };
  });
  const python = spawnSync(
    'python3',
    ['-c', 'import difflib,json,sys; print(json.dumps([difflib.SequenceMatcher(None, p["a"], p["b"]).ratio() for p in json.load(sys.stdin)]))'],
    { input: JSON.stringify(pairs), encoding: 'utf8' },
  );
  assert.equal(python.status, 0, python.stderr);
  assert.deepEqual(pairs.map((p) => p.reward), JSON.parse(python.stdout) as number[]);
});
