/**
 * A whole evaluation run, SWE-bench's run_evaluation: every prediction for a known instance is
 * evaluated in its own sandbox by a bounded pool of workers; instances that already have a report
 * under this run id are skipped (a killed run resumes) unless `rerun`; the summary is written from
 * what is on disk at the end.
 */
import { rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldError } from '../errors.js';
import type { BatchEvent, EventSink } from '../events.js';
import { checkRunId, planResume } from '../batch/resume.js';
import { findEnvironmentSpec, type EnvironmentSpec, type EnvironmentSpecFile } from '../sandbox/images/environment-spec.js';
import { evaluateInstance, type InstanceEvaluationContext, type InstanceResult } from './evaluate-instance.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instances.js';
import { goldPredictions, type Prediction } from './predictions.js';
import { renderEvaluationEvents, type ProgressStream } from './progress.js';
import { readInstanceReport } from './report.js';
import { DEFAULT_LOGS_DIR, instanceDirectory, instanceFile, summaryPath, type RunLayout } from './run-layout.js';
import type { InstanceSandboxProvider } from './sandbox-provider.js';
import { summarizeRun, type RunSummary } from './summary.js';
import type { TestSelection } from './test-run.js';
import type { GradingPolicy } from './test-verdict.js';
import { runWithWorkers } from '../batch/worker-pool.js';
import { writeFileAtomically } from '../io/atomic-write.js';

export interface RunEvaluationOptions {
  instances: Instance[];
  /** The predictions to evaluate, or 'gold' to validate the instances with their own patches. */
  predictions: Prediction[] | 'gold';
  environments: readonly EnvironmentSpecFile[];
  provider: InstanceSandboxProvider;
  runId: string;
  /** Default `logs/run_evaluation`. */
  logsDir?: string;
  /** Where the run summary goes; default the current directory. */
  reportDir?: string;
  maxWorkers?: number;
  /** Overrides each environment spec's test timeout. */
  timeoutSeconds?: number;
  /** Evaluate again instances that already have a report under this run id. */
  rerun?: boolean;
  selection?: TestSelection;
  /** Only these instances (and their predictions). */
  instanceIds?: string[];
  /** Progress and warnings as events (see src/events.ts); default none. */
  onEvent?: EventSink<EvaluationEvent>;
  /** A stream to render the events on (the CLI's rendering); null or absent for none. */
  progress?: ProgressStream | null;
  /** Stops starting new instances (running ones finish and clean up). */
  signal?: AbortSignal;
  /** Where grading departs from SWE-bench (see GradingPolicy). */
  grading?: GradingPolicy;
  /** `error` (SWE-bench, the default) or `unresolved`: see InstanceEvaluationContext. */
  modelFailures?: 'error' | 'unresolved';
}

/** What an evaluation run reports as it goes: one unit per instance, its result the instance's grade. */
export type EvaluationEvent = BatchEvent<InstanceResult>;

export interface RunEvaluationResult {
  summary: RunSummary;
  summaryPath: string;
  /** Instances evaluated by this call. */
  results: InstanceResult[];
  /** Instances skipped because an earlier run with this id already finished them. */
  resumedIds: string[];
}

