import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine, parseToolCall, renderCommandLine, type ParsedAction } from '../../../src/tools/parsers/index.js';

function parsed(text: string): ParsedAction {
  const result = parseCommandLine(text);
  assert.ok(result.ok, `expected ${JSON.stringify(text)} to parse, got ${JSON.stringify(result)}`);
  return result.action;
}

function failure(text: string): { code: string; reason: string } {
  const result = parseCommandLine(text);
  assert.ok(!result.ok, `expected ${JSON.stringify(text)} to be rejected, got ${JSON.stringify(result)}`);
  return result.error;
}

test('every classic command becomes a precise { tool, args }', () => {
  const cases: Array<[string, ParsedAction]> = [
    ['open main.py\n', { tool: 'open', args: { path: 'main.py' } }],
    ['open "my dir/main.py" 293', { tool: 'open', args: { path: 'my dir/main.py', line: 293 } }],
    ['goto 583', { tool: 'goto', args: { line: 583 } }],
    ['scroll_up', { tool: 'scroll_up', args: {} }],
    ['scroll_down\n', { tool: 'scroll_down', args: {} }],
    ['create reproduce_bug.py\n', { tool: 'create', args: { path: 'reproduce_bug.py' } }],
    ['find_file "numpy_handler.py"\n', { tool: 'find_file', args: { file_name: 'numpy_handler.py' } }],
    ['find_file setup.py src', { tool: 'find_file', args: { file_name: 'setup.py', dir: 'src' } }],
    ['search_dir "def foo(" pkg', { tool: 'search_dir', args: { search_term: 'def foo(', dir: 'pkg' } }],
    ["search_file 'x = 1'", { tool: 'search_file', args: { search_term: 'x = 1' } }],
    ['submit\n', { tool: 'submit', args: {} }],
    ["insert 'import os' --line 3", { tool: 'insert', args: { text: 'import os', line: 3 } }],
    ["insert 'import os'", { tool: 'insert', args: { text: 'import os' } }],
    ['insert 4\nfoo()\nend_of_insert', { tool: 'insert', args: { line: 4, text: 'foo()' } }],
    ['ls -a\n', { tool: 'bash', args: { command: 'ls -a' } }],
    ['python3 /repo/tests/missing_colon.py', { tool: 'bash', args: { command: 'python3 /repo/tests/missing_colon.py' } }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parsed(text), expected, text);
});

test('a windowed edit keeps its replacement lines exactly, indentation included', () => {
  assert.deepEqual(parsed('edit 15:15\n                distance = abs(elem - elem2)\nend_of_edit\n'), {
    tool: 'edit',
    args: { start: 15, end: 15, replacement: '                distance = abs(elem - elem2)' },
  });
  assert.deepEqual(parsed('edit 1:3\n\n    a\n\nend_of_edit'), { tool: 'edit', args: { start: 1, end: 3, replacement: '\n    a\n' } });
  assert.deepEqual(parsed('edit 4:9\nend_of_edit'), { tool: 'edit', args: { start: 4, end: 9, replacement: '' } });
  // A Markdown edit may hold fences and the word end_of_edit inside a line.
  assert.deepEqual(parsed('edit 2:2\n```py\nx = "end_of_edit"\n```\nend_of_edit'), {
    tool: 'edit',
    args: { start: 2, end: 2, replacement: '```py\nx = "end_of_edit"\n```' },
  });
});

test('edit-replace reads shell-quoted search and replace, and the replace-all flag in any spelling', () => {
  const expected = { search: 'def division(a: float, b: float) -> float', replace: 'def division(a: float, b: float) -> float:' };
  // A given False is kept: SWE-agent's argparse takes any third word as "replace all", so it is not the same action.
  assert.deepEqual(parsed("edit 'def division(a: float, b: float) -> float' 'def division(a: float, b: float) -> float:' False"), {
    tool: 'edit_replace',
    args: { ...expected, replace_all: false },
  });
  assert.deepEqual(parsed("edit 'def division(a: float, b: float) -> float' 'def division(a: float, b: float) -> float:'"), { tool: 'edit_replace', args: expected });
  for (const flag of ['True', 'true', '--replace-all', 'replace_all']) {
    assert.deepEqual(parsed(`edit foo bar ${flag}`), { tool: 'edit_replace', args: { search: 'foo', replace: 'bar', replace_all: true } }, flag);
  }
  assert.deepEqual(parsed(`edit 'it'"'"'s' "say \\"hi\\""`), { tool: 'edit_replace', args: { search: "it's", replace: 'say "hi"' } });
  assert.deepEqual(parsed("edit 'a\nb' 'c'"), { tool: 'edit_replace', args: { search: 'a\nb', replace: 'c' } });
});

test('str_replace_editor command lines read their --flags, view_range in both of SWE-agent spellings', () => {
  assert.deepEqual(parsed("str_replace_editor str_replace /r/a.py --old_str 'x = 1' --new_str 'x = 2'"), {
    tool: 'str_replace_editor',
    args: { command: 'str_replace', path: '/r/a.py', old_str: 'x = 1', new_str: 'x = 2' },
  });
  const view = { tool: 'str_replace_editor', args: { command: 'view', path: '/r/a.py', view_range: [1, 10] } };
  assert.deepEqual(parsed("str_replace_editor view /r/a.py --view_range '[1, 10]'"), view);
  assert.deepEqual(parsed('str_replace_editor view /r/a.py --view_range [1, 10]'), view);
  assert.equal(failure('str_replace_editor delete /r/a.py').code, 'unparseable');
});

test('a special command used inside a shell program is that shell program', () => {
  assert.deepEqual(parsed('find_file setup.py | head -1'), { tool: 'bash', args: { command: 'find_file setup.py | head -1' } });
  assert.deepEqual(parsed('open a.py && ls'), { tool: 'bash', args: { command: 'open a.py && ls' } });
});

test('a comment ends the words, as in bash: the command before it is the action', () => {
  assert.deepEqual(parsed('submit # done'), { tool: 'submit', args: {} });
  assert.deepEqual(parsed('open a.py 3  # the top'), { tool: 'open', args: { path: 'a.py', line: 3 } });
});

test('SWE-agent 1.x insert takes its line as a second word; a bash call naming a tool is that tool', () => {
  assert.deepEqual(parsed("insert 'import os' 0"), { tool: 'insert', args: { text: 'import os', line: 0 } });
  assert.deepEqual(parsed('edit 2 3\nx = 1\nend_of_edit'), { tool: 'edit', args: { start: 2, end: 3, replacement: 'x = 1' } });
  assert.deepEqual(parseToolCall({ name: 'bash', arguments: { command: 'open a.py 3' } }), { ok: true, action: { tool: 'open', args: { path: 'a.py', line: 3 } } });
  assert.deepEqual(parseToolCall({ name: 'bash', arguments: { command: 'open a.py | head' } }), {
    ok: true,
    action: { tool: 'bash', args: { command: 'open a.py | head' } },
  });
});

test('malformed special commands are format errors with a reason, never bash', () => {
  assert.equal(failure('').code, 'no_action');
  assert.match(failure('edit 3:5\nfoo').reason, /end_of_edit/);
  assert.match(failure('edit 3:5').reason, /end_of_edit/);
  assert.equal(failure('edit 3:5\nfoo\nend_of_edit\nls').code, 'multiple_actions');
  assert.match(failure('goto top').reason, /integer/);
  assert.match(failure('open a b c').reason, /open <path>/);
  assert.match(failure("search_dir 'unclosed").reason, /unterminated single quote/);
  assert.equal(failure('scroll_down 3').code, 'unparseable');
  assert.equal(failure('edit only-one-word').code, 'unparseable');
});

test('the canonical command line parses back to the same action', () => {
  const actions: ParsedAction[] = [
    { tool: 'bash', args: { command: "grep -rn 'x' . | head" } },
    { tool: 'edit', args: { start: 3, end: 7, replacement: "    if x:\n        return 'y'" } },
    { tool: 'edit', args: { start: 3, end: 3, replacement: '' } },
    { tool: 'edit_replace', args: { search: "it's", replace: 'a\nb', replace_all: true } },
    { tool: 'edit_replace', args: { search: '', replace: 'x' } },
    { tool: 'insert', args: { text: 'x = "1"', line: 2 } },
    { tool: 'open', args: { path: 'dir with space/a.py', line: 10 } },
    { tool: 'goto', args: { line: 1 } },
    { tool: 'create', args: { path: 'new.py' } },
    { tool: 'find_file', args: { file_name: '*.py', dir: 'src' } },
    { tool: 'search_dir', args: { search_term: 'foo bar' } },
    { tool: 'search_file', args: { search_term: '$HOME', file: 'a.sh' } },
    { tool: 'scroll_up', args: {} },
    { tool: 'submit', args: {} },
    { tool: 'str_replace_editor', args: { command: 'insert', path: '/a b.py', new_str: 'z\n', insert_line: 4 } },
    { tool: 'str_replace_editor', args: { command: 'view', path: '/a.py', view_range: [5, -1] } },
  ];
  for (const action of actions) {
    const line = renderCommandLine(action);
    assert.deepEqual(parsed(line), action, line);
  }
  assert.equal(renderCommandLine({ tool: 'open', args: { path: 'main.py', line: 4 } }), 'open main.py 4');
});
