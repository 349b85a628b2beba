import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyPatch } from '../../src/eval/patch-apply.js';
import { testDirectives, touchedPaths } from '../../src/eval/patch-files.js';
import { HostDirectorySandbox } from './helpers/host-sandbox.js';
import { removeTree } from '../helpers/temp-dir.js';
import { createRepository, patchFor } from '../helpers/git-repos.js';

const LINES = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

async function withRepository(run: (sandbox: HostDirectorySandbox, path: string) => Promise<void>): Promise<void> {
  const repository = await createRepository({ 'src/lines.txt': LINES, 'README.md': 'readme\n' });
  try {
    await run(new HostDirectorySandbox(repository.path), repository.path);
  } finally {
    await removeTree(repository.path);
  }
}

async function gitStatus(sandbox: HostDirectorySandbox): Promise<string> {
  return (await sandbox.run('git status --porcelain')).output.trim();
}

test('a clean patch applies with git apply, the first method', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'src/lines.txt': LINES.replace('line 5\n', 'line five\n'), 'src/new.txt': 'new\n' });
    const result = await applyPatch(sandbox, patch);
    assert.equal(result.applied, true);
    assert.equal(result.method, 'git apply');
    assert.equal(result.attempts.length, 1);
    assert.match(await readFile(join(path, 'src/lines.txt'), 'utf8'), /line five/);
    assert.equal(await readFile(join(path, 'src/new.txt'), 'utf8'), 'new\n');
  });
});

test('a patch with CRLF line endings is normalised and applies', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'src/lines.txt': LINES.replace('line 7\n', 'line seven\n') });
    const result = await applyPatch(sandbox, patch.replace(/\n/g, '\r\n'));
    assert.equal(result.applied, true);
    assert.equal(result.method, 'git apply');
    assert.match(await readFile(join(path, 'src/lines.txt'), 'utf8'), /^line seven$/m);
  });
});

test('a patch for a file with CRLF line endings keeps them and applies, next to an LF file', async () => {
  const repository = await createRepository({ 'dos.txt': 'one\r\ntwo\r\nthree\r\n', 'unix.txt': 'x\ny\nz\n' });
  try {
    const sandbox = new HostDirectorySandbox(repository.path);
    const patch = await patchFor(repository.path, { 'dos.txt': 'one\r\nTWO\r\nthree\r\n', 'unix.txt': 'x\nY\nz\n' });
    const result = await applyPatch(sandbox, patch);
    assert.equal(result.applied, true, JSON.stringify(result.attempts, null, 2));
    assert.equal(result.method, 'git apply');
    assert.equal(await readFile(join(repository.path, 'dos.txt'), 'utf8'), 'one\r\nTWO\r\nthree\r\n');
    assert.equal(await readFile(join(repository.path, 'unix.txt'), 'utf8'), 'x\nY\nz\n');
  } finally {
    await removeTree(repository.path);
  }
});

test('a patch whose context drifted falls through to patch with fuzz, leaving no .orig or .rej files', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'src/lines.txt': LINES.replace('line 15\n', 'line fifteen\n') });
    // Change a context line next to the hunk: git apply refuses, patch --fuzz accepts.
    await sandbox.run("sed -i 's/^line 13$/line 13 changed/' src/lines.txt && git commit -qam drift");
    const result = await applyPatch(sandbox, patch);
    assert.equal(result.applied, true, JSON.stringify(result.attempts, null, 2));
    assert.equal(result.method, 'patch --fuzz=5');
    assert.deepEqual(result.attempts.map((a) => a.method), ['git apply', 'git apply --reject', 'patch --fuzz=5']);
    assert.notEqual(result.attempts[0]!.exitCode, 0);
    assert.match(await readFile(join(path, 'src/lines.txt'), 'utf8'), /^line fifteen$/m);
    assert.deepEqual((await readdir(join(path, 'src'))).sort(), ['lines.txt']);
  });
});

