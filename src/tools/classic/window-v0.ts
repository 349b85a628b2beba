/**
 * The window arithmetic of SWE-agent 0.x (`config/commands/defaults.sh`): the state is
 * CURRENT_LINE, the window's centre, and jq does the arithmetic in floating point. Reproducing
 * it exactly is what makes recorded observations such as `(272 more lines above)` replay.
 */
import { awkLines } from '../text-lines.js';

/** `_constrain_line`: keeps the centre at least half a window from either end. */
export function constrainLineV0(currentLine: number, window: number, totalLines: number): number {
  const halfWindow = Math.floor(window / 2);
  return Math.max(Math.min(currentLine, totalLines - halfWindow), halfWindow);
}

/** `_print`: the status line, the `(N more lines above/below)` markers and the numbered lines. */
export function renderWindowV0(path: string, text: string, currentLine: number, window: number): string {
  const lines = awkLines(text);
  const total = lines.length;
  const out = [`[File: ${path} (${total} lines total)]`];
  const above = Math.floor(Math.max(0, currentLine - window / 2));
  const below = jqRound(Math.max(0, total - currentLine - window / 2));
  if (above > 0) out.push(`(${above} more lines above)`);
  // `grep -n $ | head -n H | tail -n WINDOW`
  const head = Math.min(Math.floor(Math.max(currentLine + window / 2, window / 2)), total);
  const start = Math.max(0, head - window);
  for (let index = start; index < head; index += 1) out.push(`${index + 1}:${lines[index]}`);
  if (below > 0) out.push(`(${below} more lines below)`);
  return `${out.join('\n')}\n`;
}

/** jq's `round` (C's round): halves go away from zero. */
function jqRound(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

/** `open path [line]` and `goto line` put the requested line a sixth of a window below the top. */
export function centreForLineV0(line: number, window: number): number {
  const offset = Math.floor(window / 6);
  return Math.floor(Math.max(line + window / 2 - offset, 1));
}
