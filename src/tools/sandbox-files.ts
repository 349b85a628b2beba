/**
 * File-system questions the tools ask of a sandbox, answered through the `Sandbox` interface only
 * (its persistent shell and its binary-safe file API), so every tool works on both backends.
 *
 * Helper commands run in the agent's own shell, because relative paths must resolve against the
 * directory the agent `cd`-ed into. They run in a subshell with `set +e` and stdin closed, so an
 * agent that turned on `set -e` or left a reader waiting cannot be disturbed by them.
 */
import { posix } from 'node:path';
import type { Sandbox } from '../sandbox/types.js';
import { shellQuote } from '../util/shell-quote.js';

/** Marks the helper's exit status at the end of its output; unlikely to occur in real output. */
const STATUS_MARKER = '\n@@swe-srl-helper-status=';

export interface HelperResult {
  output: string;
  /** The exit status of the helper script's last command; null when it timed out. */
  status: number | null;
  timedOut: boolean;
  /** The sandbox cut the output at its cap: `output` is incomplete. */
  truncated: boolean;
}

/**
 * Runs a small script in a subshell of the agent's session, without touching its state. Scripts
 * must not call `exit`: the subshell's own status would then reach the agent's shell.
 */
export async function runHelper(sandbox: Sandbox, script: string, timeoutMs: number): Promise<HelperResult> {
  const wrapped = `( set +e\n${script}\nprintf '${STATUS_MARKER.replace('\n', '\\n')}%d\\n' "$?" ) </dev/null 2>&1`;
  const result = await sandbox.run(wrapped, { timeoutMs });
  const at = result.output.lastIndexOf(STATUS_MARKER);
  const truncated = result.truncated;
  if (at === -1) return { output: result.output, status: result.timedOut ? null : result.exitCode, timedOut: result.timedOut, truncated };
  const status = Number.parseInt(result.output.slice(at + STATUS_MARKER.length), 10);
  return { output: result.output.slice(0, at), status: Number.isNaN(status) ? null : status, timedOut: result.timedOut, truncated };
}

/** The shell's current directory (what `cd` left behind). */
export async function currentDirectory(sandbox: Sandbox, timeoutMs: number): Promise<string> {
  const result = await runHelper(sandbox, 'pwd', timeoutMs);
  const directory = result.output.trim();
  return directory === '' ? sandbox.workdir : directory;
}

export type PathKind = 'file' | 'directory' | 'missing' | 'other';

export interface PathInfo {
  /** The path as resolved by `realpath -m` in the shell's current directory (symlinks followed). */
  absolute: string;
  kind: PathKind;
  /** Permission bits (e.g. 0o755) of an existing path, so rewriting a file keeps them. */
  mode?: number;
  size?: number;
}

/** Resolves and classifies a path the way the agent's shell sees it. */
export async function statPath(sandbox: Sandbox, path: string, timeoutMs: number): Promise<PathInfo> {
  const script = [
    `p=$(realpath -m -- ${shellQuote(path)} 2>/dev/null) || p=${shellQuote(path)}`,
    'if [ -d "$p" ]; then k=directory; elif [ -f "$p" ]; then k=file; elif [ -e "$p" ]; then k=other; else k=missing; fi',
    'm=$(stat -c %a -- "$p" 2>/dev/null); s=$(stat -c %s -- "$p" 2>/dev/null)',
    `printf '%s\\n%s\\n%s\\n%s' "$k" "$m" "$s" "$p"`,
  ].join('\n');
  const result = await runHelper(sandbox, script, timeoutMs);
  const [kind = 'missing', mode = '', size = '', ...rest] = result.output.split('\n');
  const absolute = rest.join('\n') || path;
  const info: PathInfo = { absolute, kind: isPathKind(kind) ? kind : 'missing' };
  if (mode !== '') info.mode = Number.parseInt(mode, 8);
  if (size !== '') info.size = Number.parseInt(size, 10);
  return info;
}

function isPathKind(value: string): value is PathKind {
  return value === 'file' || value === 'directory' || value === 'missing' || value === 'other';
}

/** A file's text, or why it cannot be shown as text. */
export type TextRead = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Small files travel through the shell as base64: a round trip of a few milliseconds, where the
 * archive API (binary-safe for any size) costs tens. Both are exact; the archive API takes over
 * above this size or whenever the shell's answer is incomplete.
 */
