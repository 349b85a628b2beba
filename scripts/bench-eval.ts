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
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { simpleGit } from 'simple-git';
import { DockerInstanceProvider } from '../src/eval/docker-provider.js';
import type { Instance } from '../src/eval/instances.js';
import type { Prediction } from '../src/eval/predictions.js';
import { runEvaluation, type RunEvaluationResult } from '../src/eval/run-evaluation.js';
import { loadEnvironmentSpecs } from '../src/sandbox/images/environment-spec.js';
import { pruneSandboxes } from '../src/sandbox/index.js';

const { values } = parseArgs({
  options: { instances: { type: 'string', default: '8' }, workers: { type: 'string', default: '1,2,4' }, 'pool-size': { type: 'string', default: '2' } },
});
const poolSize = Number(values['pool-size']);
const instanceCount = Number(values.instances);
const workerCounts = values.workers!.split(',').map(Number);

const SOURCE = `def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a\n    return a\n`;
const FIXED = SOURCE.replace('a, b = b, a\n', 'a, b = b, a + b\n');
const TESTS = `from fib import fibonacci\n\n\ndef test_zero():\n    assert fibonacci(0) == 0\n`;
const NEW_TESTS = `${TESTS}\n\ndef test_ten():\n    assert fibonacci(10) == 55\n\n\ndef test_twenty():\n    assert fibonacci(20) == 6765\n`;

async function diffOf(repo: string, path: string, content: string): Promise<string> {
  const git = simpleGit(repo);
  await writeFile(join(repo, path), content);
  const patch = await git.raw(['diff']);
  await git.raw(['checkout', '--', path]);
  return patch;
}

/** One small repository; N instances on it, each with the fix as its prediction. */
async function generate(root: string): Promise<{ instances: Instance[]; predictions: Prediction[]; reposDir: string; environmentsDir: string }> {
  const reposDir = join(root, 'repos');
  const repo = join(reposDir, 'bench__fib');
  await mkdir(join(repo, 'tests'), { recursive: true });
  await writeFile(join(repo, 'fib.py'), SOURCE);
  await writeFile(join(repo, 'tests', 'test_fib.py'), TESTS);
  await writeFile(join(repo, 'tests', '__init__.py'), '');
  await writeFile(join(repo, '.gitignore'), '__pycache__/\n');
  const git = simpleGit(repo);
  await git.raw(['init', '-q', '-b', 'main']);
  await git.raw(['-c', 'user.name=bench', '-c', 'user.email=bench@swe-srl.invalid', 'add', '-A']);
  await git.raw(['-c', 'user.name=bench', '-c', 'user.email=bench@swe-srl.invalid', 'commit', '-qm', 'base']);
  const commit = (await git.raw(['rev-parse', 'HEAD'])).trim();
  const testPatch = await diffOf(repo, 'tests/test_fib.py', NEW_TESTS);
  const fix = await diffOf(repo, 'fib.py', FIXED);
  const environmentsDir = join(root, 'environments');
  await mkdir(environmentsDir);
  await writeFile(
    join(environmentsDir, 'bench.yaml'),
    'name: bench-fib\nrepo: bench/fib\nenv:\n  PYTEST_ADDOPTS: "-p no:cacheprovider"\ntest_cmd: python3 -m pytest -rA\nlog_parser: pytest\ntimeout: 120\n',
  );
  const instances: Instance[] = Array.from({ length: instanceCount }, (_, index) => ({
    instance_id: `bench__fib-${index + 1}`,
    repo: 'bench/fib',
    base_commit: commit,
    problem_statement: 'fibonacci() is wrong for n > 1',
    patch: fix,
    test_patch: testPatch,
    FAIL_TO_PASS: ['tests/test_fib.py::test_ten', 'tests/test_fib.py::test_twenty'],
    PASS_TO_PASS: ['tests/test_fib.py::test_zero'],
  }));
  const predictions = instances.map((instance) => ({ instance_id: instance.instance_id, model_name_or_path: 'bench', model_patch: fix }));
  return { instances, predictions, reposDir, environmentsDir };
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
