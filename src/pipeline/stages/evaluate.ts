/**
 * `evaluate`: the RLVR verdict, as SWE-bench grades. Each prediction is applied in a fresh sandbox
 * of its instance, the tests run, and the instance is resolved when every FAIL_TO_PASS and
 * PASS_TO_PASS test passes. With `gold: true` the tasks are validated with their own patches
 * instead. Output follows SWE-bench's layout (per-instance reports under logs/, the run summary in
 * the stage's folder); a rerun resumes, skipping instances that already have a report.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { loadPredictions } from '../../eval/predictions.js';
import { runEvaluation } from '../../eval/index.js';
import type { StageDefinition } from '../stage.js';
import { progressStreamFor } from './progress-lines.js';
import { labelOf, ratesBy, readTaskFiles } from './task-files.js';

const settingsSchema = z.strictObject({
  /** Validate the tasks with their gold patches instead of evaluating predictions. */
  gold: z.boolean().default(false),
  /** Overrides each environment spec's test time limit, in seconds. */
  timeoutSeconds: z.number().positive().optional(),
  /** Sandboxes at once; default the pipeline's sandbox.maxWorkers. */
  maxWorkers: z.number().int().min(1).optional(),
});

export const evaluateStage: StageDefinition<typeof settingsSchema> = {
  type: 'evaluate',
  description: 'apply each prediction, run the tests and grade as SWE-bench does (resolve rates per tier and bug kind)',
  settings: settingsSchema,
  inputs: {
    tasks: { kind: 'tasks', description: 'the instances to evaluate on' },
    predictions: { kind: 'predictions', description: 'SWE-bench predictions (named explicitly; without them, gold: true)', optional: true },
  },
  outputs: { evaluation: { kind: 'evaluation', description: 'the SWE-bench run summary and per-instance reports' } },
  version: 1,
  usesSandboxes: true,
  checkWiring(settings, wired) {
    if (!settings.gold && !wired.includes('predictions')) return 'name the predictions to evaluate (inputs: {predictions: STAGE}), or set gold: true';
    if (settings.gold && wired.includes('predictions')) return 'gold: true evaluates the gold patches; drop the predictions input';
    return undefined;
  },
  async run({ name, settings, inputs, dir, sandboxes, progress, signal }) {
    const tasks = await readTaskFiles(inputs.tasks!);
    const predictions = settings.gold ? 'gold' : (await loadPredictions(inputs.predictions!.files.predictions!)).predictions;
    const known = new Set(tasks.instances.map((instance) => instance.instance_id));
    const evaluated = predictions === 'gold' ? [...known] : predictions.filter((prediction) => known.has(prediction.instance_id)).map((p) => p.instance_id);
    if (evaluated.length === 0) throw new InputError(`${inputs.predictions?.files.predictions ?? 'predictions'}: no prediction names an instance of ${inputs.tasks!.files.instances}`);
    progress.total(evaluated.length, 'instances', settings.gold ? 'validating gold patches' : 'evaluating predictions');
    const result = await runEvaluation({
      instances: tasks.instances,
      predictions,
      environments: tasks.environments,
      provider: await sandboxes.provider({ runId: `pipeline-${name}`, reposDir: tasks.reposDir, outputLimitBytes: 16 * 1024 * 1024 }),
      runId: name,
      logsDir: join(dir, 'logs', 'run_evaluation'),
      reportDir: dir,
      maxWorkers: settings.maxWorkers ?? sandboxes.maxWorkers,
      ...(settings.timeoutSeconds !== undefined ? { timeoutSeconds: settings.timeoutSeconds } : {}),
      progress: progressStreamFor(progress),
      signal,
    });
    const { summary } = result;
    if (result.resumedIds.length > 0) progress.advance(result.resumedIds.length, `${result.resumedIds.length} already evaluated`);
    if (summary.error_instances > 0) progress.warn(`${summary.error_instances} instance(s) hit an infrastructure error (not counted as unresolved): ${summary.error_ids.slice(0, 5).join(', ')}`);
    const resolved = new Set(summary.resolved_ids);
    // Errors say nothing about the patch: rates are over the instances that were graded.
    const graded = evaluated.filter((id) => !summary.error_ids.includes(id));
    const model = predictions === 'gold' ? 'gold' : (predictions[0]?.model_name_or_path ?? 'unknown');
    return {
      outputs: { evaluation: { kind: 'evaluation', files: { summary: result.summaryPath, logs: join(dir, 'logs', 'run_evaluation', name) } } },
      headline: `${model}: ${summary.resolved_instances}/${graded.length} resolved (${graded.length === 0 ? 0 : Math.round((summary.resolved_instances / graded.length) * 100)}%)${summary.error_instances ? `, ${summary.error_instances} errors` : ''}`,
      summary: {
        model,
        gold: settings.gold,
        total: evaluated.length,
        resolved: summary.resolved_instances,
        unresolved: summary.unresolved_instances,
        empty_patch: summary.empty_patch_instances,
        error: summary.error_instances,
        resolve_rate: graded.length === 0 ? 0 : summary.resolved_instances / graded.length,
        by_tier: ratesBy(graded, (id) => resolved.has(id), (id) => labelOf(tasks.labels, id).tier),
        by_bug_kind: ratesBy(graded, (id) => resolved.has(id), (id) => labelOf(tasks.labels, id).bug_kind),
        ...(settings.gold ? { gold_invalid: summary.gold_invalid_ids?.length ?? 0 } : {}),
        resolved_ids: summary.resolved_ids,
        unresolved_ids: summary.unresolved_ids,
        error_ids: summary.error_ids,
      },
    };
  },
};
