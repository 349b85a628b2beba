/**
 * Reading trajectory files safely: strict UTF-8 (a bad byte is reported with its line, not turned
 * into U+FFFD), JSON errors with line and column, JSONL streamed line by line so a file of
 * thousands of trajectories never has to fit in one string.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InputError, describeLocation } from '../../errors.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeLine(bytes: Uint8Array, file: string, line: number): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    const column = firstInvalidUtf8Offset(bytes) + 1;
    throw new InputError(`${describeLocation(file, line)}: not valid UTF-8 (bad byte at byte column ${column}); trajectories must be UTF-8 text`, { cause: error });
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let length = 0;
    if (b < 0x80) length = 1;
    else if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) length = 3;
    else if (b >= 0xf0 && b <= 0xf4) length = 4;
    else return i;
    for (let k = 1; k < length; k += 1) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong, surrogate and out-of-range forms (the second byte's narrower ranges).
    const second = bytes[i + 1]!;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return bytes.length;
}

/** Decodes a whole file as strict UTF-8; a bad byte is reported with its line. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i += 1) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        decodeLine(bytes.subarray(start, i), file, line); // throws on the bad line
        line += 1;
        start = i + 1;
      }
    }
    throw new InputError(`${file}: not valid UTF-8`);
  }
}

export async function readUtf8File(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  return decodeUtf8(bytes, path);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * JSON.parse with an error that says where: `file:LINE: invalid JSON at column C (…)`, and for a
 * document that stops early, that it is truncated. `firstLine` shifts line numbers (JSONL).
 */
export function parseJson(text: string, file: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    // V8 reports a cut-off document either as "Unexpected end" or as an error at its very end.
    const atEnd = position !== null && Number(position[1]) >= text.trimEnd().length;
    if (/Unexpected end of JSON input|Unterminated string/.test(message) || atEnd || text.trim() === '') {
      const end = lineAndColumn(text, text.length);
      const what = text.trim() === '' ? 'empty, expected JSON' : 'truncated JSON: the text ends before the JSON value is complete';
      throw new InputError(`${describeLocation(file, firstLine + end.line - 1)}: ${what}`, { cause: error });
    }
    if (position) {
      const at = lineAndColumn(text, Number(position[1]));
      throw new InputError(`${describeLocation(file, firstLine + at.line - 1)}: invalid JSON at column ${at.column} (${message})`, { cause: error });
    }
    throw new InputError(`${describeLocation(file, firstLine)}: invalid JSON (${message})`, { cause: error });
  }
}

export interface JsonLine {
  /** 1-based line number in the file. */
  line: number;
  value: unknown;
}

/**
 * The JSON values of a JSONL file, one per non-blank line, streamed. Each line is decoded as strict
 * UTF-8 and parsed on its own, so errors name the line; `onInvalidLine` skips bad lines instead.
 */
export async function* readJsonLines(path: string, options: { onInvalidLine?: (error: InputError) => void } = {}): AsyncGenerator<JsonLine> {
  const stream = createReadStream(path);
  let pending: Buffer[] = [];
  let line = 0;
  const flush = (bytes: Uint8Array): JsonLine | undefined => {
    line += 1;
    try {
      const text = decodeLine(bytes, path, line).replace(/\r$/, '');
      if (text.trim() === '') return undefined;
      return { line, value: parseJson(text, path, line) };
    } catch (error) {
      // With a handler, a bad line is reported and skipped; without one it stops the read.
      if (!(error instanceof InputError) || !options.onInvalidLine) throw error;
      options.onInvalidLine(error);
      return undefined;
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      let newline = chunk.indexOf(10, start);
      while (newline >= 0) {
        pending.push(chunk.subarray(start, newline));
        const parsed = flush(Buffer.concat(pending));
        pending = [];
        if (parsed) yield parsed;
        start = newline + 1;
        newline = chunk.indexOf(10, start);
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
    if (pending.length > 0) {
      const parsed = flush(Buffer.concat(pending));
      if (parsed) yield parsed;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  } finally {
    stream.destroy();
  }
}
