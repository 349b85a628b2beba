/**
 * Quoting words for bash, in one place. All three functions produce a word bash reads back
 * unchanged; they differ only in spelling, and the spelling is kept because some outputs are
 * compared byte for byte (SWE-agent's command lines, test commands in expectations).
 */

// Python's shlex.quote leaves a word bare when it only has these characters; none is special to bash.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for bash so that it reaches the command unchanged (spaces, quotes, `$` and all). */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : singleQuote(word);
}

/**
 * Always single-quotes, even a word that needs no quoting: for text glued to other quoted parts,
 * such as `"${PATH:+$PATH:}"'/added dir'`.
 */
export function singleQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Python's `shlex.quote` to the byte (a `'` inside becomes `'"'"'`), so the command lines we render
 * match what SWE-agent writes and the SRL similarity compares like with like.
 */
export function shlexQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}
