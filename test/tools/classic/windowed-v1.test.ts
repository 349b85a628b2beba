/**
 * SWE-agent 1.x's windowed tools: the 100-line window anchored at its first line, the
 * `(N more lines above/below)` markers, search/replace edits inside the window, insert, and the
 * lint gate that refuses an edit introducing a syntax error and leaves the file as it was.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ToolSession } from '../../../src/tools/tool-session.js';
import { TempDirSandbox } from '../../helpers/temp-dir-sandbox.js';

const longFile = Array.from({ length: 250 }, (_, index) => `line_${index + 1} = ${index + 1}`).join('\n') + '\n';
let sandbox: TempDirSandbox;
let session: ToolSession;
const bash = (command: string) => session.execute({ tool: 'bash', args: { command } });

before(async () => {
  sandbox = await TempDirSandbox.create({
    files: {
      'long.py': longFile,
      'small.py': 'def f():\n    return 1\n\n\ndef g():\n    return 1\n',
    },
  });
  session = new ToolSession(sandbox, { flavor: 'swe-agent-1', bundles: ['bash', 'windowed', 'search', 'edit_replace', 'submit'] });
});

after(async () => {
  await sandbox.close();
});

test('open at a line puts it a sixth of the window below the top, with markers above and below', async () => {
  const outcome = await bash('open long.py 120');
  const lines = outcome.observation.split('\n');
  assert.equal(lines[0], '[File: long.py (250 lines total)]');
  assert.equal(lines[1], '(102 more lines above)');
  assert.equal(lines[2], '103:line_103 = 103');
  assert.equal(lines[101], '202:line_202 = 202');
  assert.equal(lines[102], '(48 more lines below)');
});

test('scroll_down moves by the window minus the overlap and stops at the end', async () => {
  await bash('goto 1');
  const first = (await bash('scroll_down')).observation.split('\n');
  assert.equal(first[1], '(98 more lines above)');
  const second = (await bash('scroll_down')).observation.split('\n');
  assert.equal(second[1], '(150 more lines above)', 'clamped so the window ends at the last line');
  assert.equal(second.at(-1), '250:line_250 = 250');
  const up = (await bash('scroll_up')).observation.split('\n');
  assert.equal(up[1], '(52 more lines above)');
});

test('goto past the end is refused with the line count', async () => {
  const outcome = await bash('goto 999');
  assert.equal(outcome.observation, 'Error: <line> must be less than or equal to 250');
});

test('edit replaces inside the window and refuses an ambiguous search', async () => {
  await bash('open small.py');
  const ambiguous = await bash("edit '    return 1' '    return 2'");
  assert.match(ambiguous.observation, /Found more than one occurrence of '    return 1' in the currently displayed lines/);
  assert.equal((await sandbox.readFile('small.py')).toString(), 'def f():\n    return 1\n\n\ndef g():\n    return 1\n');
  const edited = await bash(`edit 'def g():\n    return 1' 'def g():\n    return 2'`);
  assert.match(edited.observation, /^Text replaced\. Please review the changes/);
  assert.equal((await sandbox.readFile('small.py')).toString(), 'def f():\n    return 1\n\n\ndef g():\n    return 2\n');
});

test('a third argument makes a replace-all even when it reads False, as argparse type=bool does', async () => {
  await bash('open long.py 200');
  const outcome = await bash("edit 'line_3 = 3' 'line_3 = 33' False");
  assert.match(outcome.observation, /^Replaced 1 occurrences\. Please review the changes and make sure they are correct\n\(correct indentation/);
  assert.match((await sandbox.readFile('long.py')).toString(), /^line_3 = 33$/m);
  await bash("edit 'line_3 = 33' 'line_3 = 3' True");
});

test('a search text outside the window points at the lines where it occurs', async () => {
  await bash('open long.py 200');
  const outcome = await bash("edit 'line_3 = 3' 'line_3 = 33'");
  assert.match(outcome.observation, /Text 'line_3 = 3' not found in displayed lines\.\n\nHowever, we found the following occurrences.*\n\n- line 3\n/);
});

test('an edit that introduces a syntax error is refused, the file is unchanged and the error is shown', async () => {
  await bash('open small.py');
  const before = (await sandbox.readFile('small.py')).toString();
  const outcome = await bash("edit 'def f():' 'def f(:'");
  assert.equal(outcome.failed, true);
  assert.match(outcome.observation, /Your proposed edit has introduced new syntax error\(s\)/);
  assert.match(outcome.observation, /ERRORS:\n\n- E999 SyntaxError: /);
  assert.match(outcome.observation, /This is how your edit would have looked if applied\n-+\n\[File: .*small\.py \(6 lines total\)\]\n1:def f\(:/);
  assert.match(outcome.observation, /This is the original code before your edit\n-+\n\[File: .*small\.py \(6 lines total\)\]\n1:def f\(\):/);
  assert.equal((await sandbox.readFile('small.py')).toString(), before);
});

test('an edit that breaks indentation is refused as an IndentationError', async () => {
  await bash('open small.py');
  const outcome = await bash("edit '    return 2' 'return 2'");
  assert.match(outcome.observation, /- E999 IndentationError: expected an indented block/);
});

test('insert adds lines after the given line; replace_all replaces every occurrence', async () => {
  await bash('open small.py');
  const inserted = await bash("insert 'import os' 0");
  assert.match(inserted.observation, /^\[File: .*small\.py \(7 lines total\)\]\n1:import os\n2:def f\(\):/);
  const replaced = await session.execute({ tool: 'edit', args: { search: 'return', replace: 'yield', 'replace-all': true } });
  assert.match(replaced.observation, /^Replaced 2 occurrences\./);
  assert.equal((await sandbox.readFile('small.py')).toString(), 'import os\ndef f():\n    yield 1\n\n\ndef g():\n    yield 2\n');
});

test('create makes an empty file and opens it; creating it again warns', async () => {
  const created = await bash('create pkg/new_module.py');
  assert.equal(created.observation, '[File: pkg/new_module.py (0 lines total)]');
  assert.equal((await session.state()).openFile, `${sandbox.workdir}/pkg/new_module.py`);
  const again = await bash('create pkg/new_module.py');
  assert.equal(again.observation, "Warning: File 'pkg/new_module.py' already exists.");
});

test("the 1.0 pre-release revision (tools/defaults): create writes one empty line, an existing file is reported and opened, edits use that release's counting and messages", async () => {
  const old = await TempDirSandbox.create({ files: { 'm.py': 'class A:\n    def f(self):\n        return 1\n' } });
  try {
    const defaults = new ToolSession(old, { flavor: 'swe-agent-1', windowedRevision: 'defaults', bundles: ['bash', 'windowed', 'search', 'edit_replace', 'submit'] });
    const run = (command: string) => defaults.execute({ tool: 'bash', args: { command } });
    assert.equal((await run('create new.py')).observation, '[File: new.py (1 lines total)]\n1:');
    assert.equal((await old.readFile('new.py')).toString(), '\n');
    const again = await run('create m.py');
    assert.equal(again.failed, true);
    assert.match(again.observation, /^Error: File 'm.py' already exists.\n\[File: m.py \(3 lines total\)\]\n1:class A:/);
    const edited = await run("edit 'return 1' 'return 2'");
    assert.match(edited.observation, /^Text replaced\. Please review the changes and make sure they are correct\n\(correct indentation, no duplicate lines, etc\)\. Edit the file again if necessary\.\n\[File: .*m\.py \(3 lines total\)\]/);
    const refused = await run("edit 'return 2' 'return 2\n  x = ('");
    assert.match(refused.observation, /ERRORS:\n\n- E\d+ [^\n]*\nThis is how your edit would have looked if applied/);
  } finally {
    await old.close();
  }
});
