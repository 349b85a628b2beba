/**
 * JSON.parse with errors that say where: the file, the line and, when it helps, the column. Two
 * spellings are in use and both are kept, because messages are part of what commands print:
 * `parseJson` says what went wrong in words (truncated, empty, a bad token at a column), and
 * `notValidJson` passes JavaScript's own reason along (`not valid JSON (…)`).
 */
import { InputError, describeLocation } from '../errors.js';

/** 1-based line and column of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
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

/** The offset JavaScript's syntax error names (`… at position N`), if it names one. */
export function jsonErrorOffset(error: unknown): number | undefined {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : String(error));
  return position ? Number(position[1]) : undefined;
}

/** `file:line: not valid JSON (reason)`; without a line, `file: not valid JSON (reason)`. */
export function notValidJson(file: string, line: number | undefined, error: unknown): InputError {
  const reason = error instanceof Error ? error.message : String(error);
  return new InputError(`${describeLocation(file, line)}: not valid JSON (${reason})`, { cause: error });
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
