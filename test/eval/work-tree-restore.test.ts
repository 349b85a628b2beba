/**
 * Restores after a failed patch attempt, and resets of test files, take their paths from the
 * untrusted patch. They must only ever touch the work tree, through git: a path that leads out of
 * it (`../../usr/bin/pytest-3`, a symlink), into .git, or a glob character, harms nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import { applyPatch } from '../../src/eval/patch-apply.js';
import { restorePaths } from '../../src/eval/work-tree-restore.js';
import { DockerSandbox } from '../../src/sandbox/docker/docker-sandbox.js';
import { DockerEngines } from '../../src/sandbox/docker/engines.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { createRepository } from '../helpers/git-repos.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';
import { repoImageForTests } from '../sandbox/docker/repo-image.js';
import { HostDirectorySandbox } from './helpers/host-sandbox.js';

const skipDocker = await skipUnlessDocker();

/** A patch that edits `path` (which the work tree does not have), so every method fails on it. */
function patchNaming(path: string): string {
  return [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, '@@ -1 +1 @@', '-old', '+new', ''].join('\n');
}

test('paths outside the work tree, into .git, through a symlink or with glob characters are skipped, the rest restored by git', async () => {
  const outside = await tempDir('restore-outside');
  const repository = await createRepository({ 'kept.txt': 'base\n', 'star.txt': 'base\n', 'sub/file.txt': 'base\n' });
  try {
    const victim = join(outside, 'victim');
    await writeFile(victim, 'must survive\n');
    await symlink(outside, join(repository.path, 'link-out'));
    const sandbox = new HostDirectorySandbox(repository.path);
    await writeFile(join(repository.path, 'kept.txt'), 'changed\n');
    await writeFile(join(repository.path, 'added.txt'), 'new\n');
    await writeFile(join(repository.path, '*'), 'a file called star\n');
    const toOutside = join('..', ...Array(8).fill('..'), outside.slice(1), 'victim');
    const result = await restorePaths(sandbox, ['kept.txt', 'added.txt', '*', toOutside, 'link-out/victim', '.git/config', 'sub/../kept.txt']);
    assert.deepEqual(result.restored.sort(), ['kept.txt', 'sub/../kept.txt']);
    assert.deepEqual(result.removed.sort(), ['*', 'added.txt']);
    assert.deepEqual(
      result.skipped.map((entry) => `${entry.reason}: ${entry.path}`).sort(),
      [`inside .git: .git/config`, `outside the work tree: ${toOutside}`, 'outside the work tree: link-out/victim'],
    );
    assert.equal(await readFile(victim, 'utf8'), 'must survive\n');
    assert.equal(await readFile(join(repository.path, 'kept.txt'), 'utf8'), 'base\n');
    // `*` was a literal name: the other files are still there.
    assert.equal(await readFile(join(repository.path, 'star.txt'), 'utf8'), 'base\n');
    assert.equal(existsSync(join(repository.path, '.git', 'config')), true);
  } finally {
    await removeTree(outside);
    await removeTree(repository.path);
  }
});

test('a failed patch naming a host file outside the work tree leaves that file alone', async () => {
  const parent = await tempDir('restore-parent');
  try {
    const repository = await createRepository({ 'app.py': 'x = 1\n' }, join(parent, 'repo'));
    const neighbour = join(parent, 'neighbour.txt');
    await writeFile(neighbour, 'old\nkeep me\n');
    const application = await applyPatch(new HostDirectorySandbox(repository.path), patchNaming('../neighbour.txt'));
    assert.equal(application.applied, false);
    assert.equal(await readFile(neighbour, 'utf8'), 'old\nkeep me\n');
  } finally {
    await removeTree(parent);
  }
});

test('in Docker, a failed patch naming ../../usr/bin/pytest-3 does not delete the container\'s pytest', { skip: skipDocker, timeout: 120_000 }, async () => {
  const docker = new Docker();
  const sandbox = await DockerSandbox.create(
    { type: 'docker', image: await repoImageForTests(docker), runId: `test-restore-${randomBytes(3).toString('hex')}` },
    DockerEngines.fromEnvironment(),
  );
  try {
    assert.equal((await sandbox.run('test -e /usr/bin/pytest-3 && echo present')).output, 'present\n');
    const application = await applyPatch(sandbox, patchNaming('../../usr/bin/pytest-3'));
    assert.equal(application.applied, false);
    assert.equal((await sandbox.run('test -e /usr/bin/pytest-3 && echo present')).output, 'present\n');
  } finally {
    await sandbox.close();
  }
});
