/**
 * Throughput of `swe-srl eval` and the harness's overhead per instance, with 1, 2 and 4 workers,
 * each without a warm pool and with one (`--pool-size`, sandboxes started ahead of the workers),
 * on generated instances whose images are already built (a warm-up run builds them first).
 *
 *   npx tsx scripts/bench-eval.ts [--instances N] [--workers 1,2,4] [--pool-size 2]
 *
 * Overhead is an instance's whole evaluation (container start, patch and test-patch application,
 * reading the runner's report, grading, writing the logs, removing the container) minus the time
 * its test command ran, both measured inside the same run. Target: at most 0.3 s per instance.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DockerInstanceProvider } from '../src/eval/docker-provider.js';
import { runEvaluation, type RunEvaluationResult } from '../src/eval/run-evaluation.js';
import { loadEnvironmentSpecs } from '../src/sandbox/images/environment-spec.js';
import { pruneSandboxes } from '../src/sandbox/index.js';
import { createFibFixture } from './bench-fib-fixture.js';

const { values } = parseArgs({
  options: { instances: { type: 'string', default: '8' }, workers: { type: 'string', default: '1,2,4' }, 'pool-size': { type: 'string', default: '2' } },
});
const poolSize = Number(values['pool-size']);
const instanceCount = Number(values.instances);
const workerCounts = values.workers!.split(',').map(Number);

/** One small repository; N instances on it, each with the fix as its prediction. */
function generate(root: string): ReturnType<typeof createFibFixture> {
  return createFibFixture(root, instanceCount);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const root = await mkdtemp(join(tmpdir(), 'swe-srl-bench-eval-'));
const runIds: string[] = [];
try {
  const { instances, predictions, reposDir, environmentsDir } = await generate(root);
  const environments = await loadEnvironmentSpecs(environmentsDir);
  const evaluate = async (runId: string, maxWorkers: number, pool = 0): Promise<{ result: RunEvaluationResult; wallMs: number }> => {
    runIds.push(runId);
    const started = performance.now();
    const result = await runEvaluation({
      instances,
      predictions,
      environments,
      provider: new DockerInstanceProvider({ runId, reposDir, poolSize: pool }),
      runId,
      logsDir: join(root, 'logs'),
      reportDir: join(root, 'reports'),
      maxWorkers,
      progress: null,
    });
    return { result, wallMs: performance.now() - started };
  };

  process.stderr.write(`warm-up: building images for ${instanceCount} instances (not measured)…\n`);
  const warm = await evaluate(`bench-eval-warmup-${process.pid}`, 2);
  if (warm.result.summary.resolved_instances !== instanceCount) {
    throw new Error(`warm-up resolved ${warm.result.summary.resolved_instances}/${instanceCount}: ${JSON.stringify(warm.result.summary.error_ids)}`);
  }

  const rows: string[] = [];
  let singleWorkerRate: number | undefined;
  const meanOverheads: Record<string, number> = {};
  for (const workers of workerCounts) {
    for (const pool of [0, poolSize]) {
      const { result, wallMs } = await evaluate(`bench-eval-w${workers}-p${pool}-${process.pid}`, workers, pool);
      const resolved = result.summary.resolved_instances;
      const overheads = result.results.map((r) => (r.durationMs - r.testDurationMs) / 1000).sort((a, b) => a - b);
      const tests = result.results.map((r) => r.testDurationMs / 1000);
      const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length;
      const perMinute = (instanceCount / wallMs) * 60_000;
      singleWorkerRate ??= perMinute;
      meanOverheads[`${workers}/${pool}`] = mean(overheads);
      rows.push(
        `| ${workers} | ${pool} | ${resolved}/${instanceCount} | ${(wallMs / 1000).toFixed(1)} | ${perMinute.toFixed(1)} | ${(perMinute / singleWorkerRate).toFixed(2)}× | ` +
          `${mean(tests).toFixed(2)} | ${mean(overheads).toFixed(2)} | ${percentile(overheads, 50).toFixed(2)} | ${percentile(overheads, 95).toFixed(2)} |`,
      );
    }
  }
  const os = await import('node:os');
  console.log(`swe-srl eval on ${instanceCount} generated instances (pytest, images cached), this machine (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores):`);
  console.log('');
  console.log('| workers | pool | resolved | wall s | instances/min | vs 1 worker, no pool | test s (mean) | overhead s (mean) | overhead p50 | overhead p95 |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('');
  console.log(`overhead = per-instance wall time minus the test command's own time; target <= 0.3 s (with the pool, 1 worker: ${(meanOverheads[`1/${poolSize}`] ?? Number.NaN).toFixed(2)} s, ${(meanOverheads[`1/${poolSize}`] ?? Infinity) <= 0.3 ? 'met' : 'not met'})`);
} finally {
  for (const runId of runIds) await pruneSandboxes({ runId }).catch(() => 0);
  await rm(root, { recursive: true, force: true });
}
