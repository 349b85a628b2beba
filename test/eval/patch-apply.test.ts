import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyPatch, PATCH_METHODS } from '../../src/eval/patch-apply.js';
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

test('a patch recorded from a terminal (CRLF on every line) for an LF file applies once normalised', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'src/lines.txt': LINES.replace('line 7\n', 'line seven\n') });
    const result = await applyPatch(sandbox, patch.replace(/\n/g, '\r\n'));
    assert.equal(result.applied, true);
    assert.equal(result.method, 'git apply');
    assert.deepEqual(result.attempts.map((a) => a.form), ['as given', 'LF line endings']);
    assert.match(await readFile(join(path, 'src/lines.txt'), 'utf8'), /^line seven$/m);
  });
});

test('a patch with CRLF on every line for a file with CRLF endings applies as given, unaltered', async () => {
  const repository = await createRepository({ 'dos.txt': 'one\r\ntwo\r\nthree\r\n' });
  try {
    const sandbox = new HostDirectorySandbox(repository.path);
    const gitPatch = await patchFor(repository.path, { 'dos.txt': 'one\r\nTWO\r\nthree\r\n' });
    // git writes the headers with LF; this one has CRLF there too, as an editor on Windows saves it.
    const patch = gitPatch.replace(/([^\r])\n/g, '$1\r\n');
    assert.ok(!/[^\r]\n/.test(patch));
    const result = await applyPatch(sandbox, patch);
    assert.equal(result.applied, true, JSON.stringify(result.attempts, null, 2));
    assert.deepEqual(result.attempts.map((a) => `${a.method} (${a.form})`), ['git apply (as given)']);
    assert.equal(await readFile(join(repository.path, 'dos.txt'), 'utf8'), 'one\r\nTWO\r\nthree\r\n');
  } finally {
    await removeTree(repository.path);
  }
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

test('a patch whose context drifted is merged by git apply --3way from the blobs it names', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'src/lines.txt': LINES.replace('line 15\n', 'line fifteen\n') });
    await sandbox.run("sed -i 's/^line 13$/line 13 changed/' src/lines.txt && git commit -qam drift");
    const result = await applyPatch(sandbox, patch, { resetBetweenAttempts: 'worktree' });
    assert.equal(result.applied, true, JSON.stringify(result.attempts, null, 2));
    assert.deepEqual(result.attempts.map((a) => a.method), ['git apply', 'git apply --3way']);
    const content = await readFile(join(path, 'src/lines.txt'), 'utf8');
    assert.match(content, /^line fifteen$/m);
    assert.match(content, /^line 13 changed$/m);
  });
});

test('a drifted patch without index lines falls through --3way and --reject to patch with fuzz', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = (await patchFor(path, { 'src/lines.txt': LINES.replace('line 15\n', 'line fifteen\n') })).replace(/^index .*\n/m, '');
    await sandbox.run("sed -i 's/^line 13$/line 13 changed/' src/lines.txt && git commit -qam drift");
    const result = await applyPatch(sandbox, patch);
    assert.equal(result.applied, true, JSON.stringify(result.attempts, null, 2));
    assert.equal(result.method, 'patch --fuzz=5');
    assert.deepEqual(result.attempts.map((a) => a.method), ['git apply', 'git apply --3way', 'git apply --reject', 'patch --fuzz=5']);
    assert.match(await readFile(join(path, 'src/lines.txt'), 'utf8'), /^line fifteen$/m);
    assert.ok(!(await readdir(join(path, 'src'))).some((name) => name.endsWith('.rej')), 'the --reject attempt left nothing behind');
  });
});

test('a patch that applies nowhere is reported with the reason and leaves the tree untouched', async () => {
  for (const resetBetweenAttempts of ['touched-paths', 'worktree'] as const) {
    await withRepository(async (sandbox, path) => {
      const patch = await patchFor(path, {
        'README.md': 'readme changed\n',
        'src/lines.txt': LINES.replace('line 2\n', 'line two\n'),
      });
      // The second file's content no longer matches at all; the first would apply on its own, and a
      // --reject attempt does apply it before failing on the second.
      await sandbox.run("printf 'something else entirely\\n' > src/lines.txt && git commit -qam rewrite");
      const result = await applyPatch(sandbox, patch, { resetBetweenAttempts });
      assert.equal(result.applied, false);
      assert.equal(result.method, undefined);
      assert.deepEqual(result.attempts.map((a) => a.method), [...PATCH_METHODS, 'already applied']);
      assert.match(result.failureReason!, /patch --fuzz=5 failed \(exit 1\)/);
      assert.equal(await gitStatus(sandbox), '', 'partial hunks and .rej files were cleaned up');
      assert.equal(await readFile(join(path, 'README.md'), 'utf8'), 'readme\n');
    });
  }
});

