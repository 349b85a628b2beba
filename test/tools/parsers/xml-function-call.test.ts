import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXmlFunctionCall, renderXmlFunctionCall, type ParsedAction } from '../../../src/tools/parsers/index.js';

function action(output: string): ParsedAction {
  const result = parseXmlFunctionCall(output);
  assert.ok(result.ok, `expected a call in ${JSON.stringify(output)}, got ${JSON.stringify(result)}`);
  return result.action;
}

function errorOf(output: string): { code: string; reason: string } {
  const result = parseXmlFunctionCall(output);
  assert.ok(!result.ok, `expected a format error for ${JSON.stringify(output)}`);
  return result.error;
}

test('a SWE-smith call becomes { tool, args }, the text around it the thought', () => {
  const output =
    'I will fix it.\n\n<function=str_replace_editor>\n<parameter=command>str_replace</parameter>\n<parameter=path>/testbed/a.py</parameter>\n<parameter=old_str>x = 1</parameter>\n<parameter=new_str>x = 2</parameter>\n</function>';
  const result = parseXmlFunctionCall(output);
  assert.ok(result.ok);
  assert.equal(result.thought, 'I will fix it.');
  assert.deepEqual(result.action, { tool: 'str_replace_editor', args: { command: 'str_replace', path: '/testbed/a.py', old_str: 'x = 1', new_str: 'x = 2' } });
});

test('whitespace between tags and the order of parameters give the same action', () => {
  const tight = action('<function=str_replace_editor><parameter=path>/a.py</parameter><parameter=command>view</parameter><parameter=view_range>[1, 20]</parameter></function>');
  const loose = action('<function=str_replace_editor>\n  <parameter=command>\nview\n</parameter>\n\n<parameter=view_range>[1,20]</parameter>\n<parameter=path>/a.py</parameter>\n</function>');
  assert.deepEqual(tight, { tool: 'str_replace_editor', args: { command: 'view', path: '/a.py', view_range: [1, 20] } });
  assert.deepEqual(loose, tight);
});

test('only one line break inside a parameter is dropped, as SWE-agent does', () => {
  assert.deepEqual(action('<function=bash>\n<parameter=command>\n\nls\n\n</parameter>\n</function>'), { tool: 'bash', args: { command: 'ls' } });
  assert.deepEqual(action('<function=str_replace_editor><parameter=command>create</parameter><parameter=path>/a</parameter><parameter=file_text>\n\nx\n\n</parameter></function>'), {
    tool: 'str_replace_editor',
    args: { command: 'create', path: '/a', file_text: '\nx\n' },
  });
});

test('OpenHands names map onto our tools', () => {
  assert.deepEqual(action('<function=execute_bash><parameter=command>pytest -q</parameter></function>'), { tool: 'bash', args: { command: 'pytest -q' } });
  assert.deepEqual(action('<function=finish><parameter=message>done</parameter></function>'), { tool: 'submit', args: {} });
  assert.deepEqual(action('<function=think><parameter=thought>hmm</parameter></function>'), { tool: 'think', args: { thought: 'hmm' } });
});

test('SWE-agent function names and argument keys map to our parsed args', () => {
  assert.deepEqual(action('<function=open><parameter=path>a.py</parameter><parameter=line_number>12</parameter></function>'), { tool: 'open', args: { path: 'a.py', line: 12 } });
  assert.deepEqual(action('<function=edit><parameter=start_line>3</parameter><parameter=end_line>4</parameter><parameter=replacement_text>x</parameter></function>'), {
    tool: 'edit',
    args: { start: 3, end: 4, replacement: 'x' },
  });
  assert.deepEqual(action('<function=edit><parameter=search>a</parameter><parameter=replace>b</parameter><parameter=replace-all>True</parameter></function>'), {
    tool: 'edit_replace',
    args: { search: 'a', replace: 'b', replace_all: true },
  });
});

test('malformed calls are format errors with a reason', () => {
  assert.equal(errorOf('just talking').code, 'no_action');
  assert.equal(errorOf('<function=bash><parameter=command>ls</parameter></function><function=bash><parameter=command>pwd</parameter></function>').code, 'multiple_actions');
  assert.match(errorOf('<function=bash><parameter=command>ls</parameter>').reason, /not closed by <\/function>/);
  assert.match(errorOf('<function=bash><parameter=command>ls</function>').reason, /<parameter=…> is not closed/);
  assert.match(errorOf('<function=bash>ls -la</function>').reason, /text outside any <parameter/);
  assert.match(errorOf('<function=bash></function>').reason, /needs the argument command/);
  assert.match(errorOf('<function=bash><parameter=cmd>ls</parameter></function>').reason, /does not take an argument named cmd/);
  assert.match(errorOf('<function=goto><parameter=line_number>ten</parameter></function>').reason, /integer/);
  assert.match(errorOf('<function=str_replace_editor><parameter=command>delete</parameter><parameter=path>/a</parameter></function>').reason, /one of view/);
  assert.match(errorOf('<function=bash><parameter=command>a</parameter><parameter=command>b</parameter></function>').reason, /twice/);
  assert.match(errorOf('<function=my tool><parameter=a>1</parameter></function>').reason, /not a function name/);
});

test('the canonical XML call parses back to the same action', () => {
  const actions: ParsedAction[] = [
    { tool: 'bash', args: { command: 'echo "<x>"' } },
    { tool: 'str_replace_editor', args: { command: 'insert', path: '/a.py', new_str: '\nindented\n', insert_line: 0 } },
    { tool: 'str_replace_editor', args: { command: 'view', path: '/a.py', view_range: [3, -1] } },
    { tool: 'edit', args: { start: 1, end: 1, replacement: '' } },
    { tool: 'edit_replace', args: { search: 's', replace: 'r', replace_all: true } },
    { tool: 'open', args: { path: 'x y.py', line: 7 } },
    { tool: 'submit', args: {} },
    { tool: 'think', args: { thought: 'plan' } },
  ];
  for (const original of actions) assert.deepEqual(action(renderXmlFunctionCall(original)), original);
  assert.equal(
    renderXmlFunctionCall({ tool: 'open', args: { path: 'a.py', line: 3 } }),
    '<function=open>\n<parameter=path>a.py</parameter>\n<parameter=line_number>3</parameter>\n</function>',
  );
});
