/**
 * Rollouts on Docker. A rollout killed with SIGKILL leaves its containers behind, labelled with the
 * run id it printed; resuming in the same folder removes them before it goes on. And with two
 * engines, a sandbox placed on the second one finds its image there: the image is built (or found)
 * on the engine chosen for the sandbox. The second engine is a dockerd of this test's own, with its
 * own data root, which starts empty: only the base image is copied to it, and its own bridge, so it
 * leaves the host's network alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { runRolloutCommand } from '../../src/cli/rollout.js';
import { LABELS } from '../../src/sandbox/docker/labels.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { projectRoot } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { agentServer, instanceOf, readPredictions, writeWorkspace } from '../helpers/rollout-workspace.js';

const skip = await skipUnlessDocker();
const docker = new Docker();

async function containersOf(engine: Docker, runId: string): Promise<Docker.ContainerInfo[]> {
  return engine.listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`] } });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 240_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a rollout killed with SIGKILL leaves its labelled containers; resuming under its run id removes them and finishes', { skip, timeout: 600_000 }, async () => {
  await withTempDir(async (dir) => {
    const workspace = writeWorkspace(dir, 1);
    const runId = `test-rollout-reap-${process.pid}`;
    // The first episode's model never answers in time: the container is up when the kill comes.
    const server = await agentServer({ delayFor: (request) => (server.requests.length <= 1 ? 600_000 : 0) });
    const output = join(dir, 'out');
    const flags = ['--instances', workspace.instances, '--repos', workspace.repos, '--environments', workspace.environments, '--backend', 'docker', '-o', output];
    const policy = ['--policy', 'openai', '--base-url', server.baseUrl, '--model', 'test-model', '--max-retries', '0', '--request-timeout', '900'];
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'rollout', ...flags, ...policy, '--run-id', runId], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const leaked = await waitFor('the episode to ask the model', async () => {
        if (child!.exitCode !== null) throw new Error(`the rollout ended early (${child!.exitCode}):\n${stderr}`);
        if (server.requests.length === 0) return undefined;
        const containers = await containersOf(docker, runId);
        return containers.length > 0 ? containers : undefined;
      });
      assert.match(stderr, new RegExp(`rollout: run id ${runId} \\(its sandboxes carry the label swe-srl\\.run=${runId}\\)`), 'the run id is printed');
      const exited = new Promise((resolve) => child!.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      assert.deepEqual((await containersOf(docker, runId)).map((info) => info.Id), leaked.map((info) => info.Id), 'SIGKILL leaves the container');

      // No --run-id: the resume takes the one the folder keeps.
      const log: string[] = [];
      await runRolloutCommand({ instances: workspace.instances, repos: workspace.repos, environments: workspace.environments, backend: 'docker', output, policy: 'openai', baseUrl: server.baseUrl, model: 'test-model', maxRetries: 0, quiet: true }, (line) => log.push(line));
      assert.match(log.join('\n'), new RegExp(`run id ${runId}`));
      assert.match(log.join('\n'), /removed 1 container\(s\) left by an earlier, interrupted run/);
      for (const info of leaked) await assert.rejects(docker.getContainer(info.Id).inspect(), /no such container/i, 'the leftover is gone');
      assert.deepEqual(await containersOf(docker, runId), [], 'and the resumed run cleaned up after itself');
      const [prediction] = await readPredictions(join(output, 'preds.jsonl'));
      assert.match(prediction?.model_patch ?? '', /\+    return a \+ b/);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await server.close();
      for (const info of await containersOf(docker, runId)) await docker.getContainer(info.Id).remove({ force: true }).catch(() => {});
    }
  });
});

const run = promisify(execFile);

/** The kernel's index of a network interface (a deleted and recreated one gets a new index), or undefined when there is none. */
function interfaceIndex(name: string): string | undefined {
  const path = `/sys/class/net/${name}/ifindex`;
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/**
 * A dockerd of our own on a socket of our own, with an empty data root and a bridge of its own.
 * Not `--bridge=none`: a dockerd started so deletes the host's `docker0` (it shares the host's
 * network namespace), cutting every other container on the machine off. The bridge is made here
 * with an address of its own, and neither iptables nor forwarding is touched.
 */
async function startSecondEngine(root: string): Promise<{ endpoint: string; docker: Docker; stop: () => Promise<void> }> {
  const socket = join(root, 'docker.sock');
  const bridge = `swsrl${process.pid % 10_000_000}`;
  await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
  const removeBridge = () => run('ip', ['link', 'delete', bridge]).then(() => undefined, () => undefined);
  try {
    await run('ip', ['addr', 'add', `10.213.${process.pid % 250}.1/24`, 'dev', bridge]);
  } catch (error) {
    await removeBridge();
    throw error;
  }
  const daemon = spawn(
    'dockerd',
    [
      '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '--pidfile', join(root, 'dockerd.pid'), '--host', `unix://${socket}`,
      `--bridge=${bridge}`, '--iptables=false', '--ip-masq=false', '--ip-forward=false',
    ],
    { stdio: 'ignore' },
  );
  const engine = new Docker({ socketPath: socket });
  const exited = new Promise<void>((resolve) => daemon.on('exit', () => resolve()));
  const stop = async () => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGTERM');
      await exited;
    }
    await removeBridge();
  };
  try {
    await waitFor('the second dockerd', async () => (existsSync(socket) && (await engine.ping().then(() => true, () => false)) ? true : undefined), 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint: `unix://${socket}`, docker: engine, stop };
}

