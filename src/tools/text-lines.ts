/**
 * SWE-agent's tools count and cut lines in three different ways (awk in the 0.x shell tools,
 * Python's `str.split("\n")` and `str.splitlines()` in the 1.x Python tools). Observations only
 * replay faithfully when each tool keeps its own rule, so each rule lives here under its own name.
 */

/** Lines as `awk`, `grep -n` and bash's `mapfile` see them: a final newline does not open a new line. */
export function awkLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Python's `str.splitlines()`: splits on every line boundary Python knows (not only `\n`), and a
 * trailing boundary does not open a new line. Used for the 1.x tools' line count.
 */
export function pythonSplitlines(text: string): string[] {
  const lines: string[] = [];
  const boundary = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (const match of text.matchAll(boundary)) {
    lines.push(text.slice(start, match.index));
    start = match.index + match[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Python's `str.expandtabs()` with the default tab size of 8 (columns restart after each newline). */
export function expandTabs(text: string, tabSize = 8): string {
  if (!text.includes('\t')) return text;
  let out = '';
  let column = 0;
  for (const char of text) {
    if (char === '\t') {
      const spaces = tabSize - (column % tabSize);
      out += ' '.repeat(spaces);
      column += spaces;
    } else {
      out += char;
      column = char === '\n' || char === '\r' ? 0 : column + 1;
    }
  }
  return out;
}

/** Counts non-overlapping occurrences, as Python's `str.count` does. */
export function countOccurrences(text: string, search: string): number {
  if (search === '') return text.length + 1;
  let count = 0;
  let index = text.indexOf(search);
  while (index !== -1) {
    count += 1;
    index = text.indexOf(search, index + search.length);
  }
  return count;
}

/** Start offsets of non-overlapping occurrences, left to right. */
export function findAll(text: string, search: string): number[] {
  const found: number[] = [];
  if (search === '') return found;
  let index = text.indexOf(search);
  while (index !== -1) {
    found.push(index);
    index = text.indexOf(search, index + search.length);
  }
  return found;
}
