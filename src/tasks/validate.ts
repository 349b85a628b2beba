/**
 * Validation through the evaluation stage, in sandboxes, with the eval library's own runs (no second
 * grader): the gold patch (`gold` mode: FAIL_TO_PASS must fail before it and pass after it, and the
 * task must resolve), a no-op patch (the base commit as it is: PASS_TO_PASS must pass there too,
 * FAIL_TO_PASS must fail), and for two-edit tasks each edit alone (neither may resolve the task).
 * A task failing any of these is dropped with the reason; an evaluation that could not run at all
 * (an engine failure) is an error that stops the run, so a rerun retries it.
 */
import { join } from 'node:path';
import { SweSrlError, UnavailableError } from '../errors.js';
import {
  INSTANCE_FILES,
  instanceDirectory,
  readInstanceReport,
  runEvaluation,
  type Instance,
  type InstanceSandboxProvider,
  type Prediction,
  type ProgressStream,
  type RunEvaluationResult,
} from '../eval/index.js';
import type { EnvironmentSpecFile } from '../sandbox/images/environment-spec.js';
import type { DropReason } from './candidate.js';

/** Adds an empty marker file: it applies cleanly and changes nothing the tests see. */
export const NOOP_PATCH = [
  'diff --git a/.swe-srl-noop b/.swe-srl-noop',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/.swe-srl-noop',
  '@@ -0,0 +1 @@',
  '+no change',
  '',
].join('\n');

export const VALIDATION_MODELS = { gold: 'gold', noop: 'noop', singleEdit: (index: number) => `single-edit-${index + 1}` } as const;

export interface ValidationOptions {
  instances: Instance[];
  /** Two-edit tasks: instance id → the patch of each edit alone. */
  singleEditPatches: ReadonlyMap<string, readonly string[]>;
  environments: readonly EnvironmentSpecFile[];
  provider: (runId: string) => InstanceSandboxProvider;
  /** Run ids are `<prefix>-gold`, `<prefix>-noop`, `<prefix>-single-edit`. */
  runIdPrefix: string;
  logsDir: string;
  reportDir: string;
  maxWorkers: number;
  progress: ProgressStream | null;
  signal?: AbortSignal;
  onRun?: (run: 'gold' | 'noop' | 'single-edit', instances: number) => void;
}

export type ValidationVerdict = { valid: true } | { valid: false; reason: DropReason; detail: string };

/** The run was stopped (a signal): what finished is kept, and the same command resumes. */
export class TasksInterruptedError extends SweSrlError {
  constructor() {
    super('interrupted; run the same command again to resume');
  }
}

/** The evaluation itself failed for some instances (not the tasks): stop, so a rerun retries them. */
export class ValidationRunError extends UnavailableError {}

function failIfErrors(run: RunEvaluationResult, label: string, signal: AbortSignal | undefined): void {
  // An interrupted run leaves instances unevaluated, which the summary counts as errors.
  if (signal?.aborted) throw new TasksInterruptedError();
  const errors = run.summary.error_ids;
  if (errors.length === 0) return;
  const details = run.results.filter((result) => result.status === 'error').map((result) => `${result.instanceId}: ${result.detail ?? 'error'}`);
  const error = new ValidationRunError(`the ${label} evaluation could not run for ${errors.length} task(s) (${details.slice(0, 3).join('; ') || errors.join(', ')}); see run_instance.log under the logs, then rerun to retry`);
  if (details.some((detail) => /ENOSPC|no space left/i.test(detail))) Object.assign(error, { code: 'ENOSPC' });
  throw error;
}

