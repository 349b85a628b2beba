/**
 * A short line diff of a recorded and a replayed observation, so a replay report says how a step
 * differs and not only that it does: `-` lines only the recording has, `+` lines only the replay
 * has, a little context around them, `@@ line N @@` where a hunk starts, and a note when it stops
 * early. Longest-common-subsequence over lines; past a size where that gets costly, the first
 * differing line and its neighbours stand in.
 */

export interface DiffOptions {
  /** Unchanged lines shown around each change (default 1). */
  context?: number;
  /** Lines of diff shown at most (default 12); the rest is summarised. */
  maxLines?: number;
}

type Edit = { kind: ' ' | '-' | '+'; text: string; recordedLine: number };

/** Cells of the LCS table above which the fallback is used (time and memory stay small). */
const MAX_CELLS = 4_000_000;

function lcsEdits(a: string[], b: string[]): Edit[] {
  // Common head and tail are cut first; the table only covers the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const edits: Edit[] = a.slice(0, head).map((text, index) => ({ kind: ' ', text, recordedLine: index + 1 }));
  if ((midA.length + 1) * (midB.length + 1) > MAX_CELLS) {
    midA.forEach((text, index) => edits.push({ kind: '-', text, recordedLine: head + index + 1 }));
    midB.forEach((text) => edits.push({ kind: '+', text, recordedLine: head + midA.length + 1 }));
  } else {
    const width = midB.length + 1;
    const table = new Uint32Array((midA.length + 1) * width);
    for (let i = midA.length - 1; i >= 0; i -= 1) {
      for (let j = midB.length - 1; j >= 0; j -= 1) {
        table[i * width + j] = midA[i] === midB[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < midA.length || j < midB.length) {
      if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
        edits.push({ kind: ' ', text: midA[i]!, recordedLine: head + i + 1 });
        i += 1;
        j += 1;
      } else if (i < midA.length && (j === midB.length || table[(i + 1) * width + j]! >= table[i * width + j + 1]!)) {
        // On a tie the recorded line goes first, so a changed line reads - then +.
        edits.push({ kind: '-', text: midA[i]!, recordedLine: head + i + 1 });
        i += 1;
      } else {
        edits.push({ kind: '+', text: midB[j]!, recordedLine: head + i + 1 });
        j += 1;
      }
    }
  }
  a.slice(a.length - tail).forEach((text, index) => edits.push({ kind: ' ', text, recordedLine: a.length - tail + index + 1 }));
  return edits;
}

/** A few lines saying how `replayed` differs from `recorded`; empty when they are equal. */
export function observationDiff(recorded: string, replayed: string | undefined, options: DiffOptions = {}): string[] {
  if (replayed === undefined) return ['(the replay did not reach this step)'];
  if (recorded === replayed) return [];
  const context = options.context ?? 1;
  const maxLines = options.maxLines ?? 12;
  const edits = lcsEdits(recorded.split('\n'), replayed.split('\n'));
  const shown = new Set<number>();
  edits.forEach((edit, index) => {
    if (edit.kind === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(edits.length - 1, index + context); k += 1) shown.add(k);
  });
  const lines: string[] = [];
  let previous = -2;
  for (const index of [...shown].sort((x, y) => x - y)) {
    const edit = edits[index]!;
    if (index !== previous + 1) lines.push(`@@ line ${edit.recordedLine} @@`);
    lines.push(`${edit.kind} ${edit.text}`);
    previous = index;
  }
  if (lines.length <= maxLines) return lines;
  const changed = edits.filter((edit) => edit.kind !== ' ').length;
  const kept = lines.slice(0, maxLines);
  const left = changed - kept.filter((line) => line.startsWith('- ') || line.startsWith('+ ')).length;
  kept.push(`… ${left} more changed line${left === 1 ? '' : 's'} (${changed} in all)`);
  return kept;
}