test('a patch that is already applied counts as applied and is not reversed', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'src/lines.txt': LINES.replace('line 9\n', 'line nine\n') });
    assert.equal((await applyPatch(sandbox, patch)).applied, true);
    await sandbox.run('git commit -qam applied');
    // With the blobs its index line names, --3way merges it into the tree as a no-op.
    const again = await applyPatch(sandbox, patch);
    assert.equal(again.applied, true);
    assert.equal(again.method, 'git apply --3way');
    // Without them every method fails, and the reverse check finds it in place.
    const withoutIndex = await applyPatch(sandbox, patch.replace(/^index .*\n/m, ''));
    assert.equal(withoutIndex.applied, true, JSON.stringify(withoutIndex.attempts, null, 2));
    assert.equal(withoutIndex.method, 'already applied');
    assert.equal((await readFile(join(path, 'src/lines.txt'), 'utf8')).match(/^line nine$/gm)?.length, 1);
    assert.equal(await gitStatus(sandbox), '');
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

test('a patch that applies at once costs one session command: what runs before it and git apply, the patch piped in, no file', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'README.md': 'changed\n' });
    const marker = join(path, '.before-ran');
    const result = await applyPatch(sandbox, patch, { before: `builtin printf '' > '${marker}'` });
    assert.equal(result.method, 'git apply');
    assert.equal(sandbox.commands.length, 1, sandbox.commands.join('\n---\n'));
    assert.doesNotMatch(sandbox.commands[0]!, /swe-srl-patch-/);
    assert.ok(existsSync(marker));
    assert.equal(await readFile(join(path, 'README.md'), 'utf8'), 'changed\n');
  });
});

test('a patch that cannot travel in a session command (a NUL byte) goes through the file API, and git apply still runs once', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = 'diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-readme\n+read\0me\n';
    const written: string[] = [];
    const writeFile = sandbox.writeFile.bind(sandbox);
    sandbox.writeFile = async (file, data) => {
      written.push(file);
      await writeFile(file, data);
    };
    const marker = join(path, '.before-ran');
    const result = await applyPatch(sandbox, patch, { label: 'nul', before: `builtin printf '' > '${marker}'` });
    assert.equal(result.applied, true, JSON.stringify(result.attempts, null, 2));
    assert.deepEqual(result.attempts.map((attempt) => attempt.command.replace(/\/tmp\/\S+/, 'FILE')), ['git apply --verbose FILE']);
    assert.equal(written.length, 1);
    assert.match(written[0]!, /^\/tmp\/swe-srl-nul-/);
    assert.ok(existsSync(marker), 'what runs before the patch still ran');
    assert.equal(await readFile(join(path, 'README.md'), 'utf8'), 'read\0me\n');
    assert.deepEqual((await readdir('/tmp')).filter((name) => name.startsWith('swe-srl-nul-')), []);
  });
});

test('when what runs before the patch fails, the patch is still tried, once, and what ran before is not run again', async () => {
  await withRepository(async (sandbox, path) => {
    const patch = await patchFor(path, { 'README.md': 'changed\n' });
    const result = await applyPatch(sandbox, patch, { label: 'refused', before: 'false' });
    assert.equal(result.applied, true, JSON.stringify(result.attempts, null, 2));
    assert.deepEqual(result.attempts.map((attempt) => attempt.method), ['git apply']);
    assert.equal(sandbox.commands.filter((command) => /\bfalse\b/.test(command)).length, 1, sandbox.commands.join('\n---\n'));
    assert.equal(await readFile(join(path, 'README.md'), 'utf8'), 'changed\n');
    assert.deepEqual((await readdir('/tmp')).filter((name) => name.startsWith('swe-srl-refused-')), []);
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
