/**
 * The run summary, with the keys SWE-bench v5's harness writes (make_run_report, schema_version 2),
 * so leaderboard scripts read it. It is computed from the files on disk, not from what this process
 * happened to evaluate, so a resumed or re-graded run summarises everything the run id holds.
 *
 * Counting follows SWE-bench: an empty patch (null or "") is `empty_patch` and not evaluated; an
 * instance whose report.json exists is completed, and resolved or unresolved by it (an unreadable
 * one is completed and an error); a prediction without a report (a patch that did not apply, tests
 * past their time limit, an engine failure) is an `error`. Unresolved and error instances are then
 * triaged by the signatures in their logs (infra-failure.ts): `infra_failure_ids` for the
 * environment's faults, `ambiguous_failure_ids` for those either side could cause; they stay in
 * their lists, so the resolve rate does not move. Our additions are at the end.
 */
import { readFile } from 'node:fs/promises';
import { classifyInfraFailure } from './infra-failure.js';
import type { Instance } from './instances.js';
import { isEmptyPatch, type Prediction } from './predictions.js';
import { readInstanceReport } from './report.js';
import { instanceFile, type RunLayout } from './run-layout.js';
import { SWEBENCH_LOG_MARKERS } from './swebench-log.js';

export interface RunSummary {
  total_instances: number;
  submitted_instances: number;
  completed_instances: number;
  resolved_instances: number;
  unresolved_instances: number;
  infra_failure_instances: number;
  ambiguous_failure_instances: number;
  empty_patch_instances: number;
  error_instances: number;
  completed_ids: string[];
  incomplete_ids: string[];
  empty_patch_ids: string[];
  submitted_ids: string[];
  resolved_ids: string[];
  unresolved_ids: string[];
  infra_failure_ids: string[];
  ambiguous_failure_ids: string[];
  /** instance id → the signature that classified it. */
  failure_reasons: Record<string, string>;
  error_ids: string[];
  schema_version: 2;
  /** With an engine: sandboxes of this run still present, and the instances' images left on it. */
  unstopped_instances?: number;
  unstopped_containers?: string[];
  unremoved_images?: string[];
  /** swe-srl: predictions naming an instance the instances file does not have (not evaluated). */
  unknown_instance_ids: string[];
  /** swe-srl: no method applied the patch (errors, or unresolved under modelFailures 'unresolved'). */
  patch_apply_failed_ids: string[];
  /** swe-srl: the test command ran past its time limit. */
  timed_out_ids: string[];
  /** swe-srl, --gold only: instances whose FAIL_TO_PASS tests did not fail before the gold patch or not pass after it. */
  gold_invalid_ids?: string[];
}

/** What an engine still holds after a run (SWE-bench's unstopped containers, unremoved images). */
export interface RunLeftovers {
  containers: string[];
  images: string[];
}

export interface SummaryInput {
  layout: RunLayout;
  instances: Instance[];
  /** Every prediction submitted, including those for unknown instances. */
  predictions: Prediction[];
  gold: boolean;
  leftovers?: RunLeftovers;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
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
    infraFailure: [] as string[],
    ambiguousFailure: [] as string[],
    patchApplyFailed: [] as string[],
    timedOut: [] as string[],
    goldInvalid: [] as string[],
  };
  const failureReasons: Record<string, string> = {};
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
    const model = prediction.model_name_or_path;
    const stored = await readInstanceReport(instanceFile(input.layout, model, id, 'report'), id);
    const testOutput = await readText(instanceFile(input.layout, model, id, 'testOutput'));
    const instanceLog = await readText(instanceFile(input.layout, model, id, 'log'));
    if (instanceLog?.includes(SWEBENCH_LOG_MARKERS.applyPatchFail)) ids.patchApplyFailed.push(id);
    if (testOutput !== undefined && /Timeout error: [\d.]+ seconds exceeded/.test(testOutput)) ids.timedOut.push(id);

    let failed = false;
    if (stored.state === 'absent') {
      ids.error.push(id);
      failed = true;
    } else if (stored.state === 'invalid') {
      ids.completed.push(id);
      ids.error.push(id);
      failed = true;
    } else {
      ids.completed.push(id);
      (stored.body.resolved ? ids.resolved : ids.unresolved).push(id);
      failed = !stored.body.resolved;
      if (!stored.body.patch_successfully_applied && stored.body.swe_srl?.patch_apply_failure && !ids.patchApplyFailed.includes(id)) ids.patchApplyFailed.push(id);
      if (stored.body.swe_srl?.tests_timed_out && !ids.timedOut.includes(id)) ids.timedOut.push(id);
      if (input.gold && stored.body.swe_srl?.gold_validation?.valid !== true) ids.goldInvalid.push(id);
    }
    if (input.gold && stored.state !== 'valid') ids.goldInvalid.push(id);
    if (failed) {
      const classified = classifyInfraFailure(testOutput, instanceLog);
      if (classified) {
        failureReasons[id] = classified.reason;
        (classified.tier === 'environment' ? ids.infraFailure : ids.ambiguousFailure).push(id);
      }
    }
  }
  const sorted = (list: string[]) => [...new Set(list)].sort();
  return {
    total_instances: input.instances.length,
    submitted_instances: input.predictions.length,
    completed_instances: ids.completed.length,
    resolved_instances: ids.resolved.length,
    unresolved_instances: ids.unresolved.length,
    infra_failure_instances: ids.infraFailure.length,
    ambiguous_failure_instances: ids.ambiguousFailure.length,
    empty_patch_instances: ids.emptyPatch.length,
    error_instances: ids.error.length,
    completed_ids: sorted(ids.completed),
    incomplete_ids: sorted(ids.incomplete),
    empty_patch_ids: sorted(ids.emptyPatch),
    submitted_ids: sorted(input.predictions.map((prediction) => prediction.instance_id)),
    resolved_ids: sorted(ids.resolved),
    unresolved_ids: sorted(ids.unresolved),
    infra_failure_ids: sorted(ids.infraFailure),
    ambiguous_failure_ids: sorted(ids.ambiguousFailure),
    failure_reasons: Object.fromEntries(Object.entries(failureReasons).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    error_ids: sorted(ids.error),
    schema_version: 2,
    ...(input.leftovers
      ? {
          unstopped_instances: input.leftovers.containers.length,
          unstopped_containers: sorted(input.leftovers.containers),
          unremoved_images: sorted(input.leftovers.images),
        }
      : {}),
    unknown_instance_ids: sorted(input.predictions.map((p) => p.instance_id).filter((id) => !known.has(id))),
    patch_apply_failed_ids: sorted(ids.patchApplyFailed),
    timed_out_ids: sorted(ids.timedOut),
    ...(input.gold ? { gold_invalid_ids: sorted(ids.goldInvalid) } : {}),
  };
}
