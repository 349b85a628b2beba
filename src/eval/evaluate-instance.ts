/**
 * Evaluates one prediction, SWE-bench's run_instance: in a fresh sandbox, apply the model patch,
 * run the pre-test steps, apply the test patch, run the tests under a timeout, write
 * test_output.txt in SWE-bench's shape (markers and exit-code line), grade that log, and write the
 * instance's files.
 *
 * As in SWE-bench, a patch that does not apply and a test run past its time limit are `error`s:
 * no report is written, run_instance.log says why, and a later run with the same id tries again
 * (`modelFailures: 'unresolved'` makes them completed and unresolved instead, swe-srl's earlier
 * behaviour). What the harness or the engine causes (no environment spec, an image that does not
 * build, a container that does not start, a test patch that does not apply) is an `error` too.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { SandboxLimitError, SweSrlError } from '../errors.js';
import { findEnvironmentSpec, type EnvironmentSpec, type EnvironmentSpecFile } from '../sandbox/images/environment-spec.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instances.js';
import { InstanceLog } from './instance-log.js';
import { runPreTestSteps, type PreTestResult } from './pre-test.js';
import { isEmptyPatch, type Prediction } from './predictions.js';
import { reportBodyForVerdict, writeInstanceReport, type GoldValidation, type InstanceReportBody } from './report.js';
import { instanceDirectory, instanceFile, type RunLayout } from './run-layout.js';
import type { InstanceSandboxProvider } from './sandbox-provider.js';
import { formatTestOutput } from './swebench-log.js';
import { applyTestPatchAndRunTests, testPatchOptionsAfter, type TestRun, type TestSelection } from './test-run.js';
import { writeTestRunRecord } from './test-run-record.js';
import { evidenceOf, judgeTestLog, type GradingPolicy, type TestVerdict } from './test-verdict.js';
import { MODEL_PATCH_MAX_BYTES } from './read-back-limits.js';
import { runnerFileIssues, type SourceOnlyResult } from './source-only-patch.js';
import { applyConfinedPatch } from './confined-patch.js';

/** A failure of the evaluation itself, not of the prediction. */
export class EvaluationError extends SweSrlError {}

export type InstanceStatus = 'resolved' | 'unresolved' | 'empty_patch' | 'error';

export interface InstanceResult {
  instanceId: string;
  model: string;
  status: InstanceStatus;
  /** For `error`: what went wrong. For `unresolved`: a short reason when there is a notable one. */
  detail?: string;
  /** Wall time of this instance's whole evaluation. */
  durationMs: number;
  /** Wall time of the test command runs alone (the rest is the harness's overhead). */
  testDurationMs: number;
}

export interface InstanceEvaluationContext {
  layout: RunLayout;
  environments: readonly EnvironmentSpecFile[];
  provider: InstanceSandboxProvider;
  /** Overrides the environment spec's test timeout. */
  timeoutMs?: number;
  selection?: TestSelection;
  /** Gold validation: also run the tests before the (gold) patch and check FAIL_TO_PASS failed then. */
  gold?: boolean;
  /** Where grading departs from SWE-bench (see GradingPolicy). */
  grading?: GradingPolicy;
  /**
   * What a patch that does not apply and a test run past its time limit are: `error` (SWE-bench:
   * no report, retried by a later run) or `unresolved` (a report saying so; swe-srl before v5).
   */
  modelFailures?: 'error' | 'unresolved';
  /**
   * Takes a used sandbox's removal off the instance's path: the removal runs in the background and
   * whoever passed this waits for it (before counting leftovers). Default: the instance waits.
   */
  removeLater?: (sandbox: Sandbox) => void;
}

/** One test run with what ran before it, as test_output.txt will hold it. */
interface LoggedTestRun {
  run: TestRun;
  preTest: PreTestResult;
  /** test_output.txt's content. */
  log: string;
  timeoutSeconds: number;
}

async function withSandbox<T>(
  context: InstanceEvaluationContext,
  instance: Instance,
  environment: EnvironmentSpec,
  log: InstanceLog,
  use: (sandbox: Sandbox) => Promise<T>,
): Promise<T> {
  const opened = Date.now();
  const sandbox = await context.provider.open(instance, environment, (line) => void log.write(line));
  await log.write(`sandbox ${sandbox.id} (${sandbox.backend}) ready in ${Date.now() - opened} ms`);
  try {
    return await use(sandbox);
  } finally {
    if (context.removeLater) context.removeLater(sandbox);
    else await sandbox.close().catch((error: unknown) => log.write(`closing sandbox ${sandbox.id} failed: ${String(error)}`));
  }
}

