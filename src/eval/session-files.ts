/**
 * Small text files moved through the sandbox's own session instead of its file API. On Docker the
 * file API is the archive endpoint, which costs an engine call per file (dockerd re-executes
 * itself to tar in the container's root): a few hundred milliseconds each on a loaded machine,
 * where one session round trip costs a few. The evaluator moves several files per instance (the
 * runner guard and the runner's reports; a patch only when its first, piped attempt failed), and
 * pipes others from the same `printf` (the patch's first attempt, the restore script's list).
 *
 * Only bash builtins touch the files (`printf`, `read`, `test`, called through `builtin`, so a
 * function of that name the agent defined cannot stand in), so what the code under test did to
 * the container's binaries (a replaced `cat` or `base64`) cannot change what is read or written:
 * the session's shell only forks for them, it executes nothing from the disk. What does not fit (a
 * write holding a NUL byte, which no bash string holds; a file larger than a session answer should
 * carry; not a regular file) goes through the file API as before, with the same results and errors.
 */
import { SandboxFileError } from '../errors.js';
import { unguessableSuffix } from './unguessable-suffix.js';
import type { ReadBackOptions, RunResult, Sandbox } from '../sandbox/types.js';
import { quoteAnsiC } from '../sandbox/session/command-line.js';
import { shellQuote } from '../util/shell-quote.js';

export interface TextFile {
  path: string;
  content: string;
}

/** Larger files go through the file API: the session carries commands and answers, not bulk data. */
const SESSION_FILE_MAX_BYTES = 1024 * 1024;

/**
 * A point in one round trip's output that nothing else in it can fake, so two commands' outputs
 * can share a round trip and still be told apart: a NUL on each side of a fresh token (bash strings
 * hold no NUL, and the token cannot be guessed). `print` is the shell that marks it; `split` cuts
 * an output there (`after` undefined when the mark is not in it: that part did not run).
 */
export interface OutputFence {
  print: string;
  split(output: string): { before: string; after?: string };
}

export function outputFence(): OutputFence {
  const token = `swe-srl-fence-${unguessableSuffix()}`;
  const mark = `\0${token}\0`;
  return {
    print: `builtin printf '\\0%s\\0' ${token}`,
    split(output) {
      const at = output.indexOf(mark);
      return at === -1 ? { before: output } : { before: output.slice(0, at), after: output.slice(at + mark.length) };
    },
  };
}

/** Whether `content` can travel inside a session command (bash strings hold no NUL). */
function fitsSession(content: string): boolean {
  return !content.includes('\0') && Buffer.byteLength(content) <= SESSION_FILE_MAX_BYTES;
}

/**
 * Shell that prints `content` exactly, with the `printf` builtin (for a pipe or a redirection);
 * undefined when it cannot travel in a command.
 */
export function sessionPipeCommand(content: string): string | undefined {
  return fitsSession(content) ? `builtin printf '%s' ${quoteAnsiC(content)}` : undefined;
}

/**
 * Shell that writes `files` with the `printf` builtin (a function of that name the agent defined
 * cannot stand in), joined by `&&`; undefined when one of them cannot travel in a command.
 */
export function sessionWriteCommand(files: readonly TextFile[]): string | undefined {
  if (!files.every((file) => fitsSession(file.content))) return undefined;
  return files.map((file) => `${sessionPipeCommand(file.content)!} > ${shellQuote(file.path)}`).join(' && ');
}

/** Shell that prints `entries` NUL-terminated (a `-z` list for git or `read -d ''`), for a pipe or a redirection. */
export function sessionListPrintCommand(entries: readonly string[]): string | undefined {
  if (entries.some((entry) => entry.includes('\0')) || entries.reduce((sum, entry) => sum + Buffer.byteLength(entry) + 1, 0) > SESSION_FILE_MAX_BYTES) return undefined;
  return `builtin printf '%s\\0' ${entries.map(shellQuote).join(' ')}`;
}

/**
 * Writes `files` in one session round trip, after `before` (shell) when given. A file that cannot
 * travel that way, or a write the shell refused, goes through `writeFile` instead.
 */
