/**
 * Strict UTF-8: a byte that is not UTF-8 is an error naming the file, the line and the byte
 * column, never a U+FFFD that silently changes the text (and with it a trajectory or a score).
 */
import { readFile } from 'node:fs/promises';
import { InputError, describeLocation } from '../errors.js';
import { fileReadError } from './read-error.js';

// Shared safely: without `stream`, every decode starts afresh (and drops a leading BOM, as we want).
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

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

/** Decodes one line of `file` (its 1-based number is `line`, for the message). */
export function decodeUtf8Line(bytes: Uint8Array, file: string, line: number): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    const column = firstInvalidUtf8Offset(bytes) + 1;
    throw new InputError(`${describeLocation(file, line)}: not valid UTF-8 (bad byte at byte column ${column}); the file must be UTF-8 text`, { cause: error });
  }
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
        decodeUtf8Line(bytes.subarray(start, i), file, line); // throws on the bad line
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
    throw fileReadError(path, error);
  }
  return decodeUtf8(bytes, path);
}
