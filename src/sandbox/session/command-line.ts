/**
 * The text the session writes to the shell's stdin. Every command travels as a byte count on a
 * line of its own, then its bytes, read into a variable and handed to `eval`, so quotes, newlines,
 * heredocs or a half-written `if` in the agent's command can never break the line around it (the
 * end marker). Running it with `eval` in the shell itself is what lets `cd`, `export` and
 * `source venv/bin/activate` carry over to the next command; `< /dev/null` keeps a command that
 * reads stdin (a bare `cat`) from swallowing the session's next lines.
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../../errors.js';

/**
 * Quotes any string as a bash `$'…'` word. Only `\`, `'` and control characters need escaping;
 * everything else (UTF-8 included) passes through as is.
 */
export function quoteAnsiC(text: string): string {
  let quoted = "$'";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '\\') quoted += '\\\\';
    else if (char === "'") quoted += "\\'";
    else if (char === '\n') quoted += '\\n';
    else if (char === '\t') quoted += '\\t';
    // \xHH reads at most two hex digits, so a following digit can't be absorbed into the escape.
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else quoted += char;
  }
  return `${quoted}'`;
}

/**
 * A per-command end marker. Its token is fresh random bytes each time, so a command that prints
 * something marker-like (even a previous marker) can't end the read early. The token is written
 * to the shell in two halves that only `printf` joins, so even `set -x` echoing the marker line
 * doesn't put the joined token in the output.
 */
export class EndMarker {
  /** What appears in the output right before `:<value>\n`. */
  readonly token: string;
  private readonly firstHalf: string;
  private readonly secondHalf: string;

  constructor() {
    const nonce = randomBytes(12).toString('hex');
    this.firstHalf = `__swe_srl_${nonce.slice(0, 12)}`;
    this.secondHalf = `${nonce.slice(12)}__`;
    this.token = this.firstHalf + this.secondHalf;
  }

  /**
   * Shell code printing the token, `:`, the value of a (double-quoted) shell expression and a
   * newline. `builtin`: a `printf` function or alias the agent defined must not swallow the marker.
   */
  printer(valueExpression: string): string {
    return `builtin printf '%s%s:%s\\n' ${this.firstHalf} ${this.secondHalf} "${valueExpression}"`;
  }
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * What the shell's stdin gets for one command: a line that reads the command's bytes, runs them and
 * prints the marker with their exit status, followed by the command itself, unquoted. A follow-up
 * (RunOptions.followUp) is read the same way, right after, and runs after its own marker. bash reads
 * the lines it parses from a pipe one byte per system call (so as not to take input meant for a
 * command); `read -N` takes the command in far fewer, so a large command (a file written through
 * the shell) costs a fraction of the time it would cost as a quoted word on the line. `-N` counts
 * characters: for a command with non-ASCII text, `LC_ALL=C` makes them bytes whatever locale the
 * session has set (the command then runs in that locale). An ASCII command is the same count in
 * every locale, and is spared the two locale switches (about 0.15 ms).
 */
export function commandLine(command: string, marker: EndMarker, followUp?: { command: string; marker: EndMarker }): string {
  if (command.includes('\0') || followUp?.command.includes('\0')) {
    throw new InputError(`${followUp?.command.includes('\0') ? 'followUp.command' : 'command'}: contains a NUL byte, which bash cannot pass to a command`);
  }
  // The one-pass loop gives the INT trap (see preludeLines) something to break out of: a timeout
  // breaks off the command and skips its follow-up. The follow-up's marker tells where the first
  // command's output ends, with its exit status; the end marker then carries the follow-up's.
  const reads = [readCommand(command, '__swe_srl_command'), ...(followUp ? [readCommand(followUp.command, '__swe_srl_follow_up')] : [])];
  const body = [
    'builtin eval "$__swe_srl_command" < /dev/null',
    ...(followUp ? [followUp.marker.printer('$?'), 'builtin eval "$__swe_srl_follow_up" < /dev/null'] : []),
  ];
  return `${reads.join(' ')} for __swe_srl_once in 1; do ${body.join('; ')}; done; ${marker.printer('$?')}\n${command}${followUp?.command ?? ''}`;
}

/** Reads the next `command`'s bytes from the shell's stdin into `variable`. */
function readCommand(command: string, variable: string): string {
  return `${ASCII.test(command) ? '' : 'LC_ALL=C '}builtin read -r -N ${Buffer.byteLength(command, 'utf8')} ${variable};`;
}

/**
 * The first lines a new shell gets. `exec 2>&1` interleaves stderr with stdout in the order the
 * command wrote them. `set -m` puts each command in its own process group, so a timeout can kill
 * a whole pipeline at once, without touching the shell. On a timeout the backend sends the shell
 * SIGINT before killing the command: the trap then breaks out of every loop up to the command
 * line's own, so the rest of a list (`sleep 999; rm -rf build`), or a loop of builtins that has
 * no process to kill, does not run on past the timeout. The marker reports the shell's pid
 * (`$$`), which the backend needs to interrupt it.
 */
export function preludeLines(workdir: string, marker: EndMarker): string {
  return [
    'exec 2>&1',
    'set -m',
    "trap 'break 100000 2>/dev/null' INT",
    `cd ${quoteAnsiC(workdir)}`,
    marker.printer('$$'),
  ].join('\n') + '\n';
}
