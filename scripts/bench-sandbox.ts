/**
 * What an action costs through a sandbox's persistent session, against the per-exec designs
 * (a raw dockerode exec: create + start + inspect; the `docker exec` CLI), measured in one run on
 * one container; plus a 1 MB-output action, create-to-ready time, and 16 sandboxes at once.
 *
 *   npx tsx scripts/bench-sandbox.ts [--image IMAGE] [--actions 300] [--concurrent 16]
 *
 * Targets (issue 2): action round trip p50 <= 1 ms; create-to-ready <= 300 ms; all 16 concurrent
 * sandboxes succeed with nothing left behind.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { ensureBaseImage } from '../src/sandbox/images/index.js';
import { closeSandboxesOnSignal, DockerEngines, DockerSandbox, LiveSandboxes, pruneSandboxes } from '../src/sandbox/index.js';
import { collectExec } from '../src/sandbox/docker/exec.js';

const { values } = parseArgs({
  options: {
    image: { type: 'string' },
    actions: { type: 'string', default: '300' },
    concurrent: { type: 'string', default: '16' },
  },
});
const actions = Number(values.actions);
const concurrent = Number(values.concurrent);
const runId = `bench-sandbox-${randomBytes(3).toString('hex')}`;
const docker = new Docker();
const engines = DockerEngines.fromEnvironment();
const registry = new LiveSandboxes();
const stopCleanup = closeSandboxesOnSignal(registry);
const ONE_MB = 1_000_000;

interface Row {
  what: string;
  samples: number[];
  /** Compare with this row's p50 (the session's figure for the same kind of action). */
  against?: string;
}

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

async function timeEach(count: number, action: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await action();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function create(image: string, outputLimitBytes?: number): Promise<DockerSandbox> {
  return registry.track(
    await DockerSandbox.create({ type: 'docker', image, runId, ...(outputLimitBytes ? { outputLimitBytes } : {}) }, engines),
  );
}

async function main(): Promise<void> {
  const image = values.image ?? (await ensureBaseImage(docker)).tag;
  console.error(`bench-sandbox: image ${image}, ${actions} actions, ${concurrent} concurrent sandboxes, run ${runId}`);
  const rows: Row[] = [];

  const sandbox = await create(image, 2 * ONE_MB);
  try {
    const container = sandbox.container;
    // Warm-up: first execs and first session commands pay one-off costs (page cache, JIT).
    for (let index = 0; index < 20; index++) await sandbox.run('true');
    await collectExec(container, ['true']);

    rows.push({ what: '`true` via the session', samples: await timeEach(actions, () => sandbox.run('true')) });
    rows.push({
      what: '`true` via raw exec (create+start+inspect)',
      samples: await timeEach(actions, () => collectExec(container, ['true'])),
      against: '`true` via the session',
    });
    const cli = await promisify(execFile)('docker', ['version', '--format', '{{.Client.Version}}']).then(
      () => true,
      () => false,
    );
    if (cli) {
      rows.push({
        what: '`true` via the `docker exec` CLI',
        samples: await timeEach(actions, () => promisify(execFile)('docker', ['exec', container.id, 'true'])),
        against: '`true` via the session',
      });
    } else {
      console.error('bench-sandbox: no docker CLI on PATH; skipping the CLI row');
    }
    const megabyte = `head -c ${ONE_MB} /dev/zero | tr '\\0' x`;
    const check = await sandbox.run(megabyte);
    if (check.output.length !== ONE_MB || check.truncated) throw new Error(`the 1 MB action returned ${check.output.length} bytes`);
    rows.push({ what: '1 MB of output via the session', samples: await timeEach(30, () => sandbox.run(megabyte)) });
    rows.push({
      what: '1 MB of output via raw exec',
      samples: await timeEach(30, () => collectExec(container, ['sh', '-c', megabyte])),
      against: '1 MB of output via the session',
    });
  } finally {
    await sandbox.close();
  }

  // Create-to-ready: from the create call until the session has answered a first command.
  const ready: number[] = [];
  const closing: number[] = [];
  for (let index = 0; index < 10; index++) {
    const started = performance.now();
    const fresh = await create(image);
    await fresh.run('true');
    ready.push(performance.now() - started);
    const closeStarted = performance.now();
    await fresh.close();
    closing.push(performance.now() - closeStarted);
  }
  rows.push({ what: 'create-to-ready (one at a time)', samples: ready });
  rows.push({ what: 'close (container removed)', samples: closing });

  // Many at once: every sandbox must come up, answer, and go away.
  const burstStarted = performance.now();
  const burst = await Promise.allSettled(
    Array.from({ length: concurrent }, async () => {
      const started = performance.now();
      const box = await create(image);
      try {
        const answer = await box.run('echo ok');
        if (answer.output !== 'ok\n') throw new Error(`unexpected answer ${JSON.stringify(answer.output)}`);
        return performance.now() - started;
      } finally {
        await box.close();
      }
    }),
  );
  const burstWall = performance.now() - burstStarted;
  const succeeded = burst.filter((result): result is PromiseFulfilledResult<number> => result.status === 'fulfilled');
  for (const failure of burst) if (failure.status === 'rejected') console.error(`bench-sandbox: a sandbox failed: ${failure.reason}`);
  rows.push({ what: `create-to-ready, ${concurrent} at once`, samples: succeeded.map((result) => result.value) });
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`swe-srl.run=${runId}`] } });

  const byName = new Map(rows.map((row) => [row.what, row]));
  console.log(`\n| what | n | p50 ms | p95 ms | p50 vs session |`);
  console.log(`|---|---|---|---|---|`);
  for (const row of rows) {
    const p50 = percentile(row.samples, 0.5);
    const base = row.against === undefined ? undefined : percentile(byName.get(row.against)!.samples, 0.5);
    const ratio = base === undefined ? '' : `${(p50 / base).toFixed(0)}x slower`;
    console.log(`| ${row.what} | ${row.samples.length} | ${p50.toFixed(2)} | ${percentile(row.samples, 0.95).toFixed(2)} | ${ratio} |`);
  }
  const sessionP50 = percentile(byName.get('`true` via the session')!.samples, 0.5);
  const readyP50 = percentile(ready, 0.5);
  console.log(`\n${concurrent} at once: ${succeeded.length}/${concurrent} succeeded in ${burstWall.toFixed(0)} ms wall; containers left: ${leftovers.length}`);
  console.log(`targets: action p50 ${sessionP50.toFixed(2)} ms (<= 1 ms: ${sessionP50 <= 1 ? 'met' : 'MISSED'}); ` +
    `create-to-ready p50 ${readyP50.toFixed(0)} ms (<= 300 ms: ${readyP50 <= 300 ? 'met' : 'MISSED'}); ` +
    `concurrent ${succeeded.length === concurrent && leftovers.length === 0 ? 'met' : 'MISSED'}`);
  if (leftovers.length > 0) await pruneSandboxes({ engines, runId });
}

try {
  await main();
} finally {
  await registry.closeAll();
  stopCleanup();
}
