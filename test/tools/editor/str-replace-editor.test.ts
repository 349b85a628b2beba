import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ToolSession } from '../../../src/tools/tool-session.js';
import { TempDirSandbox } from '../../helpers/temp-dir-sandbox.js';

let sandbox: TempDirSandbox;
let session: ToolSession;
const editor = (args: Record<string, unknown>) => session.execute({ tool: 'str_replace_editor', args });

before(async () => {
  sandbox = await TempDirSandbox.create({
    files: {
      'pkg/core.py': 'x = 1\ny = 2\nx = 1\nz = 3\n',
      'pkg/sub/deep/hidden.txt': 'deep\n',
      '.secret/key': 'k\n',
      'README.md': '# demo\n',
    },
  });
  session = new ToolSession(sandbox, { bundles: ['bash', 'str_replace_editor', 'submit'] });
});

after(async () => {
  await sandbox.close();
});

test('view shows a file as cat -n does', async () => {
  const outcome = await editor({ command: 'view', path: `${sandbox.workdir}/README.md` });
  assert.equal(outcome.observation, `Here's the result of running \`cat -n\` on ${sandbox.workdir}/README.md:\n     1\t# demo\n     2\t\n`);
});

test('view with a range shows only those lines, numbered from the first', async () => {
  const outcome = await editor({ command: 'view', path: `${sandbox.workdir}/pkg/core.py`, view_range: [2, 3] });
  assert.match(outcome.observation, /:\n     2\ty = 2\n     3\tx = 1\n$/);
  const bad = await editor({ command: 'view', path: `${sandbox.workdir}/pkg/core.py`, view_range: [4, 2] });
  assert.match(bad.observation, /should be larger or equal than its first `4`/);
});

test('view of a directory lists two levels deep without hidden entries', async () => {
  const outcome = await editor({ command: 'view', path: sandbox.workdir });
  const listed = outcome.observation.split('\n');
  assert.ok(listed.includes(`${sandbox.workdir}/pkg/sub`));
  assert.ok(!listed.includes(`${sandbox.workdir}/pkg/sub/deep`), 'three levels deep is not listed');
  assert.ok(!outcome.observation.includes('.secret'), 'hidden entries are not listed');
  assert.ok(!outcome.observation.includes('.git'), 'the git directory is not listed');
});

test('str_replace with zero or several matches changes nothing and says how many it found', async () => {
  const none = await editor({ command: 'str_replace', path: `${sandbox.workdir}/pkg/core.py`, old_str: 'w = 9', new_str: 'w = 0' });
  assert.match(none.observation, /did not appear verbatim/);
  const several = await editor({ command: 'str_replace', path: `${sandbox.workdir}/pkg/core.py`, old_str: 'x = 1', new_str: 'x = 5' });
  assert.match(several.observation, /Multiple occurrences of old_str `x = 1` in lines \[1, 3\].*found 2 occurrences/);
  assert.equal((await sandbox.readFile('pkg/core.py')).toString(), 'x = 1\ny = 2\nx = 1\nz = 3\n');
});

test('str_replace with exactly one match edits, shows a snippet, and undo_edit restores', async () => {
  const edited = await editor({ command: 'str_replace', path: `${sandbox.workdir}/pkg/core.py`, old_str: 'y = 2', new_str: 'y = 20\ny2 = 4' });
  assert.match(edited.observation, /has been edited\. Here's the result of running `cat -n` on a snippet of .*core\.py:\n     1\tx = 1\n     2\ty = 20\n     3\ty2 = 4\n/);
  assert.equal((await sandbox.readFile('pkg/core.py')).toString(), 'x = 1\ny = 20\ny2 = 4\nx = 1\nz = 3\n');
  const undone = await editor({ command: 'undo_edit', path: `${sandbox.workdir}/pkg/core.py` });
  assert.match(undone.observation, /Last edit to .*core\.py undone successfully/);
  assert.equal((await sandbox.readFile('pkg/core.py')).toString(), 'x = 1\ny = 2\nx = 1\nz = 3\n');
  const again = await editor({ command: 'undo_edit', path: `${sandbox.workdir}/pkg/core.py` });
  assert.match(again.observation, /No edit history found/);
});

test('insert puts the text after the given line and rejects lines past the end', async () => {
  const inserted = await editor({ command: 'insert', path: `${sandbox.workdir}/README.md`, insert_line: 1, new_str: 'added' });
  assert.match(inserted.observation, /has been edited/);
  assert.equal((await sandbox.readFile('README.md')).toString(), '# demo\nadded\n');
  const bad = await editor({ command: 'insert', path: `${sandbox.workdir}/README.md`, insert_line: 9, new_str: 'x' });
  assert.match(bad.observation, /Invalid `insert_line` parameter: 9\. It should be within the range of lines of the file: \[0, 3\]/);
  await sandbox.run('git checkout -q -- README.md');
});

test('create refuses to overwrite and requires an absolute path', async () => {
  const exists = await editor({ command: 'create', path: `${sandbox.workdir}/README.md`, file_text: 'x' });
  assert.match(exists.observation, /File already exists at: .*README\.md\. Cannot overwrite/);
  const relative = await editor({ command: 'create', path: 'new.py', file_text: 'x' });
  assert.match(relative.observation, new RegExp(`not an absolute path.*Maybe you meant ${sandbox.workdir}/new\\.py\\?`));
  const created = await editor({ command: 'create', path: `${sandbox.workdir}/pkg/new.py`, file_text: 'print(1)\n' });
  assert.equal(created.observation, `File created successfully at: ${sandbox.workdir}/pkg/new.py`);
  assert.equal((await sandbox.readFile('pkg/new.py')).toString(), 'print(1)\n');
});

test('the editor can be called as a command line, as thought-action models write it', async () => {
  const outcome = await session.execute({ tool: 'bash', args: { command: `str_replace_editor view ${sandbox.workdir}/pkg/core.py --view_range 1 1` } });
  assert.match(outcome.observation, /\n     1\tx = 1\n$/);
});

test('an unknown editor command lists the allowed ones', async () => {
  const outcome = await editor({ command: 'delete', path: `${sandbox.workdir}/README.md` });
  assert.match(outcome.observation, /Unrecognized command delete\. The allowed commands .* "view", "create", "str_replace", "insert", "undo_edit"/);
});
