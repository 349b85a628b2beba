/**
 * Streams the lines of a JSONL file with their line numbers, so that files larger than memory
 * can be scored and any bad line can be named as `file:line`. Bytes are decoded as strict UTF-8:
 * a line that is not valid UTF-8 is an error, not a line silently full of U+FFFD.
 */
import { createReadStream } from 'node:fs';
import { InputError, UnavailableError, describeLocation } from '../../errors.js';

export interface JsonlLine {
  /** The line's text without its line break (and without a trailing \r). */
  readonly text: string;
  /** 1-based line number in the file. */
  readonly line: number;
}

export interface JsonlReadOptions {
  /** A line longer than this many bytes is an error rather than a memory blow-up. Default 256 MiB. */
  readonly maxLineBytes?: number;
}

const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;
const NEWLINE = 0x0a;

/** Every line of the file, blank ones included; a final line break does not start another line. */
export async function* readJsonlLines(path: string, options: JsonlReadOptions = {}): AsyncGenerator<JsonlLine> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = createReadStream(path);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;

  const decode = (bytes: Buffer): JsonlLine => {
    line++;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (error) {
      throw new InputError(`${describeLocation(path, line)}: not valid UTF-8`, { cause: error });
    }
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return { text, line };
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, end);
        if (pendingBytes + piece.length > maxLineBytes) throw lineTooLong(path, line + 1, maxLineBytes);
        const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        pendingBytes = 0;
        yield decode(bytes);
        start = end + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        pendingBytes += rest.length;
        if (pendingBytes > maxLineBytes) throw lineTooLong(path, line + 1, maxLineBytes);
        pending.push(rest);
      }
    }
    if (pendingBytes > 0) yield decode(Buffer.concat(pending));
  } catch (error) {
    throw describeReadError(path, error);
  } finally {
    stream.destroy();
  }
}

/** Parses one JSON line, naming the file and line when it is not JSON (truncated, for instance). */
export function parseJsonLine(path: string, { text, line }: JsonlLine): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`${describeLocation(path, line)}: not valid JSON (${reason})`, { cause: error });
  }
}

function lineTooLong(path: string, line: number, maxLineBytes: number): InputError {
  return new InputError(`${describeLocation(path, line)}: line longer than ${maxLineBytes} bytes`);
}

function describeReadError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new InputError(`${path}: no such file`, { cause: error });
  if (code === 'EISDIR') return new InputError(`${path}: is a directory, not a JSONL file`, { cause: error });
  if (code === 'EACCES') return new UnavailableError(`${path}: permission denied`, { cause: error });
  return error;
}
