/**
 * The round trips grading saves and what must still happen in them: a patch's `after` shell, the
 * test patch's restore skipped only for paths nothing changed, the listing of changes read from
 * the patch's round trip, and the test run's private directory made with the test patch.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { applyPatch } from '../../src/eval/patch-apply.js';
import { changeListing, keepSourceChangesOnly, newWorkTreeMark } from '../../src/eval/source-only-patch.js';
import { applyTestPatch, applyTestPatchAndRunTests } from '../../src/eval/test-run.js';
import type { Instance } from '../../src/eval/instances.js';
import type { RunOptions, RunResult } from '../../src/sandbox/types.js';
import { HostDirectorySandbox } from './helpers/host-sandbox.js';
import { createClampProject, type ClampProject } from './helpers/clamp-project.js';
import { removeTree } from '../helpers/temp-dir.js';
import { createRepository, patchFor } from '../helpers/git-repos.js';

const BASE_TEST = 'def test_one():\n    assert True\n';
const directories: string[] = [];
after(async () => {
  for (const dir of directories) await removeTree(dir);
});

async function repository(): Promise<{ sandbox: HostDirectorySandbox; path: string; commit: string }> {
  const made = await createRepository({ 'lib.py': 'x = 1\n', 'tests/test_a.py': BASE_TEST, '.gitignore': 'build/\n' });
  directories.push(made.path);
  return { sandbox: new HostDirectorySandbox(made.path), path: made.path, commit: made.commit };
}

function instanceWith(commit: string, testPatch: string): Instance {
  return {
    instance_id: 'swe-srl__round-trips',
    repo: 'swe-srl/round-trips',
    base_commit: commit,
    problem_statement: '',
    patch: '',
    test_patch: testPatch,
    FAIL_TO_PASS: [],
    PASS_TO_PASS: [],
  };
}

const restores = (sandbox: HostDirectorySandbox) => sandbox.commands.filter((command) => command.includes('swe-srl-restore'));

test("a patch's `after` shell runs in its round trip once it applied, and its output comes back apart", async () => {
  const { sandbox, path } = await repository();
  const patch = await patchFor(path, { 'lib.py': 'x = 2\n' });
  const result = await applyPatch(sandbox, patch, { after: "builtin printf 'listed %s' done" });
  assert.equal(result.method, 'git apply');
  assert.equal(sandbox.commands.length, 1);
  assert.equal(result.afterOutput, 'listed done');
  assert.doesNotMatch(result.attempts[0]!.output, /listed/);
});

test("a patch's `after` shell does not run when the first attempt fails, nor when another attempt applies it", async () => {
  const { sandbox, path } = await repository();
  const marker = join(path, '.after-ran');
  const refused = await applyPatch(sandbox, 'diff --git a/lib.py b/lib.py\n--- a/lib.py\n+++ b/lib.py\n@@ -1 +1 @@\n-y = 1\n+y = 2\n', { after: `builtin printf '' > '${marker}'` });
  assert.equal(refused.applied, false);
  assert.equal(refused.afterOutput, undefined);
  assert.ok(!existsSync(marker));
  // CRLF lines for an LF file: only the LF form applies, at a later attempt.
  const crlf = (await patchFor(path, { 'lib.py': 'x = 3\n' })).replace(/\n/g, '\r\n');
  const applied = await applyPatch(sandbox, crlf, { after: `builtin printf '' > '${marker}'` });
  assert.equal(applied.applied, true, JSON.stringify(applied.attempts, null, 2));
  assert.equal(applied.afterOutput, undefined);
  assert.ok(!existsSync(marker));
});

test('the test patch skips the restore when nothing touched its paths, in one round trip', async () => {
  const { sandbox, path, commit } = await repository();
  const testPatch = await patchFor(path, { 'tests/test_a.py': `${BASE_TEST}\ndef test_two():\n    assert True\n` });
  const result = await applyTestPatch(sandbox, instanceWith(commit, testPatch), { changedSinceBase: ['lib.py', 'tests/test_b.py'] });
  assert.equal(result.applied, true);
  assert.deepEqual(restores(sandbox), []);
  assert.equal(sandbox.commands.length, 1);
  assert.match(await readFile(join(path, 'tests/test_a.py'), 'utf8'), /test_two/);
});

test('the test patch restores its files when a change touched one of them, or a directory above one', async () => {
  for (const changed of [['tests/test_a.py'], ['tests']]) {
    const { sandbox, path, commit } = await repository();
    const testPatch = await patchFor(path, { 'tests/test_a.py': `${BASE_TEST}\ndef test_two():\n    assert True\n` });
    await writeFile(join(path, 'tests/test_a.py'), 'def test_one():\n    assert "the model edited this"\n');
    const result = await applyTestPatch(sandbox, instanceWith(commit, testPatch), { changedSinceBase: changed });
    assert.equal(result.applied, true, `${changed.join()}: ${JSON.stringify(result.attempts, null, 2)}`);
    assert.equal(restores(sandbox).length, 1, changed.join());
    assert.equal(await readFile(join(path, 'tests/test_a.py'), 'utf8'), `${BASE_TEST}\ndef test_two():\n    assert True\n`);
  }
});

test('without a list of changes, the test patch restores its files first, as SWE-bench checks them out', async () => {
  const { sandbox, path, commit } = await repository();
  const testPatch = await patchFor(path, { 'tests/test_a.py': `${BASE_TEST}\ndef test_two():\n    assert True\n` });
  await writeFile(join(path, 'tests/test_a.py'), 'edited\n');
  const result = await applyTestPatch(sandbox, instanceWith(commit, testPatch));
  assert.equal(result.applied, true);
  assert.equal(restores(sandbox).length, 1);
});

test("the listing read from the patch's round trip is the listing made on its own, ignored files written since the mark included", async () => {
  const results = [];
  for (const listedInRoundTrip of [true, false]) {
    const { sandbox, path, commit } = await repository();
    const patch = await patchFor(path, { 'lib.py': 'x = 2\n', 'tests/test_a.py': 'def test_one():\n    assert 1\n' });
    const { marker, command: mark } = newWorkTreeMark();
    const listing = changeListing(sandbox, commit, marker);
    // An ignored file written after the mark: only the time mark can see it.
    const application = await applyPatch(sandbox, patch, { before: `${mark} && mkdir -p build && builtin printf x > build/out`, ...(listedInRoundTrip ? { after: listing.command } : {}) });
    assert.equal(application.applied, true);
    if (listedInRoundTrip) assert.notEqual(application.afterOutput, undefined);
    const before = sandbox.commands.length;
    const confined = await keepSourceChangesOnly(sandbox, commit, { marker, listed: { listing, output: application.afterOutput } });
    assert.equal(sandbox.commands.length - before, listedInRoundTrip ? 1 : 2, 'the listing runs only when it did not come back with the patch (the restore is one more)');
    results.push(confined);
  }
  assert.deepEqual(results[0], results[1]);
  assert.deepEqual(results[0]!.changedPaths, ['build/out', 'lib.py', 'tests/test_a.py']);
  assert.equal(results[0]!.everyWrite, true);
  assert.deepEqual(results[0]!.sourceFiles, ['build/out', 'lib.py']);
  assert.deepEqual(results[0]!.resetTests, ['tests/test_a.py']);
});

test('without a mark the listing does not claim to hold every write', async () => {
  const { sandbox, commit } = await repository();
  const confined = await keepSourceChangesOnly(sandbox, commit);
  assert.equal(confined.everyWrite, false);
});

async function clampClone(project: ClampProject): Promise<HostDirectorySandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'swe-srl-round-trips-'));
  directories.push(dir);
  await simpleGit().clone(project.repository.path, dir);
  return new HostDirectorySandbox(dir);
}

test("the test run's private directory is made in the test patch's round trip, and by the run itself when the patch applied another way", async () => {
  const project = await createClampProject('unittest');
  directories.push(project.repository.path);
  const crlfInstance = { ...project.instance, test_patch: project.instance.test_patch.replace(/\n/g, '\r\n') };
  for (const [instance, madeWithPatch] of [[project.instance, true], [crlfInstance, false]] as const) {
    const sandbox = await clampClone(project);
    const { testPatch, run } = await applyTestPatchAndRunTests(sandbox, project.environment, instance, { timeoutMs: 60_000, untrustedFiles: ['mathlib.py'], changedSinceBase: [] });
    assert.equal(testPatch.applied, true, JSON.stringify(testPatch.attempts, null, 2));
    const makes = sandbox.commands.filter((command) => command.includes('mkdir -m 700'));
    // The first attempt always carries it; it runs there only when that attempt applied.
    const madeOnItsOwn = makes.filter((command) => !command.includes('git apply'));
    assert.ok(makes[0]!.includes('git apply'), makes[0]);
    assert.equal(madeOnItsOwn.length, madeWithPatch ? 0 : 1, makes.join('\n---\n'));
    assert.equal(run?.structured.state, 'read', run?.output);
    assert.equal(run?.guard?.tampering.length, 0);
    const privateDir = /\/tmp\/swe-srl-results-[0-9a-f]+/.exec(makes[0]!)?.[0];
    assert.ok(privateDir !== undefined && !existsSync(privateDir), 'the private directory is removed');
  }
});

/** A host sandbox that runs a follow-up after its command, as the session does, and counts the round trips callers asked for. */
class FollowingHostSandbox extends HostDirectorySandbox {
  readonly roundTrips: string[] = [];

