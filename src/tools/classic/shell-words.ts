/**
 * The one shell word splitter of the command-line action language. SWE-agent's classic commands
 * are shell functions or scripts, so bash splits their arguments: `open "my file.py" 20`,
 * `edit 'a b' "c\"d" True`. We run those commands on the host, so we split the words the way bash
 * would, for the quoting an agent uses in practice. Anything that needs a real shell (pipes,
 * redirections, `;`, a second line, substitutions, variables) is reported instead of guessed: such
 * a line is a shell program, not one command. A `#` comment ends the words, as in bash.
 */

export type WordSplit =
  | { ok: true; words: string[] }
  /**
   * `reason` says what was found, for a clear message. `shellSyntax` tells a line that needs a
   * real shell (it is a program) from one that no shell could read (an unterminated quote).
   */
  | { ok: false; reason: string; shellSyntax: boolean };

const OPERATOR_CHARS = new Set([';', '&', '|', '<', '>', '`']);

/** Splits one command line into words with bash's quoting rules ('…', "…", $'…', backslashes). */
export function splitShellWords(line: string): WordSplit {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let index = 0;
  while (index < line.length) {
    const char = line[index]!;
    if (char === '\n') return { ok: false, reason: 'a second command (a line break outside quotes)', shellSyntax: true };
    if (char === ' ' || char === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      index += 1;
      continue;
    }
    if (char === '#' && !inWord) break;
    if (OPERATOR_CHARS.has(char)) return { ok: false, reason: `shell operator \`${char}\``, shellSyntax: true };
    if (char === '(' || char === ')') return { ok: false, reason: `shell operator \`${char}\``, shellSyntax: true };
    inWord = true;
    if (char === '\\') {
      const next = line[index + 1];
      if (next === undefined) return { ok: false, reason: 'a trailing backslash', shellSyntax: false };
      if (next !== '\n') current += next;
      index += 2;
      continue;
    }
    if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end === -1) return { ok: false, reason: 'an unterminated single quote', shellSyntax: false };
      current += line.slice(index + 1, end);
      index = end + 1;
      continue;
    }
    if (char === '$' && line[index + 1] === "'") {
      const parsed = readAnsiCQuoted(line, index + 2);
      if (!parsed.ok) return parsed;
      current += parsed.text;
      index = parsed.next;
      continue;
    }
    if (char === '$' && /[A-Za-z_{(0-9?@*#$!-]/.test(line[index + 1] ?? '')) {
      return { ok: false, reason: 'a variable or command substitution', shellSyntax: true };
    }
    if (char === '"') {
      const parsed = readDoubleQuoted(line, index + 1);
      if (!parsed.ok) return parsed;
      current += parsed.text;
      index = parsed.next;
      continue;
    }
    current += char;
    index += 1;
  }
  if (inWord) words.push(current);
  return { ok: true, words };
}

type QuotedRead = { ok: true; text: string; next: number } | { ok: false; reason: string; shellSyntax: boolean };

/** Inside "…", a backslash only escapes `$`, `` ` ``, `"`, `\` and a newline, as in bash. */
function readDoubleQuoted(line: string, start: number): QuotedRead {
  let text = '';
  let index = start;
  while (index < line.length) {
    const char = line[index]!;
    if (char === '"') return { ok: true, text, next: index + 1 };
    if (char === '\\') {
      const next = line[index + 1];
      if (next === '$' || next === '`' || next === '"' || next === '\\') {
        text += next;
        index += 2;
        continue;
      }
      if (next === '\n') {
        index += 2;
        continue;
      }
    }
    if (char === '$' && /[A-Za-z_{(0-9?@*#$!-]/.test(line[index + 1] ?? '')) {
      return { ok: false, reason: 'a variable or command substitution', shellSyntax: true };
    }
    if (char === '`') return { ok: false, reason: 'a command substitution', shellSyntax: true };
    text += char;
    index += 1;
  }
  return { ok: false, reason: 'an unterminated double quote', shellSyntax: false };
}

const ANSI_C_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** bash's $'…' quoting, with the common escapes (\n, \t, \xHH, \uHHHH, …). */
function readAnsiCQuoted(line: string, start: number): QuotedRead {
  let text = '';
  let index = start;
  while (index < line.length) {
    const char = line[index]!;
    if (char === "'") return { ok: true, text, next: index + 1 };
    if (char === '\\' && index + 1 < line.length) {
      const next = line[index + 1]!;
      const simple = ANSI_C_ESCAPES[next];
      if (simple !== undefined) {
        text += simple;
        index += 2;
        continue;
      }
      const hex = /^(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3})/.exec(line.slice(index + 1));
      if (hex) {
        const digits = hex[0];
        const codePoint = /^[0-7]/.test(digits) ? Number.parseInt(digits, 8) : Number.parseInt(digits.slice(1), 16);
        text += String.fromCodePoint(codePoint);
        index += 1 + digits.length;
        continue;
      }
    }
    text += char;
    index += 1;
  }
  return { ok: false, reason: 'an unterminated $\'…\' quote', shellSyntax: false };
}
