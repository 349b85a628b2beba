/**
 * The trajectory store: JSONL, one normalized trajectory per line, validated line by line on load
 * (an error names the file, the line and the field).
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { InputError, describeLocation } from '../errors.js';
import { readJsonLines } from './io/text-files.js';
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

/** Waits until a full stream drains (or closes, or fails: the caller's error listener sees that), leaving no listener behind. */
async function drainOrClose(out: NodeJS.WritableStream): Promise<void> {
  const controller = new AbortController();
  const settled = (event: string): Promise<unknown> => once(out as NodeJS.EventEmitter, event, { signal: controller.signal }).catch(() => undefined);
  try {
    await Promise.race([settled('drain'), settled('close')]);
  } finally {
    controller.abort();
  }
}

/**
 * Writes JSON values as JSONL to an open stream (standard output, say), waiting when it is full; the
 * caller closes it. A reader that goes away (`| head`) ends the writing quietly instead of crashing.
 */
export async function writeJsonLinesToStream(out: NodeJS.WritableStream, values: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  let readerGone = false;
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') readerGone = true;
    else failure = error;
  };
  out.on('error', onError);
  let count = 0;
  try {
    for await (const value of values) {
      if (readerGone || failure) break;
      if (!out.write(`${JSON.stringify(value)}\n`)) await drainOrClose(out);
      count += 1;
    }
  } finally {
    // Writes already queued may still fail with EPIPE once the reader is gone; keep swallowing those.
    if (!readerGone) out.off('error', onError);
  }
  if (failure) throw new InputError(`cannot write the output (${failure.code ?? failure.message})`, { cause: failure });
  return count;
}

/** Writes JSON values as JSONL, creating the parent folder; returns how many lines were written. */
export async function writeJsonLines(path: string, values: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path, { encoding: 'utf8' });
  let writeError: NodeJS.ErrnoException | undefined;
  out.on('error', (error) => {
    writeError = error;
  });
  let count = 0;
  try {
    count = await writeJsonLinesToStream(out, values);
  } finally {
    out.end();
    if (!out.closed) await once(out, 'close');
  }
  if (writeError) throw new InputError(`${path}: cannot write (${writeError.code ?? writeError.message})`, { cause: writeError });
  return count;
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
