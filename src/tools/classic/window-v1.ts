/**
 * The window arithmetic of SWE-agent 1.x (`tools/windowed/lib/windowed_file.py`): the state is
 * the 0-based first line shown, the line count is Python's `splitlines()`, and the shown lines come
 * from `split("\n")`. Both rules matter: a file ending in a blank line shows it as a numbered line.
 */
import { pythonSplitlines } from '../text-lines.js';

export function lineCountV1(text: string): number {
  return pythonSplitlines(text).length;
}

/** The `first_line` setter: Python's `int()` truncation, then clamped to the file. */
export function clampFirstLineV1(value: number, window: number, lineCount: number): number {
  return Math.max(0, Math.min(Math.trunc(value), lineCount - window));
}

/** `goto(line, mode="top")`: the line lands a sixth of a window below the top. */
export function firstLineForV1(line0: number, window: number, lineCount: number): number {
  return clampFirstLineV1(line0 - window / 6, window, lineCount);
}

export function lineRangeV1(firstLine: number, window: number, lineCount: number): [number, number] {
  return [firstLine, Math.min(firstLine + window - 1, lineCount - 1)];
}

/** `get_window_text()` without decorations: the raw lines of the window joined by `\n`. */
export function windowTextV1(text: string, firstLine: number, window: number): string {
  const [start, end] = lineRangeV1(firstLine, window, lineCountV1(text));
  return text.split('\n').slice(start, end + 1).join('\n');
}

/** `print_window()`: status line, `(N more lines above/below)` and numbered lines. */
export function renderWindowV1(path: string, text: string, firstLine: number, window: number): string {
  const lineCount = lineCountV1(text);
  const [start, end] = lineRangeV1(firstLine, window, lineCount);
  const lines = text.split('\n').slice(start, end + 1);
  const out = [`[File: ${path} (${lineCount} lines total)]`];
  if (start > 0) out.push(`(${start} more lines above)`);
  lines.forEach((line, index) => out.push(`${index + start + 1}:${line}`));
  if (end < lineCount - 1) out.push(`(${lineCount - end - 1} more lines below)`);
  return out.join('\n');
}

/** `set_window_text`: replaces lines start..stop (0-based, inclusive) of `split("\n")`. */
export function replaceLinesV1(text: string, start: number, stop: number, replacement: string): string {
  const lines = text.split('\n');
  const newLines = replacement === '' ? [] : replacement.split('\n');
  lines.splice(start, Math.max(0, stop + 1 - start), ...newLines);
  return lines.join('\n');
}
