/**
 * `swe-srl sandbox` end to end, through the real CLI process: exec's output and exit status,
 * prune, and the promise that SIGTERM (or Ctrl-C) removes the container the CLI started.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import Docker from 'dockerode';
import { execa } from 'execa';
import { skipUnlessDocker } from '../helpers/docker.js';
import { repoImageForTests } from '../sandbox/docker/repo-image.js';

const skip = await skipUnlessDocker();
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = ['--import', 'tsx', 'src/cli/main.ts'];
const docker = new Docker();

function containersOf(runId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`swe-srl.run=${runId}`] } });
}

test('sandbox exec prints the command\'s output and exits with its status', { skip }, async () => {
  const image = await repoImageForTests(docker);
  const runId = `test-cli-${randomBytes(3).toString('hex')}`;
  const result = await execa(process.execPath, [...cli, 'sandbox', 'exec', '--image', image, '--run', runId, '--', 'cat README.md; exit 3'], {
    cwd: root,
    reject: false,
  });
  assert.equal(result.stdout, 'hello');
  assert.equal(result.exitCode, 3);
  assert.deepEqual(await containersOf(runId), []);
});

test('SIGTERM during sandbox exec removes the container before the CLI exits', { skip }, async () => {
  const image = await repoImageForTests(docker);
  const runId = `test-cli-${randomBytes(3).toString('hex')}`;
  const child = spawn(process.execPath, [...cli, 'sandbox', 'exec', '--image', image, '--run', runId, '--', 'sleep 600'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    // Wait until the command runs in its container.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [container] = await containersOf(runId);
      if (container?.State === 'running') {
        const top = await docker.getContainer(container.Id).top().catch(() => undefined);
        if (JSON.stringify(top ?? {}).includes('sleep 600')) break;
      }
      assert.ok(Date.now() < deadline, `the sandbox never started: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.deepEqual(await containersOf(runId), [], 'the container went with the CLI');
    assert.match(stderr, /SIGTERM: removing 1 sandbox/);
  } finally {
    child.kill('SIGKILL');
    for (const info of await containersOf(runId)) await docker.getContainer(info.Id).remove({ force: true });
  }
});

test('sandbox prune removes a run\'s leftovers and says how many', { skip }, async () => {
  const image = await repoImageForTests(docker);
  const runId = `test-cli-${randomBytes(3).toString('hex')}`;
  await docker.createContainer({ Image: image, Cmd: ['true'], Labels: { 'swe-srl.run': runId } });
  const result = await execa(process.execPath, [...cli, 'sandbox', 'prune', '--run', runId], { cwd: root });
  assert.equal(result.stdout, `removed 1 sandbox container(s) of run ${runId}`);
  assert.deepEqual(await containersOf(runId), []);
});

test('sandbox exec refuses ambiguous flags with a one-line message', async () => {
  const result = await execa(process.execPath, [...cli, 'sandbox', 'exec', '--', 'true'], { cwd: root, reject: false });
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /^swe-srl: give exactly one of --image IMAGE \(docker\) and --local REPO \(local\)$/m);
});