const SHELL_TRANSFER_LIMIT = 48 * 1024;
const SHELL_TRANSFER_TIMEOUT_MS = 10_000;

/** What the shell prints for a path that exists but is no regular file (a device, a pipe, a socket). */
const NOT_REGULAR_MARKER = '@@swe-srl-not-a-regular-file';

/** The file's bytes, through the shell when it is small, else through the sandbox's file API. */
export async function readBytes(sandbox: Sandbox, absolutePath: string): Promise<Buffer> {
  return (await readRegularBytes(sandbox, absolutePath)) ?? sandbox.readFile(absolutePath);
}

/**
 * Like `readBytes`, but undefined for a device or pipe, which is never read: `/dev/zero` has no
 * end and a pipe without a writer blocks, and either would stall the agent's shell.
 */
async function readRegularBytes(sandbox: Sandbox, absolutePath: string): Promise<Buffer | undefined> {
  // No `exit` in helpers: the status must come from the last command (see runHelper).
  const path = shellQuote(absolutePath);
  const script =
    `if [ -e ${path} ] && [ ! -f ${path} ] && [ ! -d ${path} ]; then printf '%s' '${NOT_REGULAR_MARKER}'; ` +
    `elif s=$(stat -c %s -- ${path} 2>/dev/null) && [ "$s" -le ${SHELL_TRANSFER_LIMIT} ]; then printf '%s\\n' "$s"; base64 -w0 -- ${path}; else false; fi`;
  const result = await runHelper(sandbox, script, SHELL_TRANSFER_TIMEOUT_MS);
  if (result.status === 0 && !result.truncated && !result.timedOut) {
    if (result.output === NOT_REGULAR_MARKER) return undefined;
    const newline = result.output.indexOf('\n');
    const size = Number.parseInt(result.output.slice(0, newline), 10);
    const bytes = Buffer.from(result.output.slice(newline + 1).trim(), 'base64');
    if (bytes.length === size) return bytes;
  }
  return sandbox.readFile(absolutePath);
}

/** Reads a file as UTF-8 text; binary content (a NUL byte, or bytes that are not UTF-8) is refused. */
export async function readText(sandbox: Sandbox, absolutePath: string): Promise<TextRead> {
  const bytes = await readRegularBytes(sandbox, absolutePath);
  if (bytes === undefined) {
    return { ok: false, reason: `${absolutePath} is not a regular file (a device, a pipe or a socket); only text files can be shown or edited.` };
  }
  if (bytes.includes(0)) {
    return { ok: false, reason: `${absolutePath} is a binary file (${bytes.length} bytes); only text files can be shown or edited. Inspect it with bash tools such as \`file\` or \`xxd | head\`.` };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: `${absolutePath} is not UTF-8 text (${bytes.length} bytes); only text files can be shown or edited. Inspect it with bash tools such as \`file\` or \`iconv\`.` };
  }
}

/**
 * Writes text back, keeping the file's permission bits so the diff shows no mode change: through
 * the shell for small files (`>` keeps an existing file's mode; a new one gets the umask's), else
 * through the sandbox's file API with the mode given.
 */
export async function writeText(sandbox: Sandbox, absolutePath: string, text: string, mode?: number): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= SHELL_TRANSFER_LIMIT) {
    const script = `printf '%s' '${bytes.toString('base64')}' | base64 -d >| ${shellQuote(absolutePath)} && stat -c %s -- ${shellQuote(absolutePath)}`;
    const result = await runHelper(sandbox, script, SHELL_TRANSFER_TIMEOUT_MS);
    if (result.status === 0 && Number.parseInt(result.output.trim(), 10) === bytes.length) return;
  }
  await sandbox.writeFile(absolutePath, bytes, mode === undefined ? undefined : { mode });
}

/** Python's `pathlib.Path(str)` rendering: duplicate slashes and `.` segments dropped, no trailing slash. */
export function pythonPathString(path: string): string {
  if (path === '') return '.';
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  const joined = parts.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Whether `absolutePath` lies inside `root` (or is root itself). Both must be normalised absolute paths. */
export function isInside(root: string, absolutePath: string): boolean {
  const normalisedRoot = posix.normalize(root).replace(/\/+$/, '');
  const normalisedPath = posix.normalize(absolutePath);
  return normalisedPath === normalisedRoot || normalisedPath.startsWith(`${normalisedRoot}/`);
}
