/**
 * The resume convention of batch runs, shared by `eval` and `rollout`:
 *
 * 1. A run has an id. It labels every sandbox the run starts (`swe-srl.run`), and names the run's
 *    results (eval: the logs folder; rollout: stored in its output folder, `run.json`). Commands
 *    print it, so `swe-srl sandbox prune --run ID` can always find a killed run's containers.
 * 2. Starting a run with that id first removes the containers an earlier, interrupted process of
 *    the same run left behind (a SIGKILL gives no chance to clean up).
 * 3. A unit (an instance to grade, an episode to roll out) whose result was committed (eval: a
 *    valid `report.json`; rollout: its line in `preds.jsonl`) is not run again, unless `rerun`.
 * 4. A unit cut off by a signal, or hit by an infrastructure failure (a closed sandbox, a lost
 *    engine, an endpoint down), commits nothing: it is run again on resume, never recorded as a
 *    result.
 */
import { randomBytes } from 'node:crypto';
import { FieldError } from '../errors.js';

export interface ResumeOptions<Unit> {
  runId: string;
  units: readonly Unit[];
  idOf: (unit: Unit) => string;
  /** Whether the unit's result is already committed. */
  isFinished: (id: string, unit: Unit) => boolean | Promise<boolean>;
  /** Run every unit again. */
  rerun?: boolean;
  /** Removes the run's leftover sandboxes (returns how many). */
  removeLeftovers?: (runId: string) => Promise<number>;
}

export interface ResumePlan<Unit> {
  runId: string;
  toRun: Unit[];
  /** Ids of the units an earlier process finished. */
  finishedIds: string[];
  leftoversRemoved: number;
}

export async function planResume<Unit>(options: ResumeOptions<Unit>): Promise<ResumePlan<Unit>> {
  const leftoversRemoved = (await options.removeLeftovers?.(options.runId)) ?? 0;
  const toRun: Unit[] = [];
  const finishedIds: string[] = [];
  for (const unit of options.units) {
    const id = options.idOf(unit);
    if (!options.rerun && (await options.isFinished(id, unit))) finishedIds.push(id);
    else toRun.push(unit);
  }
  return { runId: options.runId, toRun, finishedIds, leftoversRemoved };
}

/** A run id names a folder and a container label, so it must not climb out of the folder it names. */
export function checkRunId(runId: string, field = 'runId'): string {
  if (runId === '') throw new FieldError(field, 'must not be empty');
  if (/[/\\\u0000-\u001f]/.test(runId) || runId === '.' || runId === '..') {
    throw new FieldError(field, 'must not contain slashes or control characters (it names a directory)');
  }
  return runId;
}

/** A fresh run id: the kind of run, the date and a random part (`rollout-2025-01-31-3fa2c1d9`). */
export function newRunId(kind: string): string {
  return `${kind}-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
}
