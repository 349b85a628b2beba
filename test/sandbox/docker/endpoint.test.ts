import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.js';
import { dockerOptionsFor } from '../../../src/sandbox/docker/endpoint.js';
import { withTempDir } from '../../helpers/temp-dir.js';

test('a unix endpoint is a socket path, whatever DOCKER_HOST says', () => {
  const options = dockerOptionsFor('unix:///run/other.sock', { DOCKER_HOST: 'tcp://elsewhere:2375' });
  assert.equal(options.socketPath, '/run/other.sock');
  // dockerode would otherwise take the host from DOCKER_HOST: it must be explicitly unset.
  assert.ok('host' in options && options.host === undefined);
});

test('a tcp endpoint is plain http unless TLS is asked for or implied by port 2376', () => {
  assert.deepEqual(
    [dockerOptionsFor('tcp://10.0.0.5:2375').protocol, dockerOptionsFor('tcp://10.0.0.5:2375').host, dockerOptionsFor('tcp://10.0.0.5:2375').port],
    ['http', '10.0.0.5', 2375],
  );
  assert.equal(dockerOptionsFor('tcp://10.0.0.5:2376').protocol, 'https');
  assert.equal(dockerOptionsFor('10.0.0.5:2375').protocol, 'http', 'a bare host:port means tcp, as for DOCKER_HOST');
  assert.equal(dockerOptionsFor({ url: 'tcp://10.0.0.5:2376', tls: false }).protocol, 'http');
});

test('TLS certificates come from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set, or from the endpoint', async () => {
  await withTempDir(async (dir) => {
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(dir, name), `${name} contents`);
    const fromEnv = dockerOptionsFor('tcp://engine:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    assert.equal(fromEnv.protocol, 'https');
    assert.equal(String(fromEnv.ca), 'ca.pem contents');
    assert.equal(String(fromEnv.key), 'key.pem contents');
    const perEndpoint = dockerOptionsFor({ url: 'tcp://engine:9000', certPath: dir });
    assert.equal(perEndpoint.protocol, 'https');
    assert.equal(String(perEndpoint.cert), 'cert.pem contents');
    assert.throws(() => dockerOptionsFor({ url: 'tcp://engine:9000', certPath: join(dir, 'missing') }), /ca\.pem: cannot read the TLS file/);
  });
});

test('an ssh endpoint keeps its user, host and port and uses the ssh agent', () => {
  const options = dockerOptionsFor('ssh://builder@gpu-07:2222', { SSH_AUTH_SOCK: '/tmp/agent.sock' });
  assert.deepEqual(
    [options.protocol, options.username, options.host, options.port, options.sshOptions?.agent],
    ['ssh', 'builder', 'gpu-07', 2222, '/tmp/agent.sock'],
  );
  assert.equal(dockerOptionsFor('ssh://builder@gpu-07').port, 22);
});

test('malformed endpoints are refused with the endpoint and the expected form', () => {
  for (const bad of ['unix://relative.sock', 'ftp://host:21', 'tcp://host', 'ssh://host-without-user', 'tcp://:2375']) {
    assert.throws(
      () => dockerOptionsFor(bad),
      (error: unknown) => error instanceof InputError && error.message.includes(JSON.stringify(bad)) && /DOCKER_HOST/.test(error.message),
      bad,
    );
  }
});