export async function writeTextFiles(sandbox: Sandbox, files: readonly TextFile[], options: { before?: string; timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const writes = sessionWriteCommand(files);
  if (writes !== undefined) {
    const result = await sandbox.run([options.before, writes].filter((part) => part !== undefined).join(' && '), { timeoutMs });
    if (result.exitCode === 0) return;
  } else if (options.before !== undefined) {
    await sandbox.run(options.before, { timeoutMs });
  }
  for (const file of files) await sandbox.writeFile(file.path, file.content);
}

/** How one file came back from the batch read. */
type SessionRead = { state: 'read'; content: Buffer } | { state: 'missing' } | { state: 'other' };

export interface TextFileReads {
  /** `readFile`'s contract: the content, `no such file`, or the file API's own answer. */
  read(path: string): Promise<Buffer>;
  /** Whether `cleanup` ran (only when every file was answered, so none is needed from the file API). */
  cleanedUp: boolean;
}

/**
 * Reads text files in one session round trip and, when every one was answered, runs `cleanup`
 * (shell) in the same command. The reader gives the content as read, `no such file` for a missing
 * one, and sends what the batch could not answer (too large for a session answer, not a regular
 * file, the answer cut off) to the file API with `limits`, so a report inflated past the limits is
 * refused exactly as before. For text files: what comes back through the session is read as UTF-8
 * (neither runner report may hold anything else); a file holding a NUL goes to the file API.
 */
export async function readTextFiles(sandbox: Sandbox, paths: readonly string[], limits: ReadBackOptions & { timeoutMs: number }, cleanup?: string): Promise<TextFileReads> {
  const read = textFilesRead(sandbox, paths, limits, cleanup);
  return read.answer(await sandbox.run(read.command, { timeoutMs: limits.timeoutMs }));
}

/** readTextFiles in two halves: the shell, to run on its own or as another command's follow-up, and how to read its result. */
export interface TextFilesRead {
  command: string;
  answer(result: Pick<RunResult, 'output' | 'timedOut' | 'truncated'>): TextFileReads;
}

export function textFilesRead(sandbox: Sandbox, paths: readonly string[], limits: ReadBackOptions, cleanup?: string): TextFilesRead {
  const token = `__swe_srl_file_${unguessableSuffix()}__`;
  const maxBytes = Math.min(limits.maxBytes ?? SESSION_FILE_MAX_BYTES, SESSION_FILE_MAX_BYTES);
  // `read -d '' -n N` (bytes under LC_ALL=C) fails only at the end of the file: it succeeds, so the
  // file goes to the file API, when it meets a NUL (which no bash string holds: a sparse file
  // inflated past the cap starts with one) or reads one byte past the cap, never reading further.
  const command = [
    '( LC_ALL=C; __swe_srl_all=1',
    ...paths.map((path) => {
      const quoted = shellQuote(path);
      const other = `builtin printf '%s other\\n' ${token}; __swe_srl_all=0`;
      return (
        `if builtin test -f ${quoted} -a -r ${quoted}; then __swe_srl_x=; ` +
        `if IFS= builtin read -r -d '' -n ${maxBytes + 1} __swe_srl_x < ${quoted}; then ${other}; else builtin printf '%s read\\n%s' ${token} "$__swe_srl_x"; fi; ` +
        `elif builtin test -e ${quoted} -o -L ${quoted}; then ${other}; else builtin printf '%s missing\\n' ${token}; fi`
      );
    }),
    ...(cleanup ? [`if builtin test "$__swe_srl_all" = 1; then ${cleanup}; builtin printf '\\n%s cleaned\\n' ${token}; fi`] : []),
    `builtin printf '\\n%s end\\n' ${token} )`,
  ].join('\n');
  return { command, answer: (result) => answerOf(sandbox, paths, limits, token, result) };
}

function answerOf(
  sandbox: Sandbox,
  paths: readonly string[],
  limits: ReadBackOptions,
  token: string,
  result: Pick<RunResult, 'output' | 'timedOut' | 'truncated'>,
): TextFileReads {
  const reads = new Map<string, SessionRead>();
  let cleanedUp = false;
  let output = result.output;
  const ended = output.lastIndexOf(`\n${token} end\n`);
  if (!result.timedOut && !result.truncated && ended !== -1) {
    output = output.slice(0, ended);
    const cleaned = output.lastIndexOf(`\n${token} cleaned\n`);
    if (cleaned !== -1) {
      cleanedUp = true;
      output = output.slice(0, cleaned);
    }
    const parts = output.split(`${token} `).slice(1);
    if (parts.length === paths.length) {
      parts.forEach((part, index) => {
        const newline = part.indexOf('\n');
        const state = newline === -1 ? part : part.slice(0, newline);
        const path = paths[index]!;
        if (state === 'read') reads.set(path, { state: 'read', content: Buffer.from(part.slice(newline + 1), 'utf8') });
        else reads.set(path, { state: state === 'missing' ? 'missing' : 'other' });
      });
    }
  }
  return {
    cleanedUp,
    read: async (path) => {
      const read = reads.get(path);
      if (read?.state === 'read') return read.content;
      if (read?.state === 'missing') throw new SandboxFileError(path, 'no such file');
      return sandbox.readFile(path, limits);
    },
  };
}