export async function validateTasks(options: ValidationOptions): Promise<Map<string, ValidationVerdict>> {
  const verdicts = new Map<string, ValidationVerdict>(options.instances.map((instance) => [instance.instance_id, { valid: true }]));
  const stillValid = () => options.instances.filter((instance) => verdicts.get(instance.instance_id)!.valid);
  const rejected = (id: string, reason: DropReason, detail: string) => verdicts.set(id, { valid: false, reason, detail });
  const common = {
    environments: options.environments,
    logsDir: options.logsDir,
    reportDir: options.reportDir,
    maxWorkers: options.maxWorkers,
    progress: options.progress,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const reportOf = async (runId: string, model: string, id: string) => {
    const directory = instanceDirectory({ logsDir: options.logsDir, runId, reportDir: options.reportDir }, model, id);
    const stored = await readInstanceReport(join(directory, INSTANCE_FILES.report), id);
    return stored.state === 'valid' ? stored.body : undefined;
  };

  if (options.instances.length === 0) return verdicts;
  const goldRun = `${options.runIdPrefix}-gold`;
  options.onRun?.('gold', options.instances.length);
  const gold = await runEvaluation({ ...common, instances: options.instances, predictions: 'gold', runId: goldRun, provider: options.provider(goldRun) });
  failIfErrors(gold, 'gold-patch', options.signal);
  for (const instance of options.instances) {
    const id = instance.instance_id;
    if (!gold.summary.resolved_ids.includes(id)) rejected(id, 'gold_patch_does_not_resolve', `gold run: ${gold.summary.unresolved_ids.includes(id) ? 'unresolved' : 'not completed'}`);
    else if ((gold.summary.gold_invalid_ids ?? []).includes(id)) {
      const body = await reportOf(goldRun, VALIDATION_MODELS.gold, id);
      rejected(id, 'fail_to_pass_passed_before', `passed before the patch: ${body?.swe_srl?.gold_validation?.fail_to_pass_passed_before.join(', ') ?? '?'}`);
    }
  }

  const noopInstances = stillValid();
  if (noopInstances.length > 0) {
    const noopRun = `${options.runIdPrefix}-noop`;
    options.onRun?.('noop', noopInstances.length);
    const predictions: Prediction[] = noopInstances.map((instance) => ({ instance_id: instance.instance_id, model_name_or_path: VALIDATION_MODELS.noop, model_patch: NOOP_PATCH }));
    const noop = await runEvaluation({ ...common, instances: noopInstances, predictions, runId: noopRun, provider: options.provider(noopRun) });
    failIfErrors(noop, 'no-op', options.signal);
    for (const instance of noopInstances) {
      const status = (await reportOf(noopRun, VALIDATION_MODELS.noop, instance.instance_id))?.tests_status;
      if (!status) rejected(instance.instance_id, 'pass_to_pass_failed_before', 'the no-op patch run left no test results');
      else if (status.PASS_TO_PASS.failure.length > 0) rejected(instance.instance_id, 'pass_to_pass_failed_before', `failing at the base commit: ${status.PASS_TO_PASS.failure.join(', ')}`);
      else if (status.FAIL_TO_PASS.success.length > 0) rejected(instance.instance_id, 'fail_to_pass_passed_before', `passing at the base commit: ${status.FAIL_TO_PASS.success.join(', ')}`);
    }
  }

  const twoEdit = stillValid().filter((instance) => (options.singleEditPatches.get(instance.instance_id)?.length ?? 0) > 1);
  const editCount = Math.max(0, ...twoEdit.map((instance) => options.singleEditPatches.get(instance.instance_id)!.length));
  for (let edit = 0; edit < editCount; edit++) {
    const instances = twoEdit.filter((instance) => verdicts.get(instance.instance_id)!.valid && options.singleEditPatches.get(instance.instance_id)!.length > edit);
    if (instances.length === 0) continue;
    const runId = `${options.runIdPrefix}-single-edit`;
    const model = VALIDATION_MODELS.singleEdit(edit);
    options.onRun?.('single-edit', instances.length);
    const predictions: Prediction[] = instances.map((instance) => ({ instance_id: instance.instance_id, model_name_or_path: model, model_patch: options.singleEditPatches.get(instance.instance_id)![edit]! }));
    const run = await runEvaluation({ ...common, instances, predictions, runId, provider: options.provider(runId) });
    failIfErrors(run, `single-edit ${edit + 1}`, options.signal);
    for (const instance of instances) {
      if (run.summary.resolved_ids.includes(instance.instance_id)) rejected(instance.instance_id, 'one_edit_resolves', `edit ${edit + 1} alone resolves the task`);
    }
  }
  return verdicts;
}
