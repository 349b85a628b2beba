import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitShellWords } from '../../../src/tools/classic/shell-words.js';
import { routeClassicCommand } from '../../../src/tools/classic/command-line.js';

test('words split as bash splits them: quotes, escapes and $-quotes', () => {
  assert.deepEqual(splitShellWords(`open "my file.py" 20`), { ok: true, words: ['open', 'my file.py', '20'] });
  assert.deepEqual(splitShellWords(`edit 'a b' "c\\"d" True`), { ok: true, words: ['edit', 'a b', 'c"d', 'True'] });
  assert.deepEqual(splitShellWords(`edit 'x = 1\ny = 2' z`), { ok: true, words: ['edit', 'x = 1\ny = 2', 'z'] });
  assert.deepEqual(splitShellWords(`insert $'a\\tb\\n'`), { ok: true, words: ['insert', 'a\tb\n'] });
  assert.deepEqual(splitShellWords(`find_file a\\ b.py`), { ok: true, words: ['find_file', 'a b.py'] });
});

test('shell syntax that needs a real shell is reported, not guessed', () => {
  for (const line of ['open a.py | head', 'open a.py; ls', 'open $FILE', 'open "$(pwd)/a"', 'open a.py > out', "open 'unterminated"]) {
    const split = splitShellWords(line);
    assert.equal(split.ok, false, line);
  }
});

test('a windowed edit keeps its body up to end_of_edit, indentation intact', () => {
  const routed = routeClassicCommand('edit 3:4\n    x = 1\n\tif y:\nend_of_edit\n', new Set(['edit']));
  assert.deepEqual(routed, { kind: 'tool', tool: 'edit', argv: ['3:4'], body: ['    x = 1', '\tif y:'] });
});

test('commands that are not tools stay with bash', () => {
  assert.equal(routeClassicCommand('ls -la', new Set(['open'])), undefined);
  assert.equal(routeClassicCommand('opener x', new Set(['open'])), undefined);
});
