/**
 * Throughput of `swe-srl eval` and the harness's overhead per instance, with 1, 2 and 4 workers,
 * on generated instances whose images are already built (a warm-up run builds them first).
 *
 *   npx tsx scripts/bench-eval.ts [--instances N] [--workers 1,2,4]
 *
 * Overhead is an instance's whole evaluation (container start, patch and test-patch application,
 * reading the runner's report, grading, writing the logs, removing the container) minus the time
 * its test command ran, both measured inside the same run. Target: at most 1.5 s per instance.
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
  options: { instances: { type: 'string', default: '8' }, workers: { type: 'string', default: '1,2,4' } },
});
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
  const evaluate = async (runId: string, maxWorkers: number): Promise<{ result: RunEvaluationResult; wallMs: number }> => {
    runIds.push(runId);
    const started = performance.now();
    const result = await runEvaluation({
      instances,
      predictions,
      environments,
      provider: new DockerInstanceProvider({ runId, reposDir }),
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
  for (const workers of workerCounts) {
    const { result, wallMs } = await evaluate(`bench-eval-w${workers}-${process.pid}`, workers);
    const resolved = result.summary.resolved_instances;
    const overheads = result.results.map((r) => (r.durationMs - r.testDurationMs) / 1000).sort((a, b) => a - b);
    const tests = result.results.map((r) => r.testDurationMs / 1000);
    const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length;
    const perMinute = (instanceCount / wallMs) * 60_000;
    singleWorkerRate ??= perMinute;
    rows.push(
      `| ${workers} | ${resolved}/${instanceCount} | ${(wallMs / 1000).toFixed(1)} | ${perMinute.toFixed(1)} | ${(perMinute / singleWorkerRate).toFixed(2)}× | ` +
        `${mean(tests).toFixed(2)} | ${mean(overheads).toFixed(2)} | ${percentile(overheads, 50).toFixed(2)} | ${percentile(overheads, 95).toFixed(2)} |`,
    );
  }
  console.log(`swe-srl eval on ${instanceCount} generated instances (pytest, images cached), this machine:`);
  console.log('');
  console.log('| workers | resolved | wall s | instances/min | vs 1 worker | test s (mean) | overhead s (mean) | overhead p50 | overhead p95 |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('');
  console.log('overhead = per-instance wall time minus the test command\'s own time; target ≤ 1.5 s');
} finally {
  for (const runId of runIds) await pruneSandboxes({ runId }).catch(() => 0);
  await rm(root, { recursive: true, force: true });
}
