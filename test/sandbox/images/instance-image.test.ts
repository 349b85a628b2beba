import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import Docker from 'dockerode';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { baseImageForTests } from '../../helpers/images.js';
import { ensureInstanceImage } from '../../../src/sandbox/images/instance-image.js';
import { findEnvironmentSpec, parseEnvironmentSpec, type EnvironmentSpec } from '../../../src/sandbox/images/environment-spec.js';
import { ImageBuildError } from '../../../src/sandbox/images/image-errors.js';
import { LABELS } from '../../../src/sandbox/images/image-store.js';
import { UnknownCommitError } from '../../../src/sandbox/repos/repo-errors.js';
import { makeTwoCommitRepo } from '../../helpers/git-repos.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { runInImage } from './run-in-image.js';

const docker = new Docker();
const reposDir = await tempDir('instance-repos');
const emptyReposDir = await tempDir('empty-repos');
const origin = await makeTwoCommitRepo(reposDir, 'acme__widget');
const instanceId = `acme__widget-test-${process.pid}`;
const createdTags: string[] = [];
after(async () => {
  for (const tag of createdTags) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  await rm(reposDir, { recursive: true, force: true });
  await rm(emptyReposDir, { recursive: true, force: true });
});

function environment(instanceInstall: string[] = []): EnvironmentSpec {
  const yaml = JSON.stringify({ name: 'test-instance-env', repo: 'acme/widget', test_cmd: 'python3 -m pytest', log_parser: 'pytest', instance_install: instanceInstall });
  return findEnvironmentSpec([parseEnvironmentSpec(yaml, 'test-instance-env.yaml')], 'acme/widget');
}

test('an instance image holds the repository at base_commit in /testbed with a clean tree and no later history', { skip: await skipUnlessDocker() }, async () => {
  await baseImageForTests(docker);
  const image = await ensureInstanceImage(docker, { environment: environment(), repo: 'acme/widget', commit: origin.first, instanceId, reposDir });
  createdTags.push(image.tag);
  assert.equal(image.built, true);
  assert.match(image.tag, /^swe-srl\/instance\.acme__widget-test-\d+:[0-9a-f]{12}$/);

  const output = await runInImage(
    docker,
    image.tag,
    `cd /testbed && echo "head=$(git rev-parse HEAD)" && echo "status=[$(git status --porcelain)]" && ` +
      `(git cat-file -e ${origin.second}^{commit} 2>/dev/null && echo later=present || echo later=absent) && cat app.py`,
  );
  assert.match(output, new RegExp(`head=${origin.first}`));
  assert.match(output, /status=\[\]/);
  assert.match(output, /later=absent/);
  assert.match(output, /return 41/);
  const labels = (await docker.getImage(image.tag).inspect()).Config.Labels ?? {};
  assert.equal(labels[LABELS.kind], 'instance');
  assert.equal(labels[LABELS.commit], origin.first);

  // With the tag present nothing is fetched: a repos directory without the repository does not matter.
  const again = await ensureInstanceImage(docker, {
    environment: environment(),
    repo: 'acme/widget',
    commit: origin.first,
    instanceId,
    reposDir: emptyReposDir,
  });
  assert.equal(again.built, false);
  assert.equal(again.tag, image.tag);
});

test('instance install commands run in /testbed, and a tree they leave dirty fails the build clearly', { skip: await skipUnlessDocker() }, async () => {
  await baseImageForTests(docker);
  const clean = await ensureInstanceImage(docker, {
    environment: environment(['python3 -c "import app; print(app.answer())" > /tmp/answer']),
    repo: 'acme/widget',
    commit: origin.first,
    instanceId,
    reposDir,
  });
  createdTags.push(clean.tag);
  assert.match(await runInImage(docker, clean.tag, 'cat /tmp/answer'), /41/);

  await assert.rejects(
    ensureInstanceImage(docker, { environment: environment(['touch build-output.txt']), repo: 'acme/widget', commit: origin.first, instanceId, reposDir }),
    (error: unknown) => {
      assert.ok(error instanceof ImageBuildError, String(error));
      assert.match(error.message, /working tree is not clean/);
      assert.match(error.message, /build-output\.txt/);
      return true;
    },
  );
});

test('an unknown base commit fails before any build', { skip: await skipUnlessDocker() }, async () => {
  await baseImageForTests(docker);
  await assert.rejects(
    ensureInstanceImage(docker, { environment: environment(), repo: 'acme/widget', commit: 'deadbeef', instanceId, reposDir }),
    UnknownCommitError,
  );
});
