/**
 * The trajectory store: JSONL, one normalized trajectory per line, validated line by line on load
 * (an error names the file, the line and the field).
 */
import { InputError, describeLocation } from '../errors.js';
import { readJsonLines, writeJsonLines } from '../io/json-lines.js';
import { formatIssues, trajectorySchema, type Trajectory } from './schema.js';

export interface StoredTrajectory {
  trajectory: Trajectory;
  line: number;
}

/** Reads and validates every trajectory of a store file, in order. */
export async function* readTrajectoryStore(path: string, options: { onInvalidLine?: (error: InputError) => void } = {}): AsyncGenerator<StoredTrajectory> {
  for await (const { line, value } of readJsonLines(path, options)) {
    let problem: string | undefined;
    if (typeof value === 'object' && value !== null && Array.isArray((value as { steps?: unknown }).steps) && (value as { steps: unknown[] }).steps.length === 0) {
      problem = 'the trajectory has no actions (steps is empty)';
    }
    const result = trajectorySchema.safeParse(value);
    if (!problem && !result.success) problem = formatIssues(result.error);
    if (problem || !result.success) {
      const error = new InputError(`${describeLocation(path, line)}: ${problem}`);
      if (!options.onInvalidLine) throw error;
      options.onInvalidLine(error);
      continue;
    }
    yield { trajectory: result.data, line };
  }
}

/** Writes trajectories to a store file, validating each (a writer bug must not produce a store that cannot be read). */
export async function writeTrajectoryStore(path: string, trajectories: Iterable<Trajectory> | AsyncIterable<Trajectory>): Promise<number> {
  async function* validated(): AsyncGenerator<Trajectory> {
    for await (const trajectory of trajectories) {
      const result = trajectorySchema.safeParse(trajectory);
      if (!result.success) throw new InputError(`trajectory ${trajectory.instance_id}: ${formatIssues(result.error)}`);
      yield trajectory;
    }
  }
  return writeJsonLines(path, validated());
}