async function testsAfterTestPatch(
  sandbox: Sandbox,
  instance: Instance,
  environment: EnvironmentSpec,
  context: InstanceEvaluationContext,
  log: InstanceLog,
  /** What confining the model's patch found: the runner guard watches its source files. */
  confined?: SourceOnlyResult,
): Promise<LoggedTestRun> {
  const timeoutMs = context.timeoutMs ?? environment.timeoutSeconds * 1000;
  const preTest = await runPreTestSteps(sandbox, environment, { timeoutMs });
  for (const step of preTest.steps) await log.write(`pre-test: ${step.command} (exit ${step.exitCode ?? 'none'}${step.timedOut ? ', timed out' : ''})`);
  const { testPatch, run } = await applyTestPatchAndRunTests(sandbox, environment, instance, {
    timeoutMs,
    untrustedFiles: confined?.sourceFiles ?? [],
    ...(context.selection ? { selection: context.selection } : {}),
    ...testPatchOptionsAfter(confined, preTest),
    onTestPatchApplied: (applied) => log.write(`test patch applied${applied.method ? ` with ${applied.method}` : ''}`),
  });
  if (!run) throw new EvaluationError(`the test patch does not apply: ${testPatch.failureReason ?? ''}`);
  await log.write(
    `test command: ${run.command}\n` +
      `exit ${run.exitCode ?? 'none'}${run.timedOut ? `, timed out after ${timeoutMs / 1000} s` : ''}, ${Math.round(run.durationMs)} ms` +
      `${run.truncated ? ', output capped' : ''}; runner report: ${run.structured.state}`,
  );
  const timeoutSeconds = timeoutMs / 1000;
  const text = formatTestOutput({ preTest: preTest.output, output: run.output, exitCode: run.exitCode, timedOut: run.timedOut, timeoutSeconds });
  return { run, preTest, log: text, timeoutSeconds };
}

/** Grades a logged run as --regrade will grade its files again. */
function judge(logged: LoggedTestRun, environment: EnvironmentSpec, instance: Instance, context: InstanceEvaluationContext): TestVerdict {
  return judgeTestLog(logged.log, environment, instance, evidenceOf(logged.run), context.grading);
}

/**
 * Logs what keeping the applied patch to the source files did: what it changed of the test
 * runner's files went back to the base commit (source-only-patch.ts), before the pre-test steps,
 * so a re-install runs the base commit's setup files.
 */
async function logConfinement(confined: SourceOnlyResult, log: InstanceLog): Promise<void> {
  for (const issue of runnerFileIssues(confined)) await log.write(`integrity: ${issue}`);
  if (confined.resetTests.length > 0) await log.write(`test files the patch changed, reset to the base commit: ${confined.resetTests.join(', ')}`);
  for (const skipped of confined.skipped) await log.write(`not reset (${skipped.reason}): ${skipped.path}`);
}

/**
 * A patch too large to take in is the model's failure: unresolved, with the reason, and never
 * applied (whatever modelFailures says: trying again can only refuse it again).
 */
function oversizedPatchReport(patch: string): InstanceReportBody | undefined {
  const bytes = Buffer.byteLength(patch);
  if (bytes <= MODEL_PATCH_MAX_BYTES) return undefined;
  return {
    patch_is_None: false,
    patch_exists: true,
    patch_successfully_applied: false,
    resolved: false,
    infra_failure: false,
    swe_srl: { outcome: 'unresolved', patch_apply_failure: `the patch is ${bytes} bytes, larger than the limit of ${MODEL_PATCH_MAX_BYTES} bytes` },
  };
}

/**
 * The sandbox stopped because the code in it passed a limit (its disk): that is the patch's doing,
 * so the instance is unresolved, with the limit named. (A sandbox that went away for any other
 * reason is an infrastructure error and gets no report: a later run tries again.)
 */
