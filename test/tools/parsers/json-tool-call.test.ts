import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseJsonToolCallText,
  parseToolCall,
  parseToolCalls,
  renderJsonToolCall,
  toOpenAiToolCall,
  type ParsedAction,
} from '../../../src/tools/parsers/index.js';

test('an OpenAI tool call with a JSON-string arguments field becomes { tool, args }', () => {
  const call = { id: 'call_1', type: 'function', function: { name: 'str_replace_editor', arguments: '{"command":"view","path":"/swe-agent-test-repo"}' } };
  assert.deepEqual(parseToolCalls([call]), { ok: true, action: { tool: 'str_replace_editor', args: { command: 'view', path: '/swe-agent-test-repo' } } });
  assert.deepEqual(parseToolCall({ name: 'find_file', arguments: { file_name: 'missing_colon.py' } }), { ok: true, action: { tool: 'find_file', args: { file_name: 'missing_colon.py' } } });
});

test("SWE-agent's edit call becomes edit_replace; a replace-all false is kept, since SWE-agent's tool still replaces all", () => {
  const call = { function: { name: 'edit', arguments: '{"search":"a","replace":"b","replace-all":false}' } };
  assert.deepEqual(parseToolCall(call), { ok: true, action: { tool: 'edit_replace', args: { search: 'a', replace: 'b', replace_all: false } } });
  const without = { function: { name: 'edit', arguments: '{"search":"a","replace":"b"}' } };
  assert.deepEqual(parseToolCall(without), { ok: true, action: { tool: 'edit_replace', args: { search: 'a', replace: 'b' } } });
});

test('no call, two calls and broken calls are format errors', () => {
  const none = parseToolCalls([]);
  assert.ok(!none.ok && none.error.code === 'no_action');
  const two = parseToolCalls([{ name: 'submit' }, { name: 'submit' }]);
  assert.ok(!two.ok && two.error.code === 'multiple_actions');
  const badJson = parseToolCall({ function: { name: 'bash', arguments: '{"command": "ls"' } });
  assert.ok(!badJson.ok && /not valid JSON/.test(badJson.error.reason));
  const noName = parseToolCall({ arguments: {} });
  assert.ok(!noName.ok && /no "name"/.test(noName.error.reason));
  const notObject = parseToolCall({ name: 'bash', arguments: '[1]' });
  assert.ok(!notObject.ok && /must be a JSON object/.test(notObject.error.reason));
});

test('a call written as text, tagged or bare, reads the same', () => {
  const tagged = parseJsonToolCallText('Let me look.\n<tool_call>\n{"name": "bash", "arguments": {"command": "ls -la"}}\n</tool_call>');
  assert.ok(tagged.ok);
  assert.equal(tagged.thought, 'Let me look.');
  assert.deepEqual(tagged.action, { tool: 'bash', args: { command: 'ls -la' } });
  const bare = parseJsonToolCallText('  {"name":"bash","arguments":"{\\"command\\":\\"ls -la\\"}"}  ');
  assert.ok(bare.ok);
  assert.deepEqual(bare.action, tagged.action);
  const two = parseJsonToolCallText('<tool_call>{"name":"submit"}</tool_call><tool_call>{"name":"submit"}</tool_call>');
  assert.ok(!two.ok && two.error.code === 'multiple_actions');
  const unclosed = parseJsonToolCallText('<tool_call>{"name":"submit"}');
  assert.ok(!unclosed.ok && unclosed.error.code === 'unparseable');
  const prose = parseJsonToolCallText('I would run ls.');
  assert.ok(!prose.ok && prose.error.code === 'no_action');
  const broken = parseJsonToolCallText('<tool_call>{"name": "bash", "arguments": {</tool_call>');
  assert.ok(!broken.ok && /not valid JSON/.test(broken.error.reason));
});

test('renderings parse back to the same action, in text and as an OpenAI call', () => {
  const actions: ParsedAction[] = [
    { tool: 'bash', args: { command: 'python -c "print(1)"' } },
    { tool: 'edit', args: { start: 2, end: 3, replacement: 'a\nb' } },
    { tool: 'insert', args: { text: 'x', line: 4 } },
    { tool: 'str_replace_editor', args: { command: 'view', path: '/a', view_range: [1, 2] } },
    { tool: 'think', args: { b: 1, a: 'two' } },
  ];
  for (const action of actions) {
    const text = parseJsonToolCallText(renderJsonToolCall(action));
    assert.ok(text.ok);
    assert.deepEqual(text.action, action);
    assert.deepEqual(parseToolCall(toOpenAiToolCall(action, 'id')), { ok: true, action });
  }
  assert.equal(toOpenAiToolCall({ tool: 'open', args: { path: 'a', line: 2 } }, 'c1').function.arguments, '{"path":"a","line_number":2}');
});