  override async run(command: string, options: RunOptions = {}): Promise<RunResult> {
    this.roundTrips.push(command);
    const first = await super.run(command, { ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
    if (options.followUp === undefined || first.timedOut) return first;
    const { sessionRestarted: _, ...followUp } = await super.run(options.followUp.command, { ...(options.followUp.timeoutMs !== undefined ? { timeoutMs: options.followUp.timeoutMs } : {}) });
    return { ...first, followUp };
  }
}

test("the runner's reports come back as the test command's follow-up where the sandbox runs one, and in a read of their own where it does not", async () => {
  const project = await createClampProject('pytest');
  directories.push(project.repository.path);
  const isReportsRead = (command: string) => command.includes('__swe_srl_file_');
  for (const follows of [true, false]) {
    const plain = await clampClone(project);
    const sandbox = follows ? new FollowingHostSandbox(plain.workdir) : plain;
    const { testPatch, run } = await applyTestPatchAndRunTests(sandbox, project.environment, project.instance, { timeoutMs: 60_000, untrustedFiles: ['mathlib.py'], changedSinceBase: [] });
    assert.equal(testPatch.applied, true, JSON.stringify(testPatch.attempts, null, 2));
    assert.equal(run?.structured.state, 'read', run?.output);
    assert.equal(run?.guard?.tampering.length, 0);
    assert.doesNotMatch(run?.output ?? '', /__swe_srl_file_/, 'the reads stay out of the test output');
    assert.equal(sandbox.commands.filter(isReportsRead).length, 1, 'the reports are read once');
    if (sandbox instanceof FollowingHostSandbox) assert.deepEqual(sandbox.roundTrips.filter(isReportsRead), [], 'no round trip of their own');
    const privateDir = /\/tmp\/swe-srl-results-[0-9a-f]+/.exec(sandbox.commands.find((command) => command.includes('mkdir -m 700'))!)?.[0];
    assert.ok(privateDir !== undefined && !existsSync(privateDir), 'the private directory is removed');
  }
});
