/**
 * Just enough of POSIX shell word splitting to read SWE-agent's special commands (their arguments
 * are shell-quoted by SWE-agent with Python's `shlex.quote`; `shlexQuote` in util/shell-quote.ts
 * writes them back).
 * A line that uses shell operators (`|`, `&&`, `;`, redirections, a second line) is a bash
 * pipeline, not a special command: the caller is told so and runs it through bash instead.
 */

export type ShellWords =
  | { ok: true; words: string[]; /** an unquoted operator or line break: this is a shell program, not one command */ usesShellSyntax: boolean }
  | { ok: false; reason: string };

const OPERATOR_CHARS = new Set([';', '&', '|', '<', '>', '(', ')', '`', '\n']);
// Inside double quotes a backslash only escapes these (POSIX).
const DOUBLE_QUOTE_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);

export function splitShellWords(text: string): ShellWords {
  const words: string[] = [];
  let usesShellSyntax = false;
  let current = '';
  let inWord = false;
  let i = 0;
  const endWord = (): void => {
    if (inWord) words.push(current);
    current = '';
    inWord = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
      i += 1;
    } else if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return { ok: false, reason: 'unterminated single quote' };
      current += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const c = text[j]!;
        if (c === '"') {
          closed = true;
          break;
        }
        if (c === '\\' && j + 1 < text.length && DOUBLE_QUOTE_ESCAPABLE.has(text[j + 1]!)) {
          if (text[j + 1] !== '\n') current += text[j + 1];
          j += 2;
        } else {
          current += c;
          j += 1;
        }
      }
      if (!closed) return { ok: false, reason: 'unterminated double quote' };
      inWord = true;
      i = j + 1;
    } else if (ch === '\\') {
      if (i + 1 < text.length && text[i + 1] !== '\n') {
        current += text[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (ch === '#' && !inWord) {
      usesShellSyntax = true; // a comment: leave it to bash
      break;
    } else {
      if (OPERATOR_CHARS.has(ch)) usesShellSyntax = true;
      current += ch;
      inWord = true;
      i += 1;
    }
  }
  endWord();
  return { ok: true, words, usesShellSyntax };
}
