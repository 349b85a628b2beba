/**
 * `swe-srl image prune`: instance images pile up one per instance, so users need a way to remove
 * them. The test makes its own images under a repository label no one else uses, so it can prune
 * them without touching the images other tests build on the same engine.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import Docker from 'dockerode';
import { imageExists, KIND_LABEL, LABELS, removeSweSrlImages } from '../../../src/sandbox/images/image-store.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { baseImageForTests } from '../../helpers/images.js';

async function labelledImage(docker: Docker, base: string, tag: string, labels: Record<string, string>): Promise<void> {
  const container = await docker.createContainer({ Image: base, Cmd: ['true'], Labels: {} });
  try {
    const [repo, version] = tag.split(':') as [string, string];
    await container.commit({ repo, tag: version, changes: Object.entries(labels).map(([key, value]) => `LABEL ${key}=${JSON.stringify(value)}`) });
  } finally {
    await container.remove({ force: true });
  }
}

test('prune removes instance images of a repository, then environment images when asked, and keeps an image a container uses', { skip: await skipUnlessDocker() }, async () => {
  const docker = new Docker();
  const base = await baseImageForTests(docker);
  const repo = `swe-srl-test/prune-${randomBytes(4).toString('hex')}`;
  const instanceTag = `${repo}-instance:1`;
  const busyTag = `${repo}-busy:1`;
  const envTag = `${repo}-env:1`;
  await labelledImage(docker, base, instanceTag, { [KIND_LABEL]: 'instance', [LABELS.repo]: repo });
  await labelledImage(docker, base, busyTag, { [KIND_LABEL]: 'instance', [LABELS.repo]: repo });
  await labelledImage(docker, base, envTag, { [KIND_LABEL]: 'env', [LABELS.repo]: repo });
  const user = await docker.createContainer({ Image: busyTag, Cmd: ['sleep', '60'] });
  try {
    const instances = await removeSweSrlImages(docker, 'instance', { repo });
    assert.deepEqual(instances.removed, [instanceTag]);
    assert.deepEqual(instances.failed.map((failure) => failure.tag), [busyTag]);
    assert.match(instances.failed[0]!.reason, /container/);
    assert.equal(await imageExists(docker, instanceTag), false);
    assert.equal(await imageExists(docker, envTag), true, 'environment images stay unless asked for');
    assert.equal(await imageExists(docker, base), true, 'other repositories are untouched');

    await user.remove({ force: true });
    const envs = await removeSweSrlImages(docker, 'env', { repo });
    assert.deepEqual(envs.removed.sort(), [busyTag, envTag].sort());
    assert.equal(await imageExists(docker, envTag), false);
  } finally {
    await user.remove({ force: true }).catch(() => undefined);
    for (const tag of [instanceTag, busyTag, envTag]) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  }
});
