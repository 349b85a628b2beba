/**
 * `eval --regrade`: grades a run's existing logs again, without a sandbox or an engine (SWE-bench's
 * `--rewrite_reports`). For every prediction whose instance directory holds a test_output.txt, the
 * log is read as it was written, with the runner report and exit status swe-srl recorded next to
 * it (test-run-record.ts), and graded by the same function a live run uses, so an unchanged grader
 * reproduces every verdict; report.json and the run summary are written again. A log SWE-bench made
 * (no test_run.json) is graded as SWE-bench grades it: without the cross-check.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { writeFileAtomically } from '../io/atomic-write.js';
import { findEnvironmentSpec, type EnvironmentSpecFile } from '../sandbox/images/environment-spec.js';
import type { Instance } from './instances.js';
import { goldPredictions, isEmptyPatch, type Prediction } from './predictions.js';
import { readInstanceReport, reportBodyForVerdict, writeInstanceReport, type GoldValidation, type SweSrlReportDetails } from './report.js';
import { DEFAULT_LOGS_DIR, instanceFile, summaryPath, type RunLayout } from './run-layout.js';
import { summarizeRun, type RunSummary } from './summary.js';
import { RUNNER_FILE_DESCRIPTIONS, type RunnerFileKind } from './runner-files.js';
import { runnerFileIssues } from './source-only-patch.js';
import { readTestRunRecord } from './test-run-record.js';
import { judgeTestLog, type GradingPolicy, type TestVerdict } from './test-verdict.js';

export interface RegradeOptions {
  instances: Instance[];
  predictions: Prediction[] | 'gold';
  environments: readonly EnvironmentSpecFile[];
  runId: string;
  logsDir?: string;
  reportDir?: string;
  grading?: GradingPolicy;
  /** As the run was made (see InstanceEvaluationContext.modelFailures). */
  modelFailures?: 'error' | 'unresolved';
}

export interface RegradedInstance {
  instanceId: string;
  /** What the report said before, when there was one. */
  before?: boolean;
  resolved: boolean;
  found: boolean;
}

export interface RegradeResult {
  summary: RunSummary;
  summaryPath: string;
  regraded: RegradedInstance[];
  /** Predictions with no test_output.txt to grade. */
  notRun: string[];
  /** Left as they were: runs past their time limit stay errors (no report), as when they ran. */
  keptAsErrors: string[];
}

/**
 * The runner files the run reset (report.json's runner_files_reset) as integrity issues again: they
 * are facts of the patch, not of the log, so a regrade keeps them.
 */
function runnerFilesOf(details: SweSrlReportDetails | undefined): string[] {
  const reset = (details?.runner_files_reset ?? []).filter((file): file is { path: string; kind: RunnerFileKind } => file.kind in RUNNER_FILE_DESCRIPTIONS);
  return runnerFileIssues({ flagged: reset });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`${path}: cannot read it: ${(error as Error).message}`, { cause: error });
  }
}

interface GradedLog {
  verdict: TestVerdict;
  log: string;
  timedOut: boolean;
}

async function gradeLog(layout: RunLayout, model: string, instance: Instance, which: 'after' | 'before', options: RegradeOptions): Promise<GradedLog | undefined> {
  const id = instance.instance_id;
  const log = await readOptional(instanceFile(layout, model, id, which === 'after' ? 'testOutput' : 'testOutputBeforePatch'));
  if (log === undefined) return undefined;
  const environment = findEnvironmentSpec(options.environments, instance.repo, instance.version);
  const files =
    which === 'after'
      ? { record: instanceFile(layout, model, id, 'testRun'), runnerReport: instanceFile(layout, model, id, 'runnerReport') }
      : { record: instanceFile(layout, model, id, 'testRunBeforePatch'), runnerReport: instanceFile(layout, model, id, 'runnerReportBeforePatch') };
  const stored = await readTestRunRecord(files, environment);
  if (stored.state === 'invalid') throw new InputError(stored.reason);
  const evidence = stored.state === 'valid' ? stored.evidence : undefined;
  return { verdict: judgeTestLog(log, environment, instance, evidence, options.grading), log, timedOut: evidence?.timedOut ?? false };
}

export async function regradeRun(options: RegradeOptions): Promise<RegradeResult> {
  const layout: RunLayout = { logsDir: options.logsDir ?? DEFAULT_LOGS_DIR, runId: options.runId, reportDir: options.reportDir ?? '.' };
  const gold = options.predictions === 'gold';
  const predictions = gold ? goldPredictions(options.instances) : (options.predictions as Prediction[]);
  const byId = new Map(options.instances.map((instance) => [instance.instance_id, instance]));
  const regraded: RegradedInstance[] = [];
  const notRun: string[] = [];
  const keptAsErrors: string[] = [];

  for (const prediction of predictions) {
    const instance = byId.get(prediction.instance_id);
    if (!instance || isEmptyPatch(prediction.model_patch)) continue;
    const model = prediction.model_name_or_path;
    const id = instance.instance_id;
    const after = await gradeLog(layout, model, instance, 'after', options);
    if (!after) {
      notRun.push(id);
      continue;
    }
    const reportPath = instanceFile(layout, model, id, 'report');
    const previous = await readInstanceReport(reportPath, id);
    if (after.timedOut && options.modelFailures !== 'unresolved' && previous.state !== 'valid') {
      keptAsErrors.push(id);
      continue;
    }
    const earlier: SweSrlReportDetails | undefined = previous.state === 'valid' ? previous.body.swe_srl : undefined;

    let goldValidation: GoldValidation | undefined;
    if (gold) {
      const before = await gradeLog(layout, model, instance, 'before', options);
      if (before) {
        const passed = before.verdict.found ? before.verdict.grade.testsStatus.FAIL_TO_PASS.success : [];
        goldValidation = {
          valid: instance.FAIL_TO_PASS.length > 0 && passed.length === 0 && after.verdict.grade.resolved,
          fail_to_pass_failed_before: instance.FAIL_TO_PASS.filter((name) => !passed.includes(name)),
          fail_to_pass_passed_before: passed,
        };
      }
    }

    const { verdict } = after;
    const body = reportBodyForVerdict(verdict, after.log);
    const { no_results_reason: _stale, ...kept } = earlier ?? { outcome: 'unresolved' as const };
    await writeInstanceReport(reportPath, id, {
      ...body,
      swe_srl: {
        ...kept,
        outcome: body.resolved ? 'resolved' : 'unresolved',
        integrity_issues: [...runnerFilesOf(earlier), ...verdict.checked.issues],
        fail_to_pass_fraction: verdict.grade.failToPassFraction,
        ...(verdict.found ? {} : { no_results_reason: verdict.reason ?? '' }),
        ...(goldValidation ? { gold_validation: goldValidation } : {}),
        regraded_at: new Date().toISOString(),
      },
    });
    regraded.push({ instanceId: id, ...(previous.state === 'valid' ? { before: previous.body.resolved } : {}), resolved: body.resolved, found: verdict.found });
  }

  const summary = await summarizeRun({ layout, instances: options.instances, predictions, gold });
  const model = predictions[0]?.model_name_or_path ?? (gold ? 'gold' : 'None');
  const path = summaryPath(layout, model);
  await mkdir(layout.reportDir, { recursive: true });
  await writeFileAtomically(path, `${JSON.stringify(summary, null, 4)}\n`);
  return { summary, summaryPath: path, regraded, notRun, keptAsErrors };
}
