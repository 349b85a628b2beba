/**
 * JSONL in and out. Reading streams the file line by line with line numbers, so files larger than
 * memory work and any bad line is named as `file:line`; bytes are strict UTF-8. Writing waits
 * when the output is full and stops quietly when a reader such as `| head` goes away.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError, describeLocation } from '../errors.js';
import { writeStreamAtomically } from './atomic-write.js';
import { notValidJson, parseJson } from './json-parse.js';
import { fileReadError } from './read-error.js';
import { decodeUtf8Line } from './utf8.js';

export interface TextLine {
  /** The line's text without its line break (and without a trailing \r). */
  readonly text: string;
  /** 1-based line number in the file. */
  readonly line: number;
}

export interface ReadLinesOptions {
  /** A line longer than this many bytes is an error rather than a memory blow-up. Default 256 MiB. */
  readonly maxLineBytes?: number;
}

const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Splits the file into lines (a final line break does not start another) and yields what `read`
 * makes of each line's bytes and 1-based number, skipping `undefined`. One generator for every
 * reader here: stacking a second one per line costs a third of the read time on large files.
 */
async function* readLines<T>(path: string, options: ReadLinesOptions, read: (bytes: Buffer, line: number) => T | undefined): AsyncGenerator<T> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const stream = createReadStream(path);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, end);
        if (pendingBytes + piece.length > maxLineBytes) throw lineTooLong(path, line + 1, maxLineBytes);
        // Most lines sit inside one chunk: no copy for those.
        const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
        line += 1;
        const item = read(bytes, line);
        if (item !== undefined) yield item;
        start = end + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        pendingBytes += rest.length;
        if (pendingBytes > maxLineBytes) throw lineTooLong(path, line + 1, maxLineBytes);
        pending.push(rest);
      }
    }
    if (pendingBytes > 0) {
      const item = read(Buffer.concat(pending), line + 1);
      if (item !== undefined) yield item;
    }
  } catch (error) {
    throw fileReadError(path, error, 'a JSONL file');
  } finally {
    stream.destroy();
  }
}

function lineTooLong(path: string, line: number, maxLineBytes: number): InputError {
  return new InputError(`${describeLocation(path, line)}: line longer than ${maxLineBytes} bytes`);
}

function lineText(bytes: Buffer, path: string, line: number): string {
  const text = decodeUtf8Line(bytes, path, line);
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/** Every line of the file as text, blank ones included. */
export function readTextLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<TextLine> {
  return readLines(path, options, (bytes, line) => ({ text: lineText(bytes, path, line), line }));
}

/** Parses one line, naming the file and line when it is not JSON: `file:line: not valid JSON (…)`. */
export function parseJsonLine(path: string, { text, line }: TextLine): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw notValidJson(path, line, error);
  }
}

export interface JsonLine {
  /** 1-based line number in the file. */
  line: number;
  value: unknown;
}

export interface ReadJsonLinesOptions extends ReadLinesOptions {
  /** Called with each line that is not UTF-8 or not JSON, which is then skipped; without it, such a line stops the read. */
  readonly onInvalidLine?: (error: InputError) => void;
}

/**
 * The JSON values of a JSONL file, one per non-blank line, streamed. Errors say what is wrong in
 * words (`file:line: truncated JSON`, `… invalid JSON at column C`); see `parseJson`.
 */
export function readJsonLines(path: string, options: ReadJsonLinesOptions = {}): AsyncGenerator<JsonLine> {
  return readLines(path, options, (bytes, line) => {
    try {
      const text = lineText(bytes, path, line);
      return text.trim() === '' ? undefined : { line, value: parseJson(text, path, line) };
    } catch (error) {
      if (!(error instanceof InputError) || !options.onInvalidLine) throw error;
      options.onInvalidLine(error);
      return undefined;
    }
  });
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

/**
 * Writes JSON values as JSONL, creating the parent folder; returns how many lines were written.
 * The file appears whole or not at all: a bad input line met while the values are produced
 * leaves any earlier file at `path` as it was, never half of a new one.
 */
export async function writeJsonLines(path: string, values: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot create its folder (${code ?? (error as Error).message})`, { cause: error });
  }
  return writeStreamAtomically(path, (out) => writeJsonLinesToStream(out, values));
}