async function makeOutputDirectory(field: string, path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw new FieldError(field, `cannot create the folder ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function runEvaluation(options: RunEvaluationOptions): Promise<RunEvaluationResult> {
  checkRunId(options.runId);
  const maxWorkers = options.maxWorkers ?? 1;
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1) throw new FieldError('maxWorkers', `expected a positive whole number, got ${maxWorkers}`);
  const layout: RunLayout = { logsDir: options.logsDir ?? DEFAULT_LOGS_DIR, runId: options.runId, reportDir: options.reportDir ?? '.' };
  const rendered = options.progress ? renderEvaluationEvents(options.progress) : undefined;
  const emit: EventSink<EvaluationEvent> = (event) => {
    options.onEvent?.(event);
    rendered?.(event);
  };
  const warn = (message: string) => emit({ kind: 'warning', message });

  let instances = options.instances;
  if (options.instanceIds) {
    const wanted = new Set(options.instanceIds);
    const missing = options.instanceIds.filter((id) => !instances.some((instance) => instance.instance_id === id));
    if (missing.length > 0) warn(`not in the instances file: ${missing.join(', ')}`);
    instances = instances.filter((instance) => wanted.has(instance.instance_id));
  }
  const gold = options.predictions === 'gold';
  let predictions = gold ? goldPredictions(instances) : (options.predictions as Prediction[]);
  if (options.instanceIds && !gold) predictions = predictions.filter((p) => options.instanceIds!.includes(p.instance_id));
  const byId = new Map(instances.map((instance) => [instance.instance_id, instance]));
  const unknown = predictions.filter((prediction) => !byId.has(prediction.instance_id));
  if (unknown.length > 0) warn(`predictions for unknown instances are not evaluated: ${unknown.map((p) => p.instance_id).join(', ')}`);

  // Checked before any work: a folder that cannot be made would otherwise fail every instance, or
  // lose the summary after the whole run.
  await makeOutputDirectory('reportDir', layout.reportDir);
  await makeOutputDirectory('logsDir', join(layout.logsDir, layout.runId));

  // The resume convention (src/batch/resume.ts): leftovers reaped, graded instances skipped.
  const units = predictions.flatMap((prediction) => {
    const instance = byId.get(prediction.instance_id);
    return instance ? [{ instance, prediction }] : [];
  });
  const plan = await planResume({
    runId: options.runId,
    units,
    idOf: ({ instance }) => instance.instance_id,
    isFinished: async (id, { prediction }) => (await readInstanceReport(instanceFile(layout, prediction.model_name_or_path, id, 'report'), id)).state === 'valid',
    rerun: options.rerun === true,
    ...(options.provider.removeLeftovers ? { removeLeftovers: (runId: string) => options.provider.removeLeftovers!(runId) } : {}),
  });
  // Whatever an interrupted attempt left (a test log without a report) would mislead.
  for (const { instance, prediction } of plan.toRun) {
    await rm(instanceDirectory(layout, prediction.model_name_or_path, instance.instance_id), { recursive: true, force: true });
  }
  const toEvaluate = plan.toRun;
  const resumedIds = plan.finishedIds;
  emit({ kind: 'plan', runId: options.runId, total: units.length, alreadyFinished: resumedIds.length, toRun: toEvaluate.length, leftoversRemoved: plan.leftoversRemoved });

  // Used sandboxes are removed behind the workers (a container removal is a few hundred ms of the
  // engine's time that no instance needs to wait for); all of them are gone before leftovers are counted.
  const removals = new Set<Promise<void>>();
  const removeLater = (sandbox: Sandbox): void => {
    const removal = sandbox
      .close()
      .catch((error: unknown) => warn(`closing sandbox ${sandbox.id} failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => removals.delete(removal));
    removals.add(removal);
  };
  const context: InstanceEvaluationContext = {
    removeLater,
    layout,
    environments: options.environments,
    provider: options.provider,
    gold,
    ...(options.grading ? { grading: options.grading } : {}),
    ...(options.modelFailures ? { modelFailures: options.modelFailures } : {}),
    ...(options.timeoutSeconds !== undefined ? { timeoutMs: options.timeoutSeconds * 1000 } : {}),
    ...(options.selection ? { selection: options.selection } : {}),
  };
  // Empty patches open nothing; a gold run opens two sandboxes per instance (before and after the patch).
  options.provider.plan?.(
    toEvaluate.flatMap(({ instance, prediction }) => {
      if (typeof prediction.model_patch !== 'string' || prediction.model_patch.trim() === '') return [];
      const environment = environmentOf(options.environments, instance);
      return environment ? [{ instance, environment, count: gold ? 2 : 1 }] : [];
    }),
  );
  let running = 0;
  let finished = 0;
  let evaluated: Array<InstanceResult | undefined>;
  try {
    evaluated = await runWithWorkers(
      toEvaluate,
      maxWorkers,
      async ({ instance, prediction }) => {
        running += 1;
        emit({ kind: 'start', id: instance.instance_id, running });
        try {
          const result = await evaluateInstance(context, instance, prediction);
          finished += 1;
          emit({ kind: 'finish', id: instance.instance_id, result, finished, total: toEvaluate.length });
          return result;
        } finally {
          running -= 1;
        }
      },
      options.signal,
    );
  } finally {
    await Promise.allSettled([...removals]);
    // The sandboxes started ahead and never asked for (an interrupted run) go before leftovers are counted.
    await options.provider.close?.();
  }
  const results = evaluated.filter((r): r is InstanceResult => r !== undefined);
  emit({ kind: 'end', finished, failed: results.filter((result) => result.status === 'error').length, total: toEvaluate.length });

  const leftovers = await options.provider.leftovers?.(options.runId).catch(() => undefined);
  const summary = await summarizeRun({ layout, instances, predictions, gold, ...(leftovers ? { leftovers } : {}) });
  const model = predictions[0]?.model_name_or_path ?? (gold ? 'gold' : 'None');
  const path = summaryPath(layout, model);
  await mkdir(layout.reportDir, { recursive: true });
  await writeFileAtomically(path, `${JSON.stringify(summary, null, 4)}\n`);
  return { summary, summaryPath: path, results, resumedIds };
}

/** The instance's environment spec, or none (its evaluation then reports the missing spec itself). */
function environmentOf(environments: readonly EnvironmentSpecFile[], instance: Instance): EnvironmentSpec | undefined {
  try {
    return findEnvironmentSpec(environments, instance.repo, instance.version);
  } catch {
    return undefined;
  }
}
