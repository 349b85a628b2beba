import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { prepareRepository, resolveRevision } from '../../../src/sandbox/repos/prepare-repository.js';
import { UnknownCommitError, UnknownRepositoryError } from '../../../src/sandbox/repos/repo-errors.js';
import { InputError } from '../../../src/errors.js';
import { makeTwoCommitRepo } from '../../helpers/git-repos.js';
import { tempDir } from '../../helpers/temp-dir.js';

const reposDir = await tempDir('repos');
const origin = await makeTwoCommitRepo(reposDir, 'acme__widget');
await simpleGit(origin.path).raw(['bundle', 'create', join(reposDir, 'acme__bundled.bundle'), '--all']);
after(() => rm(reposDir, { recursive: true, force: true }));

async function assertPreparedAt(path: string, commit: string, laterCommit: string): Promise<void> {
  const git = simpleGit(path);
  assert.equal((await git.revparse(['HEAD'])).trim(), commit);
  assert.equal((await git.raw(['status', '--porcelain'])).trim(), '', 'the working tree is clean');
  assert.equal((await git.raw(['branch', '--show-current'])).trim(), 'main');
  assert.equal((await git.raw(['remote'])).trim(), '', 'no remote points back at the source');
  // The later commit (the "fix") must not be reachable or even present as a loose object.
  await assert.rejects(git.raw(['cat-file', '-e', `${laterCommit}^{commit}`]));
  assert.match(await readFile(join(path, 'app.py'), 'utf8'), /return 41/);
}

test('prepares a repository at a commit from an owner__name clone in --repos', async () => {
  const prepared = await prepareRepository({ repo: 'acme/widget', commit: origin.first, reposDir });
  try {
    assert.equal(prepared.commit, origin.first);
    assert.equal(prepared.source, origin.path);
    await assertPreparedAt(prepared.path, origin.first, origin.second);
  } finally {
    await prepared.cleanup();
  }
  assert.equal(existsSync(prepared.path), false, 'cleanup removes the directory');
});

test('prepares a repository at a commit from an owner__name.bundle', async () => {
  const prepared = await prepareRepository({ repo: 'acme/bundled', commit: origin.first, reposDir });
  try {
    assert.equal(prepared.commit, origin.first);
    await assertPreparedAt(prepared.path, origin.first, origin.second);
  } finally {
    await prepared.cleanup();
  }
});

test('prepares a repository from an explicit url (here a path) into a chosen destination', async () => {
  const destination = join(reposDir, 'chosen-destination');
  const prepared = await prepareRepository({ repo: 'acme/widget', commit: origin.second, url: origin.path, destination });
  assert.equal(prepared.path, destination);
  assert.equal((await simpleGit(destination).revparse(['HEAD'])).trim(), origin.second);
  await prepared.cleanup();
  assert.ok(existsSync(destination), 'a destination the caller chose is left to the caller');
});

test('a relative --repos directory works from any working directory', async () => {
  const previous = process.cwd();
  process.chdir(reposDir);
  try {
    const prepared = await prepareRepository({ repo: 'acme/widget', commit: origin.first, reposDir: '.' });
    await prepared.cleanup();
    assert.equal(prepared.commit, origin.first);
  } finally {
    process.chdir(previous);
  }
});

test('a short commit id in a local clone resolves to the full id', async () => {
  assert.equal(await resolveRevision({ repo: 'acme/widget', commit: origin.first.slice(0, 8), reposDir }), origin.first);
});

test('an unknown repository names the directory and the names looked for', async () => {
  await assert.rejects(prepareRepository({ repo: 'acme/missing', commit: origin.first, reposDir }), (error: unknown) => {
    assert.ok(error instanceof UnknownRepositoryError);
    assert.match(error.message, /unknown repository acme\/missing/);
    assert.match(error.message, /acme__missing\.bundle/);
    return true;
  });
});

test('an unknown commit in a clone or a bundle is reported as such', async () => {
  const absent = 'f'.repeat(40);
  for (const repo of ['acme/widget', 'acme/bundled']) {
    await assert.rejects(prepareRepository({ repo, commit: absent, reposDir }), (error: unknown) => {
      assert.ok(error instanceof UnknownCommitError, `${repo}: ${String(error)}`);
      assert.match(error.message, new RegExp(`unknown commit ${absent} in ${repo}`));
      return true;
    });
  }
});

test('a malformed repository name or commit is an input error', async () => {
  await assert.rejects(prepareRepository({ repo: 'not-a-repo', commit: origin.first, reposDir }), InputError);
  await assert.rejects(prepareRepository({ repo: 'acme/widget', commit: '--upload-pack=evil', reposDir }), InputError);
});
