import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAction, parseCommandLine, parseToolCall, TOOL_FORMATS } from '../../../src/tools/parsers/index.js';
import { srlReward } from '../../../src/reward/srl.js';

// Fragments that exercise every parser's edge: tags, fences, quotes, JSON, line breaks.
const FRAGMENTS = [
  '<think>', '</think>', '<function=bash>', '<function=edit>', '</function>', '<parameter=command>', '<parameter=path>',
  '</parameter>', '<tool_call>', '</tool_call>', '```', '```python', '\n', ' ', '"', "'", '\\', '{', '}', '[', ']',
  '{"name": "bash", "arguments": {"command": "ls"}}', '"arguments": "{', 'edit 3:4', 'end_of_edit', 'open', 'goto x',
  'str_replace_editor', '--view_range', '[1,', '2]', 'submit', '|', '&&', 'ls -la', '😀', '\u0000', 'null', '-1',
];

function* randomOutputs(count: number, seed: number): Generator<string> {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = 0; i < count; i += 1) {
    const length = 1 + Math.floor(next() * 12);
    yield Array.from({ length }, () => FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]).join('');
  }
}

test('no parser throws on arbitrary model output: every result is an action or a format error', () => {
  const expert = { toolFormat: 'thought_action' as const, action: { tool: 'bash', args: { command: 'ls' } }, text: '```\nls\n```' };
  for (const output of randomOutputs(3000, 7)) {
    for (const format of TOOL_FORMATS) {
      const result = parseAction(format, output);
      assert.equal(typeof result.ok, 'boolean');
      if (!result.ok) assert.ok(result.error.reason.length > 0);
    }
    assert.equal(typeof parseCommandLine(output).ok, 'boolean');
    const reward = srlReward(output, expert).reward;
    assert.ok(reward === -1 || (reward >= 0 && reward <= 1), output);
  }
  for (const call of [null, 3, 'x', [], { function: null }, { name: 5 }, { name: 'bash', arguments: 'null' }, { name: '__proto__', arguments: { a: 1 } }]) {
    assert.equal(typeof parseToolCall(call).ok, 'boolean');
  }
});
