/**
 * The server under load, on loopback, bounded in count and time (npx tsx scripts/bench-serve.ts
 * [CLIENTS] [EPISODES_PER_CLIENT]): N clients at once, each doing M episodes and M reward batches;
 * - episode start p50/p99 from the warm pool against cold starts in the same run;
 * - step latency p50/p99;
 * - reward-batch throughput over HTTP against in-process scoring of the same batches;
 * - errors;
 * - containers left after SIGTERM, and after SIGKILL plus a restart (both must be 0).
 * The episodes run on the built-in sample instances in Docker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { srlReward } from '../src/reward/srl.js';
import { LABELS } from '../src/sandbox/index.js';
import { expertOfRow, type StepTarget } from '../src/trajectories/steps/schema.js';
import { defaultStepOptions } from '../src/trajectories/steps/decompose.js';
import { writeStepFile } from '../src/trajectories/steps/write-steps.js';
import { readJsonlFile } from '../test/helpers/jsonl-files.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const clients = Number(process.argv[2] ?? 4);
const episodesPerClient = Number(process.argv[3] ?? 3);
const deadline = Date.now() + 10 * 60_000;
const docker = new Docker();
const INSTANCE = 'swe-srl__sample-textkit-1';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (value: number): string => value.toFixed(1);

async function containers(runId: string): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`] } })).length;
}

function startServer(port: number, runId: string, poolSize: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--sample-instances', '--pool-size', String(poolSize), '--prewarm', '--run-id', runId, '--max-episodes', '64'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`server did not come up:\n${log}`)), 300_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/warm pool: \d+ sandboxes ready/.test(log) || (poolSize === 0 && /listening on/.test(log))) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${port}` });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${log}`)));
  });
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

async function main(): Promise<void> {
  const runId = `bench-serve-${process.pid}`;
  const port = 18_000 + (process.pid % 1000);
  const errors: string[] = [];

  // Rewards: the same batches scored over HTTP and in-process.
  const work = await mkdtemp(join(tmpdir(), 'swe-srl-bench-serve-'));
  const steps = join(work, 'steps.jsonl');
  await writeStepFile([join(root, 'trajectories', 'sample-calculator-mean.traj')], { ...defaultStepOptions, form: 'chat', output: steps });
  const rows = await readJsonlFile(steps);
  const batch = Array.from({ length: 256 }, (_, i) => rows[i % rows.length]!);
  const responses = batch.map((row, i) => (i % 3 === 0 ? `<think>x</think>\n${row.target as string}` : i % 3 === 1 ? '<think>x</think>\n```\nls -la\n```' : 'no think'));
  const targets = batch.map((row) => row.target as string);
  const rounds = 20;
  let started = performance.now();
  for (let round = 0; round < rounds; round += 1) for (let i = 0; i < batch.length; i += 1) srlReward(responses[i]!, expertOfRow(batch[i] as unknown as StepTarget));
  const inProcessPerSecond = (rounds * batch.length) / ((performance.now() - started) / 1000);

  const server = await startServer(port, runId, Math.max(2, clients));
  started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    const answer = await post(server.url, '/reward/srl', { responses, targets });
    if (answer.status !== 200) errors.push(`reward batch: ${answer.status}`);
  }
  const httpPerSecond = (rounds * batch.length) / ((performance.now() - started) / 1000);

  // One episode first, so the server's first-request costs (module loading, JIT) are not timed.
  const warmUp = await post(server.url, '/episodes', { instance_id: INSTANCE });
  await fetch(`${server.url}/episodes/${warmUp.body.episode_id as string}`, { method: 'DELETE' });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  // Episodes: N clients, M episodes each (start, two steps, delete) and a reward batch after each,
  // all at once; warm pool sized to N.
  const warmStarts: number[] = [];
  const loadedBatchMs: number[] = [];
  const coldStarts: number[] = [];
  const stepTimes: number[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let e = 0; e < episodesPerClient && Date.now() < deadline; e += 1) {
        let t = performance.now();
        const startAnswer = await post(server.url, '/episodes', { instance_id: INSTANCE });
        const startMs = performance.now() - t;
        if (startAnswer.status !== 201) {
          errors.push(`start: ${startAnswer.status} ${JSON.stringify(startAnswer.body)}`);
          continue;
        }
        const id = startAnswer.body.episode_id as string;
        for (const command of ['ls', 'python3 -c "print(1)"']) {
          t = performance.now();
          const step = await post(server.url, `/episodes/${id}/step`, { text: `<think>x</think>\n<function=bash>\n<parameter=command>${command}</parameter>\n</function>` });
          stepTimes.push(performance.now() - t);
          if (step.status !== 200) errors.push(`step: ${step.status}`);
        }
        await fetch(`${server.url}/episodes/${id}`, { method: 'DELETE' });
        t = performance.now();
        const rewards = await post(server.url, '/reward/srl', { responses, targets });
        loadedBatchMs.push(performance.now() - t);
        if (rewards.status !== 200) errors.push(`reward batch under load: ${rewards.status}`);
        // The server says where the sandbox came from: the pool, or a cold start when the burst outran the refill.
        (startAnswer.body.sandbox === 'warm' ? warmStarts : coldStarts).push(startMs);
      }
    }),
  );
  // The same warm start with one client at a time (the pool refilled in between): the hand-out's
  // own cost, apart from what N clients and their steps do to a small machine.
  const quietWarm: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const t = performance.now();
    const answer = await post(server.url, '/episodes', { instance_id: INSTANCE });
    const took = performance.now() - t;
    if (answer.status !== 201) errors.push(`quiet start: ${answer.status}`);
    else if (answer.body.sandbox === 'warm') quietWarm.push(took);
    if (answer.status === 201) await fetch(`${server.url}/episodes/${answer.body.episode_id as string}`, { method: 'DELETE' });
  }
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const warmCount = Number(/swe_srl_episode_start_seconds_count\{sandbox="warm"\} (\d+)/.exec(metrics)?.[1] ?? 0) - 1 - quietWarm.length;
  const coldCount = Number(/swe_srl_episode_start_seconds_count\{sandbox="cold"\} (\d+)/.exec(metrics)?.[1] ?? 0);

  // A cold start for comparison, in the same run: a server with no pool.
  const coldRunId = `${runId}-cold`;
  await stopped(server.child, 'SIGTERM');
  const afterTerm = await containers(runId);
  const cold = await startServer(port + 1, coldRunId, 0);
  const coldOnly: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const t = performance.now();
    const answer = await post(cold.url, '/episodes', { instance_id: INSTANCE });
    coldOnly.push(performance.now() - t);
    if (answer.status !== 201) errors.push(`cold start: ${answer.status}`);
  }
  // SIGKILL leaves those episodes' containers behind; a restart with the same run id removes them.
  await stopped(cold.child, 'SIGKILL');
  const leftByKill = await containers(coldRunId);
  const restarted = await startServer(port + 1, coldRunId, 0);
  const afterRestart = await containers(coldRunId);
  await stopped(restarted.child, 'SIGTERM');
  await rm(work, { recursive: true, force: true });

  console.log(`load average at the end: ${(await import('node:os')).loadavg().map((value) => value.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
  console.log(`clients ${clients}, episodes per client ${episodesPerClient}; ${warmCount} warm and ${coldCount} cold starts by the server's count`);
  console.log('| what | p50 ms | p99 ms | n |');
  console.log('|---|---|---|---|');
  console.log(`| episode start, warm (from the pool) | ${ms(percentile(warmStarts, 50))} | ${ms(percentile(warmStarts, 99))} | ${warmStarts.length} |`);
  console.log(`| episode start, warm, one client at a time | ${ms(percentile(quietWarm, 50))} | ${ms(percentile(quietWarm, 99))} | ${quietWarm.length} |`);
  console.log(`| episode start, cold (burst outran the refill) | ${ms(percentile(coldStarts, 50))} | ${ms(percentile(coldStarts, 99))} | ${coldStarts.length} |`);
  console.log(`| episode start, no pool (cold) | ${ms(percentile(coldOnly, 50))} | ${ms(percentile(coldOnly, 99))} | ${coldOnly.length} |`);
  console.log(`| step (bash) | ${ms(percentile(stepTimes, 50))} | ${ms(percentile(stepTimes, 99))} | ${stepTimes.length} |`);
  console.log(`| reward batch of ${batch.length}, during the episodes | ${ms(percentile(loadedBatchMs, 50))} | ${ms(percentile(loadedBatchMs, 99))} | ${loadedBatchMs.length} |`);
  for (const [label, warm] of [['under load', warmStarts], ['one client at a time', quietWarm]] as const) {
    console.log(`warm start p50 ${label} is ${(percentile(coldOnly, 50) / percentile(warm, 50)).toFixed(1)}x faster than cold (target warm p50 <= 50 ms: ${percentile(warm, 50) <= 50 ? 'met' : 'not met'})`);
  }
  console.log(`reward batches of ${batch.length}: ${Math.round(httpPerSecond)} responses/s over HTTP, ${Math.round(inProcessPerSecond)} in-process (${(httpPerSecond / inProcessPerSecond).toFixed(2)}x)`);
  console.log(`errors: ${errors.length}${errors.length > 0 ? ` (${errors.slice(0, 3).join('; ')})` : ''}`);
  console.log(`containers left: after SIGTERM ${afterTerm}; after SIGKILL ${leftByKill}, then after a restart ${afterRestart}`);
  if (afterTerm !== 0 || afterRestart !== 0) process.exitCode = 1;
}

await main();