test('a patch that applies nowhere is reported with the reason and leaves the tree untouched', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, {
      'README.md': 'readme changed\n',
      'src/lines.txt': LINES.replace('line 2\n', 'line two\n'),
    });
    // The second file's content no longer matches at all; the first would apply on its own, and a
    // --reject attempt does apply it before failing on the second.
    await sandbox.run("printf 'something else entirely\\n' > src/lines.txt && git commit -qam rewrite");
    const result = await applyPatch(sandbox, patch);
    assert.equal(result.applied, false);
    assert.equal(result.method, undefined);
    assert.equal(result.attempts.length, 3);
    assert.match(result.failureReason!, /patch --fuzz=5 failed \(exit 1\)/);
    assert.equal(await gitStatus(sandbox), '', 'partial hunks and .rej files were cleaned up');
    assert.equal(await readFile(join(path, 'README.md'), 'utf8'), 'readme\n');
  });
});

test('a patch that is already applied is not silently reversed', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'src/lines.txt': LINES.replace('line 9\n', 'line nine\n') });
    assert.equal((await applyPatch(sandbox, patch)).applied, true);
    await sandbox.run('git commit -qam applied');
    const again = await applyPatch(sandbox, patch);
    assert.equal(again.applied, false);
    assert.match(await readFile(join(path, 'src/lines.txt'), 'utf8'), /^line nine$/m);
  });
});

test('the patch file itself does not stay behind in the sandbox', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'README.md': 'changed\n' });
    await applyPatch(sandbox, patch, { label: 'model' });
    const leftovers = (await readdir('/tmp')).filter((name) => name.startsWith('swe-srl-model-'));
    assert.deepEqual(leftovers, []);
    assert.ok(!existsSync(join(path, 'swe-srl-model.diff')));
  });
});

test('a file whose path has spaces (git leaves its header unquoted) does not swallow the file before it', () => {
  const testPatch = [
    'diff --git a/tests/test_a.py b/tests/test_a.py',
    '--- a/tests/test_a.py',
    '+++ b/tests/test_a.py',
    '@@ -1 +1 @@',
    '-a',
    '+A',
    'diff --git a/tests/test b.py b/tests/test b.py',
    '--- a/tests/test b.py\t',
    '+++ b/tests/test b.py\t',
    '@@ -1 +1 @@',
    '-b',
    '+B',
    'diff --git a/tests/test c.py b/tests/test c.py',
    'new file mode 100644',
    '--- /dev/null',
    '+++ b/tests/test c.py\t',
    '@@ -0,0 +1 @@',
    '+C',
    '',
  ].join('\n');
  assert.deepEqual(testDirectives(testPatch), ['tests/test_a.py', 'tests/test b.py', 'tests/test c.py']);
  assert.deepEqual(touchedPaths(testPatch), ['tests/test_a.py', 'tests/test b.py', 'tests/test c.py']);
});

test('hunk lines that remove `-- x` or add `++x` are not taken for file headers', () => {
  const testPatch = [
    'diff --git a/tests/test_counter.c b/tests/test_counter.c',
    '--- a/tests/test_counter.c',
    '+++ b/tests/test_counter.c',
    '@@ -1,3 +1,3 @@',
    ' int main(void) {',
    '--- old comment',
    "+++ b'x'",
    ' }',
    '',
  ].join('\n');
  assert.deepEqual(testDirectives(testPatch), ['tests/test_counter.c']);
  assert.deepEqual(touchedPaths(testPatch), ['tests/test_counter.c']);
});

test('test directives are the test files a test patch adds or changes, not data or deleted files', () => {
  const testPatch = [
    'diff --git a/tests/test_a.py b/tests/test_a.py',
    '--- a/tests/test_a.py',
    '+++ b/tests/test_a.py',
    '@@ -1 +1 @@',
    '-x',
    '+y',
    'diff --git a/tests/data/expected.json b/tests/data/expected.json',
    'new file mode 100644',
    '--- /dev/null',
    '+++ b/tests/data/expected.json',
    '@@ -0,0 +1 @@',
    '+{}',
    'diff --git a/tests/test_old.py b/tests/test_old.py',
    'deleted file mode 100644',
    '--- a/tests/test_old.py',
    '+++ /dev/null',
    '@@ -1 +0,0 @@',
    '-gone',
  ].join('\n');
  assert.deepEqual(testDirectives(testPatch), ['tests/test_a.py']);
  assert.deepEqual(touchedPaths(testPatch).sort(), ['tests/data/expected.json', 'tests/test_a.py', 'tests/test_old.py']);
});
