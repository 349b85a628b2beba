/**
 * Placement over several endpoints. One local engine is reached through two endpoints, its
 * unix socket and a loopback TCP listener this test starts (piping to the socket), so that
 * spreading can be observed on a machine with a single engine.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server } from 'node:net';
import { test } from 'node:test';
import Docker from 'dockerode';
import { UnavailableError } from '../../../src/errors.js';
import { DockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import { DockerEngines, pruneSandboxes } from '../../../src/sandbox/docker/engines.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { repoImageForTests } from './repo-image.js';

const skip = await skipUnlessDocker();
const SOCKET = '/var/run/docker.sock';

/** A TCP listener on 127.0.0.1 forwarding every connection to the engine's unix socket. */
async function startSocketProxy(): Promise<{ endpoint: string; server: Server }> {
  const server = createServer((client) => {
    const engine = createConnection(SOCKET);
    client.pipe(engine).pipe(client);
    const closeBoth = (): void => {
      client.destroy();
      engine.destroy();
    };
    client.on('error', closeBoth);
    engine.on('error', closeBoth);
    client.on('close', closeBoth);
    engine.on('close', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { endpoint: `tcp://127.0.0.1:${address.port}`, server };
}

test('no engine: an UnavailableError that names the endpoint and how to start an engine', async () => {
  const engines = DockerEngines.fromEndpoints(['unix:///nonexistent/docker.sock']);
  await assert.rejects(engines.acquire(), (error: unknown) => {
    assert.ok(error instanceof UnavailableError);
    assert.match(error.message, /unix:\/\/\/nonexistent\/docker\.sock/);
    assert.match(error.message, /scripts\/setup-docker\.sh/);
    return true;
  });
  assert.equal(engines.engines[0]!.liveSandboxes, 0, 'a failed placement holds no slot');
});

test('fromEnvironment reads SWE_SRL_DOCKER_HOSTS, then DOCKER_HOST, then the local socket', () => {
  const listed = DockerEngines.fromEnvironment({ SWE_SRL_DOCKER_HOSTS: 'unix:///a.sock, tcp://b:2375', DOCKER_HOST: 'tcp://c:2375' });
  assert.deepEqual(listed.engines.map((engine) => engine.endpoint), ['unix:///a.sock', 'tcp://b:2375']);
  assert.deepEqual(DockerEngines.fromEnvironment({ DOCKER_HOST: 'tcp://c:2375' }).engines.map((engine) => engine.endpoint), ['tcp://c:2375']);
  assert.deepEqual(DockerEngines.fromEnvironment({}).engines.map((engine) => engine.endpoint), ['unix:///var/run/docker.sock']);
});

test('sandboxes created at once spread evenly over the endpoints, and all go away', { skip }, async () => {
  const image = await repoImageForTests();
  const proxy = await startSocketProxy();
  const runId = `test-engines-${randomBytes(3).toString('hex')}`;
  const engines = DockerEngines.fromEndpoints([`unix://${SOCKET}`, proxy.endpoint]);
  const sandboxes: DockerSandbox[] = [];
  try {
    const created = await Promise.allSettled(
      Array.from({ length: 4 }, () => DockerSandbox.create({ type: 'docker', image, runId }, engines)),
    );
    for (const result of created) if (result.status === 'fulfilled') sandboxes.push(result.value);
    assert.equal(sandboxes.length, 4, 'every sandbox was created');
    const perEndpoint = new Map<string, number>();
    for (const sandbox of sandboxes) perEndpoint.set(sandbox.endpoint, (perEndpoint.get(sandbox.endpoint) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(perEndpoint), { [`unix://${SOCKET}`]: 2, [proxy.endpoint]: 2 });
    // Each works through its own endpoint.
    for (const sandbox of sandboxes) assert.equal((await sandbox.run('echo hi')).output, 'hi\n');
    assert.deepEqual(engines.engines.map((engine) => engine.liveSandboxes), [2, 2]);
  } finally {
    await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
    proxy.server.close();
  }
  assert.deepEqual(engines.engines.map((engine) => engine.liveSandboxes), [0, 0]);
  const left = await new Docker().listContainers({ all: true, filters: { label: [`swe-srl.run=${runId}`] } });
  assert.deepEqual(left, []);
});

test('an endpoint that does not answer is skipped for one that does', { skip }, async () => {
  const image = await repoImageForTests();
  const runId = `test-engines-${randomBytes(3).toString('hex')}`;
  const engines = DockerEngines.fromEndpoints(['unix:///nonexistent/docker.sock', `unix://${SOCKET}`]);
  const sandbox = await DockerSandbox.create({ type: 'docker', image, runId }, engines);
  try {
    assert.equal(sandbox.endpoint, `unix://${SOCKET}`);
  } finally {
    await sandbox.close();
  }
});

test('prune removes one run\'s leftovers by label and leaves other runs alone', { skip }, async () => {
  const image = await repoImageForTests();
  const docker = new Docker();
  const doomed = `test-prune-${randomBytes(3).toString('hex')}`;
  const spared = `test-prune-${randomBytes(3).toString('hex')}`;
  const make = (runId: string): Promise<Docker.Container> =>
    docker.createContainer({ Image: image, Cmd: ['sleep', 'infinity'], Labels: { 'swe-srl.run': runId } });
  const keeper = await make(spared);
  try {
    const leftovers = [await make(doomed), await make(doomed)];
    await leftovers[0]!.start();
    const engines = DockerEngines.fromEndpoints([`unix://${SOCKET}`]);
    assert.equal(await pruneSandboxes({ engines, runId: doomed }), 2);
    assert.deepEqual(await docker.listContainers({ all: true, filters: { label: [`swe-srl.run=${doomed}`] } }), []);
    assert.equal((await keeper.inspect()).Config.Labels['swe-srl.run'], spared);
  } finally {
    await keeper.remove({ force: true });
  }
});
