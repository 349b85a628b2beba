/**
 * `swe-srl demo`, the main job (`npm start`): builds a sample repository shipped under
 * environments/, the image stack for it (base → environment → instance, each skipped when its tag
 * exists), starts a Docker sandbox on it, runs its tests and prints what each test did. Then it
 * evaluates the sample instances under environments/sample-instances with their gold and wrong
 * patches (the RLVR stage) and prints the resolve table.
 *
 * It exits non-zero only when the machinery fails (no engine, a build, the sandbox, a test command
 * that hangs or reports no tests, a grade that contradicts the samples' known answers); failing
 * tests are the expected result on a buggy base commit.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import Docker from 'dockerode';
import { InputError, SweSrlError } from '../errors.js';
import { getLogParser } from '../eval/log-parsers/index.js';
import { runSampleEvaluation } from '../eval/sample-evaluation.js';
import type { TestStatus } from '../eval/test-status.js';
import { closeSandboxesOnSignal, createSandbox } from '../sandbox/index.js';
import { requireEngine } from '../sandbox/images/engine-check.js';
import { buildTestCommand, findEnvironmentSpec, loadEnvironmentSpecs } from '../sandbox/images/environment-spec.js';
import { ensureInstanceImage, type EnsuredInstanceImage } from '../sandbox/images/instance-image.js';
import type { EnsuredImage } from '../sandbox/images/base-image.js';
import { buildSampleRepository, loadSamples } from '../sandbox/repos/sample-repos.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface DemoOptions {
  environments: string;
  repos: string;
  sample: string;
  /** Where the evaluation step keeps its repositories, logs and reports. */
  workDir: string;
  /** False skips the evaluation step (commander's --no-eval). */
  eval: boolean;
  quiet?: boolean;
}

/** Why the demo could not do its job (as opposed to tests failing, which is its normal output). */
export class DemoFailedError extends SweSrlError {}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function describeImage(kind: string, image: EnsuredImage): string {
  return `${kind} ${image.tag} (${image.built ? 'built' : 'cached'})`;
}

const STATUS_ORDER: TestStatus[] = ['PASSED', 'FAILED', 'ERROR', 'SKIPPED'];

export async function runDemo(options: DemoOptions, print: (line: string) => void = console.log): Promise<void> {
  const progress = options.quiet ? undefined : (line: string) => process.stderr.write(`      │ ${line}\n`);

  const docker = new Docker();
  await requireEngine(docker);

  const samples = await loadSamples(options.environments);
  const sample = samples.find((candidate) => candidate.name === options.sample);
  if (!sample) {
    throw new InputError(`--sample: no sample "${options.sample}" under ${join(options.environments, 'samples')} (have: ${samples.map((s) => s.name).join(', ') || 'none'})`);
  }
  const environment = findEnvironmentSpec(await loadEnvironmentSpecs(options.environments), sample.repo);
  const steps = options.eval ? 5 : 4;
  print(`swe-srl demo: sample "${sample.name}" (${sample.repo}), environment "${environment.name}", in Docker`);

  let started = Date.now();
  const repository = await buildSampleRepository(sample, options.repos);
  print(`[1/${steps}] repository  ${sample.repo} at ${repository.commit.slice(0, 12)} in ${repository.path} (${seconds(started)})`);

  started = Date.now();
  print(`[2/${steps}] images      base → environment → instance (the first base build bootstraps Debian: 1-2 minutes)`);
  const image: EnsuredInstanceImage = await ensureInstanceImage(docker, {
    environment,
    repo: sample.repo,
    commit: repository.commit,
    instanceId: `sample-${sample.name}`,
    reposDir: options.repos,
    ...(progress ? { onProgress: progress } : {}),
  });
  print(`      ${describeImage('base', image.environment.base)}`);
  print(`      ${describeImage('env', image.environment)}`);
  print(`      ${describeImage('instance', image)}  [${seconds(started)}]`);

  started = Date.now();
  const sandbox = await createSandbox({ type: 'docker', image: image.tag, instanceId: `sample-${sample.name}` });
  try {
    const head = await sandbox.run('git rev-parse HEAD && git status --porcelain | wc -l', { timeoutMs: 30_000 });
    const [headCommit, dirtyCount] = head.output.trim().split('\n');
    if (head.exitCode !== 0 || headCommit !== repository.commit) {
      throw new DemoFailedError(`the sandbox's /testbed is not at ${repository.commit}: ${head.output.trim()}`);
    }
    print(`[3/${steps}] sandbox     ${sandbox.backend} ${sandbox.id.slice(0, 12)} ready in ${seconds(started)}; ${sandbox.workdir} at ${headCommit.slice(0, 12)}, ${dirtyCount === '0' ? 'clean' : `${dirtyCount} changed files`}`);

    const command = buildTestCommand(environment);
    const result = await sandbox.run(command, { timeoutMs: environment.timeoutSeconds * 1000 });
    const exit = result.timedOut ? `timed out after ${environment.timeoutSeconds} s` : `exit ${result.exitCode}`;
    print(`[4/${steps}] tests       ${command}  (${exit}, ${(result.durationMs / 1000).toFixed(1)} s)`);
    if (result.timedOut) throw new DemoFailedError(`the test command timed out; its output ended with:\n${result.output.slice(-2000)}`);

    const statuses = getLogParser(environment.logParser).parse(result.output);
    if (statuses.size === 0) {
      throw new DemoFailedError(`the ${environment.logParser} log parser found no test results in the output:\n${result.output.slice(-2000)}`);
    }
    print('');
    for (const [name, status] of statuses) print(`      ${status.padEnd(7)} ${name}`);
    const counts = STATUS_ORDER.map((status) => [status, [...statuses.values()].filter((s) => s === status).length] as const)
      .filter(([, count]) => count > 0)
      .map(([status, count]) => `${count} ${status.toLowerCase()}`);
    print('');
    print(`Result: ${counts.join(', ')}. The sandbox ran the sample's tests at its base commit, which carries a deliberate bug for an agent to fix.`);
  } finally {
    await sandbox.close();
  }
  if (!options.eval) return;

  print('');
  print(`[5/${steps}] evaluation  sample instances, each with its gold patch and with a wrong patch, graded as SWE-bench does`);
  const evaluation = await runSampleEvaluation({
    workDir: options.workDir,
    print: (line) => print(`      ${line}`),
    progress: options.quiet ? null : process.stderr,
  });
  if (!evaluation.asExpected) {
    throw new DemoFailedError('the evaluation graded a sample against its known answer (every gold patch resolves, every wrong patch does not); see the reports above');
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job: build the images for a sample repository, start a Docker sandbox on it and run its tests')
    .option('--environments <dir>', 'environment specs and samples', join(projectRoot, 'environments'))
    .option('--repos <dir>', 'where sample repositories are built (as owner__name)', join(projectRoot, '.swe-srl', 'repos'))
    .option('--sample <name>', 'which sample under <environments>/samples', 'calculator')
    .option('--work-dir <dir>', "where the evaluation step keeps repositories, logs and reports", join(projectRoot, '.swe-srl', 'demo'))
    .option('--no-eval', 'skip evaluating the sample instances')
    .option('-q, --quiet', 'no build progress lines')
    .action(async (options: DemoOptions) => {
      // Ctrl-C while the sandbox runs must still remove its container.
      const stopHandlingSignals = closeSandboxesOnSignal();
      try {
        await runDemo(options);
      } finally {
        stopHandlingSignals();
      }
    });
}

/** For the command table in main.ts. */
export const register = registerDemoCommand;
