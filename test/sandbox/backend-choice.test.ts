import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveBackend } from '../../src/sandbox/backend-choice.js';
import { DockerEngines } from '../../src/sandbox/docker/engines.js';
import { skipUnlessDocker } from '../helpers/docker.js';

const nowhere = (): DockerEngines => DockerEngines.fromEndpoints(['unix:///nonexistent/swe-srl-test.sock']);

test('auto falls back to the local backend when no engine answers, and says which endpoint was tried', async () => {
  const resolved = await resolveBackend('auto', nowhere());
  assert.equal(resolved.backend, 'local');
  assert.match(resolved.fallbackReason ?? '', /no Docker engine answers at unix:\/\/\/nonexistent\/swe-srl-test\.sock/);
});

test('an explicit backend is kept as chosen, without probing the engines', async () => {
  assert.deepEqual(await resolveBackend('docker', nowhere()), { backend: 'docker' });
  assert.deepEqual(await resolveBackend('local', nowhere()), { backend: 'local' });
});

test('auto picks Docker when one of the engines answers', { skip: await skipUnlessDocker() }, async () => {
  const engines = DockerEngines.fromEndpoints(['unix:///nonexistent/swe-srl-test.sock', 'unix:///var/run/docker.sock']);
  assert.deepEqual(await resolveBackend('auto', engines), { backend: 'docker' });
});