async function reportSandboxLimit(context: InstanceEvaluationContext, instance: Instance, prediction: Prediction, error: SandboxLimitError, log: InstanceLog): Promise<void> {
  await log.write(`stopped: ${error.message}`);
  await writeInstanceReport(instanceFile(context.layout, prediction.model_name_or_path, instance.instance_id, 'report'), instance.instance_id, {
    patch_is_None: false,
    patch_exists: true,
    patch_successfully_applied: true,
    resolved: false,
    infra_failure: false,
    swe_srl: { outcome: 'unresolved', sandbox_limit: error.message, integrity_issues: [error.message] },
  });
}

function passedBefore(verdict: TestVerdict): string[] {
  return verdict.found ? verdict.grade.testsStatus.FAIL_TO_PASS.success : [];
}

async function writeLoggedRun(context: InstanceEvaluationContext, model: string, id: string, logged: LoggedTestRun, which: 'before' | 'after'): Promise<void> {
  const suffix = which === 'before' ? 'BeforePatch' : '';
  await writeFile(instanceFile(context.layout, model, id, which === 'before' ? 'testOutputBeforePatch' : 'testOutput'), logged.log);
  await writeTestRunRecord(
    { record: instanceFile(context.layout, model, id, `testRun${suffix}`), runnerReport: instanceFile(context.layout, model, id, `runnerReport${suffix}`) },
    logged.run,
    logged.timeoutSeconds,
    logged.preTest.steps,
  );
}

async function evaluate(
  context: InstanceEvaluationContext,
  instance: Instance,
  prediction: Prediction,
  log: InstanceLog,
  timing: { testDurationMs: number },
): Promise<InstanceResult['status'] | { status: InstanceStatus; detail: string }> {
  const id = instance.instance_id;
  const model = prediction.model_name_or_path;
  const reportPath = instanceFile(context.layout, model, id, 'report');
  const patch = prediction.model_patch;
  const modelFailuresUnresolved = context.modelFailures === 'unresolved';
  await writeFile(instanceFile(context.layout, model, id, 'patch'), patch ?? '');

  if (isEmptyPatch(patch)) {
    await log.write(patch === null ? 'the prediction has no patch (null)' : 'the prediction has an empty patch');
    await writeInstanceReport(reportPath, id, {
      patch_is_None: patch === null,
      patch_exists: false,
      patch_successfully_applied: false,
      resolved: false,
      infra_failure: false,
      swe_srl: { outcome: 'empty_patch' },
    });
    return 'empty_patch';
  }

  const environment = findEnvironmentSpec(context.environments, instance.repo, instance.version);
  await log.write(`environment ${environment.name}${environment.version ? ` ${environment.version}` : ''} from ${environment.file}`);

  const oversized = oversizedPatchReport(patch!);
  if (oversized) {
    await log.write(`patch refused: ${oversized.swe_srl?.patch_apply_failure ?? ''}`);
    await writeInstanceReport(reportPath, id, oversized);
    return { status: 'unresolved', detail: 'patch too large' };
  }

  let before: TestVerdict | undefined;
  if (context.gold) {
    await log.write('gold validation: running the tests before the patch');
    const logged = await withSandbox(context, instance, environment, log, (sandbox) => testsAfterTestPatch(sandbox, instance, environment, context, log));
    timing.testDurationMs += logged.run.durationMs;
    await writeLoggedRun(context, model, id, logged, 'before');
    before = judge(logged, environment, instance, context);
  }

  return withSandbox(context, instance, environment, log, async (sandbox) => {
    const { application, confined } = await applyConfinedPatch(sandbox, instance, patch!, { label: 'model-patch' });
    for (const attempt of application.attempts) {
      await log.write(`${attempt.method}: exit ${attempt.exitCode ?? 'none'}\n${attempt.output.trim()}`);
    }
    if (!confined) {
      await log.write(`>>>>> Patch Apply Failed: ${application.failureReason ?? ''}`);
      if (!modelFailuresUnresolved) return { status: 'error', detail: 'patch did not apply' };
      const body: InstanceReportBody = {
        patch_is_None: false,
        patch_exists: true,
        patch_successfully_applied: false,
        resolved: false,
        infra_failure: false,
        swe_srl: { outcome: 'unresolved', ...(application.failureReason ? { patch_apply_failure: application.failureReason } : {}) },
      };
      await writeInstanceReport(reportPath, id, body);
      return { status: 'unresolved', detail: 'patch did not apply' };
    }
    await log.write(`>>>>> Applied Patch (${application.method ?? 'no change needed'})`);

    await logConfinement(confined, log);
    const logged = await testsAfterTestPatch(sandbox, instance, environment, context, log, confined);
    const run = logged.run;
    timing.testDurationMs += run.durationMs;
    await writeLoggedRun(context, model, id, logged, 'after');
    if (run.timedOut && !modelFailuresUnresolved) {
      await log.write(`Test timed out after ${logged.timeoutSeconds} seconds.`);
      return { status: 'error', detail: 'tests timed out' };
    }
    const verdict = judge(logged, environment, instance, context);
    for (const issue of verdict.checked.issues) await log.write(`cross-check: ${issue}`);
    if (!verdict.found) await log.write(`no results to grade: ${verdict.reason ?? ''}`);

    let goldValidation: GoldValidation | undefined;
    if (before) {
      const passed = passedBefore(before);
      goldValidation = {
        // No FAIL_TO_PASS test at all would make any patch that keeps PASS_TO_PASS a fix.
        valid: instance.FAIL_TO_PASS.length > 0 && passed.length === 0 && verdict.grade.resolved,
        fail_to_pass_failed_before: instance.FAIL_TO_PASS.filter((name) => !passed.includes(name)),
        fail_to_pass_passed_before: passed,
      };
      await log.write(`gold validation: ${goldValidation.valid ? 'valid' : 'INVALID'}`);
    }

    const swebench = reportBodyForVerdict(verdict, logged.log);
    const resolved = swebench.resolved;
    await writeInstanceReport(reportPath, id, {
      ...swebench,
      swe_srl: {
        outcome: resolved ? 'resolved' : 'unresolved',
        ...(application.method ? { patch_applied_with: application.method } : {}),
        test_command: run.command,
        test_exit_code: run.exitCode,
        tests_timed_out: run.timedOut,
        integrity_issues: [...runnerFileIssues(confined), ...verdict.checked.issues],
        ...(confined.flagged.length > 0 ? { runner_files_reset: confined.flagged } : {}),
        fail_to_pass_fraction: verdict.grade.failToPassFraction,
        ...(verdict.found ? {} : { no_results_reason: verdict.reason ?? '' }),
        ...(logged.preTest.steps.length > 0 ? { pre_test_exit_codes: logged.preTest.steps.map((step) => step.exitCode) } : {}),
        ...(goldValidation ? { gold_validation: goldValidation } : {}),
      },
    });
    await log.write(`result: ${resolved ? 'resolved' : 'unresolved'}`);
    if (run.timedOut) return { status: 'unresolved', detail: 'tests timed out' };
    return resolved ? 'resolved' : 'unresolved';
  });
}

