/**
 * One action language for the loop, the recorder and the SRL reward. Thousands of generated
 * responses, in every format (text, XML calls, JSON tool calls in text, native tool calls), with text
 * before `<think>`, several `<think>` blocks, missing closing tags, malformed and repeated calls and
 * unicode, go through an Episode (with `<think>` required, as SRL trains) and through `srlReward`:
 * the loop runs an action exactly when the reward gives a score, with the same action and the same
 * reason otherwise; what the episode records is what the tools were given; and the recorded action
 * text reads back, through the format's own parser, to the recorded action.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Episode } from '../../src/agent/episode.js';
import { loadAgentTemplates, THINK_TEMPLATE_FOR_FORMAT } from '../../src/prompts/templates.js';
import { srlReward } from '../../src/reward/srl.js';
import { ToolSession } from '../../src/tools/tool-session.js';
import type { ToolCall } from '../../src/tools/types.js';
import { parseCommandLine, parseXmlFunctionCall, renderAction, TOOL_FORMATS, type ToolFormat } from '../../src/tools/parsers/index.js';
import type { ChatToolCall } from '../../src/policy/types.js';
import type { Sandbox } from '../../src/sandbox/types.js';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const MONOLOGUES = ['I should look at the file.', 'Ünïcödé 😀 reasoning, with `code` and "quotes"', '', 'multi\nline\nthought', 'has </function> inside?'];
const COMMAND_LINES = [
  'ls -la',
  'open "my dir/a.py" 3',
  'open a.py x',
  'open a b c',
  'goto 12',
  'goto',
  'scroll_down',
  'edit 2:3\n    x = 1\nend_of_edit',
  'edit 2 3\nx\nend_of_edit',
  'edit 2:3\nx',
  "edit 'a b' 'c' False",
  "edit 'a' 'b' True",
  "insert 'ü' 0",
  "insert 'x' --line 4",
  'find_file setup.py | head -1',
  'submit # done',
  'submit now',
  'str_replace_editor view /testbed/a.py --view_range [1, 5]',
  'python3 -c "print(\'😀\')"',
  'search_dir "$HOME"',
  "search_dir 'unclosed",
  '',
  'echo a\necho b',
];
const XML_CALLS = [
  '<function=bash><parameter=command>ls</parameter></function>',
  '<function=bash>\n<parameter=command>open a.py 3</parameter>\n</function>',
  '<function=bash><parameter=command>goto x</parameter></function>',
  '<function=bash><parameter=command> </parameter></function>',
  '<function=str_replace_editor><parameter=command>view</parameter><parameter=path>/testbed/ü.py</parameter></function>',
  '<function=str_replace_editor><parameter=command>view</parameter></function>',
  '<function=submit></function>',
  '<function=think><parameter=thought>hmm</parameter></function>',
  '<function=bash><parameter=command>ls</parameter>',
  '<function=bash><parameter=command>ls</function>',
  '<function=edit><parameter=search>a</parameter><parameter=replace>b</parameter><parameter=replace-all>False</parameter></function>',
];
const JSON_CALLS = [
  '{"name": "bash", "arguments": {"command": "ls"}}',
  '{"name": "bash", "arguments": {"command": "open a.py"}}',
  '{"name": "open", "arguments": {"path": "a.py", "line_number": "3"}}',
  '{"name": "bash", "arguments": "{bad"}',
  '{"name": "submit", "arguments": {}}',
  '{"name": "goto", "arguments": {"line_number": "top"}}',
  '[{"name": "bash", "arguments": {"command": "ls"}}, {"name": "submit", "arguments": {}}]',
];
const NATIVE_CALLS: ChatToolCall[] = [
  { id: 'c1', name: 'bash', arguments: '{"command":"ls -la"}' },
  { id: 'c2', name: 'bash', arguments: '{"command":"find_file x.py"}' },
  { id: 'c3', name: 'edit', arguments: '{"search":"a","replace":"b","replace-all":false}' },
  { id: 'c4', name: 'str_replace_editor', arguments: '{"command":"create","path":"/testbed/ü.py","file_text":"x = 1\\n"}' },
  { id: 'c5', name: 'bash', arguments: '{"command":' },
  { id: 'c6', name: 'submit', arguments: '' },
  { id: 'c7', name: 'open', arguments: '{"path":"a.py","line_number":2.5}' },
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function thinkPart(next: () => number): string {
  const monologue = pick(next, MONOLOGUES);
  return pick(next, [
    '',
    `<think>\n${monologue}\n</think>\n\n`,
    `<think>${monologue}</think>`,
    `${monologue}</think>\n`,
    `<think>${monologue}\n`,
    `<think>a</think><think>${monologue}</think>`,
    `<think>a<think>${monologue}</think>`,
    `Sure. <think>${monologue}</think>\n`,
    '</think>',
    `<think>${monologue}</think>\n</think>`,
  ]);
}

function actionPart(next: () => number, format: ToolFormat): string {
  const one = (): string => {
    switch (format) {
      case 'thought_action': {
        const line = pick(next, COMMAND_LINES);
        return pick(next, [`\`\`\`\n${line}\n\`\`\``, `\`\`\`bash\n${line}\n\`\`\``, `\`\`\`\n${line}`, line]);
      }
      case 'xml_function_calling':
        return pick(next, XML_CALLS);
      case 'function_calling':
        return pick(next, [`<tool_call>\n${pick(next, JSON_CALLS)}\n</tool_call>`, pick(next, JSON_CALLS), `<tool_call>${pick(next, JSON_CALLS)}`]);
    }
  };
  const count = pick(next, [0, 1, 1, 1, 1, 2]);
  const around = pick(next, ['', 'Now I run it: ', 'Voilà 😀\n']);
  return around + Array.from({ length: count }, one).join('\n');
}

function* responses(count: number, seed: number, format: ToolFormat): Generator<{ text: string; toolCalls: ChatToolCall[] }> {
  const next = random(seed);
  for (let i = 0; i < count; i += 1) {
    const native = format === 'function_calling' && next() < 0.4;
    const toolCalls = native ? Array.from({ length: pick(next, [0, 1, 1, 1, 2]) }, () => pick(next, NATIVE_CALLS)) : [];
    yield { text: thinkPart(next) + (native ? pick(next, ['', 'calling the tool']) : actionPart(next, format)), toolCalls };
  }
}

/** A sandbox nobody talks to: the tools are replaced by a recorder in this test. */
const sandbox: Sandbox = {
  id: 'property',
  backend: 'local',
  workdir: '/testbed',
  run: () => Promise.reject(new Error('not used')),
  readFile: () => Promise.reject(new Error('not used')),
  writeFile: () => Promise.reject(new Error('not used')),
  diff: () => Promise.resolve(''),
  close: () => Promise.resolve(),
};

