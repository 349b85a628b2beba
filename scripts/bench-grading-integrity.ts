/**
 * What grading integrity costs per instance, measured in one run on one small pytest instance
 * (images built first): keeping the patch to the source files (finding what changed, classifying,
 * resetting through git); the runner guard (the same test command with and without it, run
 * alternately in one sandbox); and, for training, grading the episode's patch in a fresh sandbox
 * (opening and closing one, applying the patch).
 *
 *   npx tsx scripts/bench-grading-integrity.ts [--repeats 10]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DockerInstanceProvider } from '../src/eval/docker-provider.js';
import { applyPatch } from '../src/eval/patch-apply.js';
import { keepSourceChangesOnly, markWorkTree } from '../src/eval/source-only-patch.js';
import { applyTestPatch, runTests } from '../src/eval/test-run.js';
import { findEnvironmentSpec, loadEnvironmentSpecs } from '../src/sandbox/images/environment-spec.js';
import { pruneSandboxes } from '../src/sandbox/index.js';
import { createFibFixture } from './bench-fib-fixture.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '10' } } });
const repeats = Number(values.repeats);

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'swe-srl-bench-integrity-'));
  const runId = `bench-integrity-${process.pid}`;
  try {
    const fixture = await createFibFixture(root, 1);
    const instance = fixture.instances[0]!;
    const { fix } = fixture;
    const base = instance.base_commit;
    const environment = findEnvironmentSpec(await loadEnvironmentSpecs(fixture.environmentsDir), 'bench/fib');
    const provider = new DockerInstanceProvider({ runId, reposDir: fixture.reposDir });
    const open = () => provider.open(instance, environment, () => undefined);
    await (await open()).close();

    const confine: number[] = [];
    const freshSandbox: number[] = [];
    for (let round = 0; round < repeats; round++) {
      const started = performance.now();
      const sandbox = await open();
      const marker = await markWorkTree(sandbox);
      await applyPatch(sandbox, fix);
      freshSandbox.push(performance.now() - started);
      const confining = performance.now();
      await keepSourceChangesOnly(sandbox, base, { marker, extraPaths: ['fib.py'] });
      confine.push(performance.now() - confining);
      const closing = performance.now();
      await sandbox.close();
      freshSandbox[freshSandbox.length - 1]! += performance.now() - closing;
    }

    const withGuard: number[] = [];
    const withoutGuard: number[] = [];
    const sandbox = await open();
    try {
      await applyPatch(sandbox, fix);
      await applyTestPatch(sandbox, instance);
      for (let round = 0; round < repeats; round++) {
        for (const guarded of [false, true]) {
          const started = performance.now();
          const run = await runTests(sandbox, environment, instance, { timeoutMs: 120_000, ...(guarded ? { untrustedFiles: ['fib.py'] } : {}) });
          (guarded ? withGuard : withoutGuard).push(performance.now() - started);
          if (run.exitCode !== 0 || (guarded && run.guard?.tampering.length)) throw new Error(`unexpected run: ${run.output}`);
        }
      }
    } finally {
      await sandbox.close();
    }
    console.log(`${repeats} repeats each, medians:`);
    console.log('| step | median ms |');
    console.log('|---|---|');
    console.log(`| keep the patch to source files (find changes, classify, reset) | ${median(confine).toFixed(0)} |`);
    console.log(`| test run (runTests) without the runner guard | ${median(withoutGuard).toFixed(0)} |`);
    console.log(`| test run (runTests) with the runner guard | ${median(withGuard).toFixed(0)} (${(median(withGuard) / median(withoutGuard)).toFixed(2)}×) |`);
    console.log(`| fresh sandbox for training: open, apply the patch, close | ${median(freshSandbox).toFixed(0)} |`);
  } finally {
    await pruneSandboxes({ runId }).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
}

await main();