export async function evaluateInstance(context: InstanceEvaluationContext, instance: Instance, prediction: Prediction): Promise<InstanceResult> {
  const started = Date.now();
  const model = prediction.model_name_or_path;
  await mkdir(instanceDirectory(context.layout, model, instance.instance_id), { recursive: true });
  const log = await InstanceLog.open(instanceFile(context.layout, model, instance.instance_id, 'log'));
  const timing = { testDurationMs: 0 };
  const finish = (status: InstanceStatus, detail?: string): InstanceResult => ({
    instanceId: instance.instance_id,
    model,
    status,
    ...(detail !== undefined ? { detail } : {}),
    durationMs: Date.now() - started,
    testDurationMs: timing.testDurationMs,
  });
  try {
    await log.write(`evaluating ${instance.instance_id} (${instance.repo} at ${instance.base_commit}) for ${model}`);
    const outcome = await evaluate(context, instance, prediction, log, timing);
    return typeof outcome === 'string' ? finish(outcome) : finish(outcome.status, outcome.detail);
  } catch (error) {
    if (error instanceof SandboxLimitError) {
      await reportSandboxLimit(context, instance, prediction, error, log);
      return finish('unresolved', `sandbox limit: ${error.limit}`);
    }
    const message = error instanceof Error ? error.message : String(error);
    await log.write(`error: ${error instanceof Error && error.stack ? error.stack : message}`).catch(() => undefined);
    return finish('error', message.split('\n')[0]);
  } finally {
    await log.close();
  }
}
