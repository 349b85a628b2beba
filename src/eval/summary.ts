/**
 * The run summary, with the keys SWE-bench's harness writes (make_run_report, schema_version 2), so
 * leaderboard scripts read it. It is computed from the report.json files on disk, not from what this
 * process happened to evaluate, so a resumed run summarises everything the run id holds.
 *
 * Counting follows SWE-bench: an empty patch is `empty_patch` and not completed; an instance with a
 * valid report is completed, resolved or not; a prediction whose evaluation left no valid report
 * (an engine failure, a broken image) is an `error`. Our additions are at the end.
 */
import type { Instance } from './instances.js';
import { isEmptyPatch, type Prediction } from './predictions.js';
import { readInstanceReport } from './report.js';
import { instanceFile, type RunLayout } from './run-layout.js';

export interface RunSummary {
  total_instances: number;
  submitted_instances: number;
  completed_instances: number;
  resolved_instances: number;
  unresolved_instances: number;
  empty_patch_instances: number;
  error_instances: number;
  completed_ids: string[];
  incomplete_ids: string[];
  empty_patch_ids: string[];
  submitted_ids: string[];
  resolved_ids: string[];
  unresolved_ids: string[];
  error_ids: string[];
  schema_version: 2;
  /** swe-srl: predictions naming an instance the instances file does not have (not evaluated). */
  unknown_instance_ids: string[];
  /** swe-srl: completed and unresolved because no method applied the patch. */
  patch_apply_failed_ids: string[];
  /** swe-srl: completed and unresolved because the test command ran past its time limit. */
  timed_out_ids: string[];
  /** swe-srl, --gold only: instances whose FAIL_TO_PASS tests did not fail before the gold patch or not pass after it. */
  gold_invalid_ids?: string[];
}

export interface SummaryInput {
  layout: RunLayout;
  instances: Instance[];
  /** Every prediction submitted, including those for unknown instances. */
  predictions: Prediction[];
  gold: boolean;
}

export async function summarizeRun(input: SummaryInput): Promise<RunSummary> {
  const byId = new Map(input.predictions.map((prediction) => [prediction.instance_id, prediction]));
  const known = new Set(input.instances.map((instance) => instance.instance_id));
  const ids = {
    completed: [] as string[],
    incomplete: [] as string[],
    emptyPatch: [] as string[],
    resolved: [] as string[],
    unresolved: [] as string[],
    error: [] as string[],
    patchApplyFailed: [] as string[],
    timedOut: [] as string[],
    goldInvalid: [] as string[],
  };
  for (const instance of input.instances) {
    const id = instance.instance_id;
    const prediction = byId.get(id);
    if (!prediction) {
      ids.incomplete.push(id);
      continue;
    }
    if (isEmptyPatch(prediction.model_patch)) {
      ids.emptyPatch.push(id);
      // An instance without a gold patch cannot be validated: it must not pass validation unseen.
      if (input.gold) ids.goldInvalid.push(id);
      continue;
    }
    const stored = await readInstanceReport(instanceFile(input.layout, prediction.model_name_or_path, id, 'report'), id);
    if (stored.state !== 'valid') {
      ids.error.push(id);
      continue;
    }
    ids.completed.push(id);
    (stored.body.resolved ? ids.resolved : ids.unresolved).push(id);
    const details = stored.body.swe_srl;
    if (!stored.body.patch_successfully_applied) ids.patchApplyFailed.push(id);
    if (details?.tests_timed_out) ids.timedOut.push(id);
    if (input.gold && details?.gold_validation?.valid !== true) ids.goldInvalid.push(id);
  }
  const sorted = (list: string[]) => [...list].sort();
  return {
    total_instances: input.instances.length,
    submitted_instances: input.predictions.length,
    completed_instances: ids.completed.length,
    resolved_instances: ids.resolved.length,
    unresolved_instances: ids.unresolved.length,
    empty_patch_instances: ids.emptyPatch.length,
    error_instances: ids.error.length,
    completed_ids: sorted(ids.completed),
    incomplete_ids: sorted(ids.incomplete),
    empty_patch_ids: sorted(ids.emptyPatch),
    submitted_ids: sorted(input.predictions.map((prediction) => prediction.instance_id)),
    resolved_ids: sorted(ids.resolved),
    unresolved_ids: sorted(ids.unresolved),
    error_ids: sorted(ids.error),
    schema_version: 2,
    unknown_instance_ids: sorted(input.predictions.map((p) => p.instance_id).filter((id) => !known.has(id))),
    patch_apply_failed_ids: sorted(ids.patchApplyFailed),
    timed_out_ids: sorted(ids.timedOut),
    ...(input.gold ? { gold_invalid_ids: sorted(ids.goldInvalid) } : {}),
  };
}
