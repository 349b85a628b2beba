/**
 * Scores a JSONL file of `{"a": …, "b": …}` pairs, writing one `{"ratio": …}` line per input line
 * in the same order. The input is streamed, so files of any size work; the output is written to
 * a temporary file and renamed at the end, so a bad line never leaves a half-written result.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { InputError, describeLocation } from '../../errors.js';
import { writeStreamAtomically } from '../../io/atomic-write.js';
import { parseJsonLine, readTextLines } from '../../io/json-lines.js';
import { SequenceMatcherWorkspace, type SequenceMatcherOptions } from './sequence-matcher.js';

/** One input line; other fields (such as a reference `ratio`) are allowed and ignored. */
export interface SimilarityPair {
  a: string;
  b: string;
}

/**
 * Validates one parsed line, naming the file, line and field that is wrong. Checked by hand, not
 * with a schema library: `swe-srl similarity` starts as a whole process in a scoring loop, and
 * loading one costs more than scoring thousands of pairs.
 */
export function toSimilarityPair(path: string, line: number, value: unknown): SimilarityPair {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${describeLocation(path, line)}: expected an object {"a": string, "b": string}`);
  }
  const record = value as Record<string, unknown>;
  for (const field of ['a', 'b'] as const) {
    const given = record[field];
    if (typeof given !== 'string') {
      const got = given === undefined ? 'undefined' : given === null ? 'null' : Array.isArray(given) ? 'array' : typeof given;
      throw new InputError(`${describeLocation(path, line, field)}: Invalid input: expected string, received ${got}`);
    }
  }
  return { a: record.a as string, b: record.b as string };
}

/** The pairs of a JSONL file with their line numbers; a blank line is an error, as it would shift the output. */
export async function* readSimilarityPairs(path: string): AsyncGenerator<SimilarityPair & { line: number }> {
  for await (const entry of readTextLines(path)) {
    if (entry.text.trim() === '') {
      throw new InputError(`${describeLocation(path, entry.line)}: blank line; expected {"a": string, "b": string}`);
    }
    const pair = toSimilarityPair(path, entry.line, parseJsonLine(path, entry));
    yield { a: pair.a, b: pair.b, line: entry.line };
  }
}

export interface ScorePairsOptions extends SequenceMatcherOptions {
  /** Where the `{"ratio": …}` lines go: a file path, or a stream such as process.stdout. */
  readonly output: string | Writable;
}

/** Writes one `{"ratio": …}` line per pair of `inputPath`, in order; returns how many. */
export async function scoreSimilarityPairs(inputPath: string, options: ScorePairsOptions): Promise<{ pairs: number }> {
  if (typeof options.output !== 'string') return { pairs: await writeRatios(inputPath, options.output, options) };
  return { pairs: await writeStreamAtomically(options.output, (file) => writeRatios(inputPath, file, options)) };
}

/** Output lines are gathered in batches: one write per line would dominate the run time. */
const LINES_PER_WRITE = 512;

async function writeRatios(inputPath: string, output: Writable, options: SequenceMatcherOptions): Promise<number> {
  const workspace = new SequenceMatcherWorkspace();
  let batch = '';
  let inBatch = 0;
  let pairs = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const text = batch;
    batch = '';
    inBatch = 0;
    // A failed stream never drains; its error is reported by whoever owns the stream.
    if (output.errored) throw output.errored;
    if (!output.write(text) && !output.destroyed) await once(output, 'drain');
  };
  for await (const pair of readSimilarityPairs(inputPath)) {
    batch += JSON.stringify({ ratio: workspace.ratio(pair.a, pair.b, options) }) + '\n';
    pairs++;
    if (++inBatch >= LINES_PER_WRITE) await flush();
  }
  await flush();
  return pairs;
}
