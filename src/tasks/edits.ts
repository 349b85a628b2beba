/**
 * The gold fix as `str_replace` edits, the way an expert edits with SWE-agent's editor: each edit
 * replaces a snippet that occurs exactly once in the file as it is at that moment, and applying the
 * edits in order turns the buggy files into the fixed ones.
 */
export interface StrReplaceEdit {
  path: string;
  old_str: string;
  new_str: string;
}

/** Non-overlapping occurrences are what an editor sees; overlapping ones also make a match ambiguous. */
export function countOccurrences(text: string, snippet: string): number {
  if (snippet === '') return Number.POSITIVE_INFINITY;
  let count = 0;
  for (let at = text.indexOf(snippet); at !== -1; at = text.indexOf(snippet, at + 1)) count++;
  return count;
}

/**
 * The edit that turns `before` into `after` (two versions of one file differing in one region):
 * the changed lines, widened by neighbouring lines until the old snippet is unique in `before`.
 */
export function editBetween(path: string, before: string, after: string): StrReplaceEdit {
  const a = before.split('\n');
  const b = after.split('\n');
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  if (prefix === a.length && prefix === b.length) throw new Error(`${path}: the two versions are the same`);
  // Lines [start, end) of `before` are replaced by lines [start, end + delta) of `after`.
  let start = prefix;
  let end = a.length - suffix;
  const delta = b.length - a.length;
  const snippet = (lines: string[], from: number, to: number) => lines.slice(from, to).join('\n');
  // An insertion has no old lines: the line above anchors it.
  if (start === end) {
    if (start > 0) start--;
    else end++;
  }
  let grow = 0;
  while (countOccurrences(before, snippet(a, start, end)) !== 1) {
    if ((grow++ % 2 === 0 && start > 0) || end >= a.length) start--;
    else end++;
    if (start < 0) throw new Error(`${path}: no unique snippet around line ${prefix + 1}`);
  }
  return { path, old_str: snippet(a, start, end), new_str: snippet(b, start, end + delta) };
}

/** Applies edits in order; each old_str must occur exactly once when its turn comes. */
export function applyEdits(files: ReadonlyMap<string, string>, edits: readonly StrReplaceEdit[]): Map<string, string> {
  const result = new Map(files);
  for (const [index, edit] of edits.entries()) {
    const text = result.get(edit.path);
    if (text === undefined) throw new Error(`edit ${index + 1}: no file ${edit.path}`);
    const count = countOccurrences(text, edit.old_str);
    if (count !== 1) throw new Error(`edit ${index + 1}: old_str occurs ${count} times in ${edit.path}`);
    result.set(edit.path, text.replace(edit.old_str, () => edit.new_str));
  }
  return result;
}
