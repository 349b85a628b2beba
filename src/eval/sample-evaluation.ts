/**
 * The sample evaluation the main job runs: the instances under environments/sample-instances are
 * evaluated twice in Docker, with their gold patches (as gold validation: FAIL_TO_PASS must fail
 * before and pass after) and with a wrong patch each, and the resolve table is printed. Their
 * repositories are built on the spot from the files shipped there, so nothing is downloaded.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { loadEnvironmentSpecs } from '../sandbox/images/environment-spec.js';
import { buildSampleRepository, loadSamples } from '../sandbox/repos/sample-repos.js';
import { DockerInstanceProvider } from './docker-provider.js';
import type { InstanceStatus } from './evaluate-instance.js';
import { loadInstances } from './instances.js';
import { loadPredictions } from './predictions.js';
import type { ProgressStream } from './progress.js';
import { runEvaluation, type RunEvaluationResult } from './run-evaluation.js';
import type { InstanceSandboxProvider } from './sandbox-provider.js';

export const SAMPLE_INSTANCES_DIR = fileURLToPath(new URL('../../environments/sample-instances', import.meta.url));

export interface SampleEvaluationOptions {
  /** Where repositories, logs and reports go (e.g. a temporary directory, or .swe-srl/demo). */
  workDir: string;
  /** Default: environments/sample-instances of this checkout. */
  samplesDir?: string;
  maxWorkers?: number;
  /** Run ids are `<prefix>-gold` and `<prefix>-wrong`; default prefix `sample`. */
  runIdPrefix?: string;
  /** Default: Docker. */
  provider?: (runId: string, reposDir: string) => InstanceSandboxProvider;
  /** Where the table and messages go. Default console.log. */
  print?: (line: string) => void;
  /** A stream to render per-instance progress on; default none. */
  progress?: ProgressStream | null;
}

export interface SampleRow {
  instanceId: string;
  gold: InstanceStatus | 'not run';
  goldValidated: boolean;
  wrong: InstanceStatus | 'not run';
}

export interface SampleEvaluationResult {
  rows: SampleRow[];
  /** Every gold patch resolved and validated, and every wrong patch unresolved. */
  asExpected: boolean;
  gold: RunEvaluationResult;
  wrong: RunEvaluationResult;
}

function statusOf(run: RunEvaluationResult, instanceId: string): InstanceStatus | 'not run' {
  const { summary } = run;
  if (summary.resolved_ids.includes(instanceId)) return 'resolved';
  if (summary.unresolved_ids.includes(instanceId)) return 'unresolved';
  if (summary.empty_patch_ids.includes(instanceId)) return 'empty_patch';
  if (summary.error_ids.includes(instanceId)) return 'error';
  return 'not run';
}

export function formatResolveTable(rows: SampleRow[]): string[] {
  const header = ['instance', 'gold patch', 'wrong patch'];
  const cells = rows.map((row) => [row.instanceId, `${row.gold}${row.gold === 'resolved' ? (row.goldValidated ? ' (validated)' : ' (NOT validated)') : ''}`, row.wrong]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd();
  const resolved = (key: 'gold' | 'wrong') => rows.filter((row) => row[key] === 'resolved').length;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
    `resolved: gold ${resolved('gold')}/${rows.length}, wrong ${resolved('wrong')}/${rows.length}`,
  ];
}

export async function runSampleEvaluation(options: SampleEvaluationOptions): Promise<SampleEvaluationResult> {
  const samplesDir = options.samplesDir ?? SAMPLE_INSTANCES_DIR;
  const print = options.print ?? ((line: string) => console.log(line));
  const reposDir = join(options.workDir, 'repos');
  const instancesFile = join(samplesDir, 'instances.jsonl');
  const instances = await loadInstances(instancesFile);

  // The base commits in instances.jsonl must be the commits the shipped files make.
  const commits = new Map<string, string>();
  for (const sample of await loadSamples(samplesDir)) commits.set(sample.repo, (await buildSampleRepository(sample, reposDir)).commit);
  for (const instance of instances) {
    const built = commits.get(instance.repo);
    if (built === undefined) throw new InputError(`${instancesFile}: ${instance.instance_id}: no sample repository for ${instance.repo} under ${join(samplesDir, 'samples')}`);
    if (built !== instance.base_commit) {
      throw new InputError(
        `${instancesFile}: ${instance.instance_id}: base_commit ${instance.base_commit} is not the commit the sample files make (${built}); ` +
          'the files under samples/ changed: regenerate the patches against the new commit',
      );
    }
  }

  const environments = await loadEnvironmentSpecs(join(samplesDir, 'environments'));
  const { predictions: wrongPredictions } = await loadPredictions(join(samplesDir, 'predictions-wrong.jsonl'));
  const providerFor = options.provider ?? ((runId: string, repos: string) => new DockerInstanceProvider({ runId, reposDir: repos }));
  const common = {
    instances,
    environments,
    logsDir: join(options.workDir, 'logs', 'run_evaluation'),
    reportDir: join(options.workDir, 'reports'),
    maxWorkers: options.maxWorkers ?? 2,
    // The demo shows a fresh verdict every time rather than last run's.
    rerun: true,
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
  };
  print(`Evaluating ${instances.length} sample instances from ${samplesDir}: gold patches (validated), then wrong patches`);
  const prefix = options.runIdPrefix ?? 'sample';
  const gold = await runEvaluation({ ...common, predictions: 'gold', runId: `${prefix}-gold`, provider: providerFor(`${prefix}-gold`, reposDir) });
  const wrong = await runEvaluation({
    ...common,
    predictions: wrongPredictions,
    runId: `${prefix}-wrong`,
    provider: providerFor(`${prefix}-wrong`, reposDir),
  });

  const rows: SampleRow[] = instances.map((instance) => ({
    instanceId: instance.instance_id,
    gold: statusOf(gold, instance.instance_id),
    goldValidated: !(gold.summary.gold_invalid_ids ?? []).includes(instance.instance_id),
    wrong: statusOf(wrong, instance.instance_id),
  }));
  for (const line of formatResolveTable(rows)) print(line);
  print(`reports: ${gold.summaryPath}, ${wrong.summaryPath}; logs under ${common.logsDir}`);
  const asExpected = rows.every((row) => row.gold === 'resolved' && row.goldValidated && row.wrong === 'unresolved');
  return { rows, asExpected, gold, wrong };
}