const secondEngineSkip = skip || (process.getuid?.() !== 0 ? 'a second dockerd needs root' : false);

test('with two engines, rollout sandboxes land on the second engine too, and find their image there', { skip: secondEngineSkip, timeout: 900_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'swe-srl-engine2-'));
  // The host engine's bridge, which every other container on the machine depends on.
  const hostBridge = interfaceIndex('docker0');
  let second: Awaited<ReturnType<typeof startSecondEngine>> | undefined;
  try {
    second = await startSecondEngine(root);
    const engine2 = second.docker;
    // Only the base image travels: the environment and instance images must be built on engine 2.
    const base = await baseImageForTests(docker);
    await new Promise<void>((resolve, reject) => {
      docker.getImage(base).get((error: unknown, stream?: NodeJS.ReadableStream) => {
        if (error || !stream) return reject(error ?? new Error('no image stream'));
        engine2.loadImage(stream, {}, (loadError: unknown, output?: NodeJS.ReadableStream) => {
          if (loadError || !output) return reject(loadError ?? new Error('no load output'));
          engine2.modem.followProgress(output, (done: Error | null) => (done ? reject(done) : resolve()));
        });
      });
    });
    assert.deepEqual((await engine2.listImages()).flatMap((image) => image.RepoTags ?? []), [base], 'engine 2 starts with the base image only');

    await withTempDir(async (dir) => {
      const workspace = writeWorkspace(dir, 2);
      const runId = `test-two-engines-${process.pid}`;
      const seen = new Map<string, Docker.ContainerInfo[]>();
      // While each episode talks to the model, note where its container is.
      const server = await agentServer({
        onRequest: async (request) => {
          const id = instanceOf(request);
          if (id !== undefined && !seen.has(id)) seen.set(id, await containersOf(engine2, runId));
        },
        delayMs: 300,
      });
      try {
        const log: string[] = [];
        await runRolloutCommand(
          {
            instances: workspace.instances,
            repos: workspace.repos,
            environments: workspace.environments,
            backend: 'docker',
            engine: ['unix:///var/run/docker.sock', second!.endpoint],
            output: join(dir, 'out'),
            runId,
            maxWorkers: 2,
            policy: 'openai',
            baseUrl: server.baseUrl,
            model: 'test-model',
            maxRetries: 0,
          },
          (line) => log.push(line),
        );
        assert.match(log.join('\n'), /ran 2 \(2 submitted\); 0 failed/, log.join('\n'));
        const onEngine2 = [...seen.values()].flat().filter((info) => info.Labels[LABELS.run] === runId);
        assert.equal(onEngine2.length, 1, `one of the two sandboxes ran on engine 2 (${JSON.stringify([...seen.entries()].map(([id, list]) => [id, list.length]))})`);
        const instanceImages = (await engine2.listImages()).flatMap((image) => image.RepoTags ?? []).filter((tag) => tag.startsWith('swe-srl/instance.'));
        assert.equal(instanceImages.length, 1, 'engine 2 built the image of the instance it ran, and only that one');
        assert.equal(onEngine2[0]!.Image, instanceImages[0]);
        assert.match(log.join('\n'), /built image swe-srl\/instance\.\S+ on unix:\/\/.*swe-srl-engine2/, 'the build on engine 2 is reported');
        assert.equal((await readPredictions(join(dir, 'out', 'preds.jsonl'))).filter((prediction) => /\+    return a \+ b/.test(prediction.model_patch)).length, 2);
      } finally {
        await server.close();
      }
    });
  } finally {
    await second?.stop().catch(() => {});
    await rm(root, { recursive: true, force: true }).catch(() => {});
  }
  if (hostBridge !== undefined) assert.equal(interfaceIndex('docker0'), hostBridge, "the host's docker0 is still there, never deleted and recreated, after a second engine came and went");
  assert.equal(interfaceIndex(`swsrl${process.pid % 10_000_000}`), undefined, "the second engine's bridge is removed");
});