for (const format of TOOL_FORMATS) {
  test(`${format}: the loop runs exactly what the SRL reward scores, and records what it ran`, async (t) => {
    const executed: ToolCall[] = [];
    t.mock.method(ToolSession.prototype, 'execute', async (call: ToolCall) => {
      executed.push(call);
      return { observation: 'ok' };
    });
    t.mock.method(ToolSession.prototype, 'state', async () => ({ openFile: 'n/a', workingDir: '/testbed' }));
    const templates = await loadAgentTemplates(THINK_TEMPLATE_FOR_FORMAT[format]);
    const expert = { toolFormat: format, action: { tool: 'bash', args: { command: 'ls' } }, text: renderAction(format, { tool: 'bash', args: { command: 'ls' } }) };
    const seen = { ran: 0, refused: 0 };
    for (const response of responses(1500, 11 + format.length, format)) {
      const episode = await Episode.start({ instanceId: 'p', problemStatement: 'p' }, sandbox, { templates, config: { limits: { maxConsecutiveFormatErrors: 5 } } });
      executed.length = 0;
      const step = await episode.step(response);
      const reward = srlReward(response, expert);
      const where = JSON.stringify(response);
      if (reward.formatOk) {
        seen.ran += 1;
        assert.equal(step.formatError, undefined, `${where}: the reward scored it, the loop refused it (${step.formatError?.reason})`);
        assert.deepEqual(executed, [reward.action], `${where}: the loop ran what the reward scored`);
        const result = await episode.finish();
        const recorded = result.trajectory.steps[0]!;
        assert.deepEqual(recorded.parsed_action, executed[0], `${where}: the recorded action is the one that ran`);
        assert.deepEqual(result.turns[0]!.action, executed[0]);
        // The recorded action text means the recorded action to the format's own reader.
        const reread =
          format === 'xml_function_calling' ? parseXmlFunctionCall(recorded.action) : format === 'thought_action' || response.toolCalls.length > 0 ? parseCommandLine(recorded.action) : undefined;
        if (reread) assert.deepEqual(reread.ok && reread.action, recorded.parsed_action, `${where}: ${recorded.action}`);
      } else {
        seen.refused += 1;
        assert.ok(step.formatError, `${where}: the reward gave -1 (${reward.reason}), the loop ran ${JSON.stringify(executed)}`);
        assert.deepEqual(executed, [], `${where}: nothing ran`);
        assert.ok(reward.reason.endsWith(step.formatError.reason), `${where}: reward "${reward.reason}" vs loop "${step.formatError.reason}"`);
        const result = await episode.finish();
        assert.equal(result.trajectory.steps.length, 0);
        assert.equal(result.turns[0]!.formatError, step.formatError.reason);
      }
    }
    // The generator reaches both sides often.
    assert.ok(seen.ran > 100 && seen.refused > 100, JSON.stringify(seen));
  });
}
