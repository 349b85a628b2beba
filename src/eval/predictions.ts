/**
 * Predictions in SWE-bench's format: `{instance_id, model_name_or_path, model_patch}` per line of a
 * JSONL file (or in a JSON list, or a JSON object keyed by instance id).
 */
import { z } from 'zod';
import { readRecords, type SourcedRecord } from '../io/json-records.js';
import { safePathSegment, type Instance } from './instances.js';
import { validateRecord } from './validate-record.js';

export const predictionSchema = z.looseObject({
  instance_id: safePathSegment,
  // SWE-bench falls back to "None" for a missing model name; so do we.
  model_name_or_path: z.string().min(1).default('None'),
  // null is SWE-bench's "no patch at all" (patch_is_None), distinct from an empty string.
  model_patch: z.string().nullable(),
});

export type Prediction = z.infer<typeof predictionSchema>;

export const GOLD_MODEL_NAME = 'gold';

export interface LoadedPredictions {
  predictions: Prediction[];
  /** Instance ids predicted more than once: the last prediction wins, as in SWE-bench. */
  duplicateIds: string[];
}

export function parsePredictionRecords(file: string, records: SourcedRecord[]): LoadedPredictions {
  const byId = new Map<string, Prediction>();
  const duplicateIds = new Set<string>();
  for (const record of records) {
    const prediction = validateRecord(predictionSchema, record, file, 'prediction');
    if (byId.has(prediction.instance_id)) duplicateIds.add(prediction.instance_id);
    byId.set(prediction.instance_id, prediction);
  }
  return { predictions: [...byId.values()], duplicateIds: [...duplicateIds] };
}

export async function loadPredictions(file: string): Promise<LoadedPredictions> {
  return parsePredictionRecords(file, await readRecords(file));
}

/** Each instance's own patch as its prediction, for validating instances (`--gold`). */
export function goldPredictions(instances: Instance[]): Prediction[] {
  return instances.map((instance) => ({
    instance_id: instance.instance_id,
    model_name_or_path: GOLD_MODEL_NAME,
    model_patch: instance.patch,
  }));
}

/** The folder name SWE-bench uses for a model: slashes would nest directories, so they become `__`. */
export function modelDirectoryName(modelNameOrPath: string): string {
  const name = modelNameOrPath.replace(/\//g, '__').replace(/[\\\u0000-\u001f]/g, '_');
  return name === '.' || name === '..' ? name.replace(/\./g, '_') : name;
}

/**
 * True when a prediction carries no patch: null or the empty string, as SWE-bench counts its
 * empty_patch instances. A patch of only whitespace is evaluated (and fails to apply), as there.
 */
export function isEmptyPatch(patch: string | null): boolean {
  return patch === null || patch === '';
}
