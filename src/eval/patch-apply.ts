/**
 * Applies a patch inside a sandbox the way SWE-bench v5 does (run_instance's GIT_APPLY_CMDS):
 * `git apply --verbose`, then `--3way`, then `--reject`, then `patch --batch --forward --fuzz=5`,
 * keeping the first that succeeds and recording every attempt; the tree is put back between
 * attempts (a `--reject` run applies hunks partially, `--3way` leaves conflict markers); and when
 * every attempt failed, a patch whose reverse applies (`git apply --check --reverse`) is already in
 * the tree and counts as applied.
 *
 * Line endings: each method first gets the patch exactly as given, so a patch git apply takes as
 * given (CRLF lines for a file with CRLF endings, on every line or on some) is never altered. Only
 * when that fails does the same method get the patch with CRLF turned into LF and a final newline
 * added (a patch recorded from a terminal); SWE-bench only ever tries it as given.
 */
import type { RunResult, Sandbox } from '../sandbox/types.js';
import { shellQuote } from '../util/shell-quote.js';
import { normalizePatch, touchedPaths } from './patch-files.js';
import { unguessableSuffix } from './unguessable-suffix.js';
import { restorePaths } from './work-tree-restore.js';
import { outputFence, sessionPipeCommand, writeTextFiles } from './session-files.js';

export const PATCH_METHODS = ['git apply', 'git apply --3way', 'git apply --reject', 'patch --fuzz=5'] as const;
export type PatchMethod = (typeof PATCH_METHODS)[number] | 'already applied';

export interface PatchAttempt {
  method: PatchMethod;
  /** Which form of the patch: exactly as given, or with LF line endings. */
  form: 'as given' | 'LF line endings';
  command: string;
  exitCode: number | null;
  output: string;
}

export interface PatchApplication {
  applied: boolean;
  /** The method that applied it (`already applied`: only its reverse applies). */
  method?: PatchMethod;
  attempts: PatchAttempt[];
  /** Why no method applied it (the last attempt's complaint), when none did. */
  failureReason?: string;
  /** What `after` printed, when it ran (see ApplyPatchOptions). */
  afterOutput?: string;
}

export interface ApplyPatchOptions {
  /** Names the patch file in the sandbox's temporary directory, for logs. */
  label?: string;
  timeoutMs?: number;
  /**
   * How a failed attempt is undone: `worktree` puts the whole tree back to HEAD (SWE-bench's
   * `git checkout -- . ; git clean -fd`, for a patch applied to a clean checkout); `touched-paths`
   * (the default) restores only the files the patch names, so changes already made to other files
   * (the model's, under a test patch) survive.
   */
  resetBetweenAttempts?: 'worktree' | 'touched-paths';
  /** Shell run in the same round trip as the patch files are written, before them (e.g. the work tree's time mark). */
  before?: string;
  /**
   * Shell run in the round trip of the first attempt, right after it applied (e.g. listing what the
   * patch changed); its output comes back as `afterOutput`, apart from the attempt's. It does not
   * run when that attempt fails or cannot be piped, and its output is not returned when the round
   * trip's output was capped: without `afterOutput`, the caller runs it on its own.
   */
  after?: string;
}

function commandFor(method: Exclude<PatchMethod, 'already applied'>, patchPath: string): string {
  const file = shellQuote(patchPath);
  switch (method) {
    case 'git apply':
      return `git apply --verbose ${file}`;
    case 'git apply --3way':
      return `git apply --verbose --3way ${file}`;
    case 'git apply --reject':
      return `git apply --verbose --reject ${file}`;
    case 'patch --fuzz=5':
      return `patch --batch --forward --fuzz=5 -p1 -i ${file}`;
  }
}

// `git reset --hard` rather than SWE-bench's `git checkout -- .`, which refuses the unmerged
// entries a failed --3way leaves and would let them reach the next attempt. Git alone, on the whole
// tree: no path from the patch is involved.
const RESTORE_WORKTREE = 'git reset -q --hard HEAD && git clean -fdq';

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

/**
 * `git apply --verbose` on the patch as given, piped from the shell's own `printf` (no file), after
 * `before` and followed by `after` (when it applied) in the same round trip. No `attempt` when it
 * did not run: the patch cannot travel in a command (a NUL byte, past the size a command carries;
 * `before` has not run then), or `before` failed.
 */
async function firstAttemptFromPipe(
  sandbox: Sandbox,
  patch: string,
  cd: string,
  options: Pick<ApplyPatchOptions, 'before' | 'after'> & { timeoutMs: number },
): Promise<{ beforeRan: boolean; attempt?: { command: string; result: RunResult; afterOutput?: string } }> {
  const piped = sessionPipeCommand(patch);
  if (piped === undefined) return { beforeRan: false };
  const command = 'git apply --verbose -';
  const { before, after, timeoutMs } = options;
  // The attempt's status stays the round trip's; a fence marks where `after`'s output begins.
  const fence = after === undefined ? undefined : outputFence();
  const applyThenAfter =
    fence === undefined
      ? `${cd} && ${piped} | ${command}`
      : `{ ${cd} && ${piped} | ${command}; }; __swe_srl_s=$?; if [ $__swe_srl_s = 0 ]; then ${fence.print}; ${after}; fi; (exit $__swe_srl_s)`;
  const split = (result: RunResult) => {
    const parts = fence?.split(result.output);
    if (parts?.after === undefined) return { command, result };
    const attemptResult = { ...result, output: parts.before };
    return { command, result: attemptResult, ...(result.truncated ? {} : { afterOutput: parts.after }) };
  };
  if (before === undefined) return { beforeRan: false, attempt: split(await sandbox.run(applyThenAfter, { timeoutMs })) };
  const token = `__swe_srl_not_run_${unguessableSuffix()}__`;
  const result = await sandbox.run(`if ${before}; then ${applyThenAfter}; else builtin printf '%s\\n' ${token}; (exit 1); fi`, { timeoutMs });
  return result.output.includes(token) ? { beforeRan: true } : { beforeRan: true, attempt: split(result) };
}

export async function applyPatch(sandbox: Sandbox, patch: string, options: ApplyPatchOptions = {}): Promise<PatchApplication> {
  const suffix = unguessableSuffix();
  const base = `/tmp/swe-srl-${options.label ?? 'patch'}-${suffix}`;
  const asGivenPath = `${base}.diff`;
  const normalized = normalizePatch(patch);
  const lfPath = normalized !== patch ? `${base}-lf.diff` : undefined;
  const forms: Array<{ form: PatchAttempt['form']; path: string }> = [
    { form: 'as given', path: asGivenPath },
    ...(lfPath ? [{ form: 'LF line endings' as const, path: lfPath }] : []),
  ];

  const paths = touchedPaths(normalized);
  const cd = `cd ${shellQuote(sandbox.workdir)}`;
  const timeoutMs = options.timeoutMs ?? 120_000;
  // Undoes whatever a failed attempt left. The files the patch names are untrusted paths, so they
  // go back through git only (work-tree-restore.ts: realpath inside the tree, literal pathspecs).
  const restore = async () => {
    if (options.resetBetweenAttempts === 'worktree') await sandbox.run(`${cd} && ${RESTORE_WORKTREE}`, { timeoutMs: 60_000 });
    else if (paths.length > 0) await restorePaths(sandbox, paths, { withPatchLeftovers: true, timeoutMs: 60_000 });
  };
  const attempts: PatchAttempt[] = [];
  // The first attempt (the one that nearly always applies) reads the patch from a pipe, in the
  // round trip that runs `before`: nothing to write, nothing to take away afterwards.
  const { beforeRan, attempt: first } = await firstAttemptFromPipe(sandbox, patch, cd, { before: options.before, after: options.after, timeoutMs });
  if (first !== undefined) {
    attempts.push({ method: PATCH_METHODS[0], form: 'as given', command: first.command, exitCode: first.result.exitCode, output: first.result.output });
    if (first.result.exitCode === 0) {
      return { applied: true, method: PATCH_METHODS[0], attempts, ...(first.afterOutput !== undefined ? { afterOutput: first.afterOutput } : {}) };
    }
  }
  // Only after a failure: the other attempts take the patch from files, one per form, as SWE-bench's commands do.
  const files = [{ path: asGivenPath, content: patch }, ...(lfPath ? [{ path: lfPath, content: normalized }] : [])];
  await writeTextFiles(sandbox, files, { ...(!beforeRan && options.before !== undefined ? { before: options.before } : {}), timeoutMs });
  const removeFiles = `rm -f ${forms.map(({ path }) => shellQuote(path)).join(' ')}`;
  // A patch that applies takes its files away in the same round trip; the status is the attempt's.
  const attemptShell = (command: string) => `${cd} && ${command} < /dev/null; __swe_srl_s=$?; if [ $__swe_srl_s = 0 ]; then ${removeFiles}; fi; (exit $__swe_srl_s)`;
  let removed = false;
  try {
    for (const method of PATCH_METHODS) {
      for (const { form, path } of forms) {
        if (first !== undefined && method === PATCH_METHODS[0] && form === 'as given') continue;
        if (attempts.length > 0) await restore();
        const command = commandFor(method, path);
        const result = await sandbox.run(attemptShell(command), { timeoutMs });
        attempts.push({ method, form, command, exitCode: result.exitCode, output: result.output });
        if (result.exitCode === 0) {
          removed = true;
          return { applied: true, method, attempts };
        }
      }
    }
    // As SWE-bench: the last attempt's tree is checked as it is, since a chain of failures can
    // leave the patch wholly applied (hunks `patch --forward` skipped as already there).
    for (const { form, path } of forms) {
      const command = `git apply --check --reverse ${shellQuote(path)}`;
      const result = await sandbox.run(`${cd} && ${command} < /dev/null`, { timeoutMs });
      attempts.push({ method: 'already applied', form, command, exitCode: result.exitCode, output: result.output });
      if (result.exitCode === 0) {
        // The tree stays as the last attempt left it, less the reject files it wrote.
        if (paths.length > 0) await restorePaths(sandbox, paths, { leftoversOnly: true, timeoutMs: 30_000 });
        return { applied: true, method: 'already applied', attempts };
      }
    }
    await restore();
  } finally {
    if (!removed) await sandbox.run(removeFiles, { timeoutMs: 30_000 });
  }
  const last = [...attempts].reverse().find((attempt) => attempt.method !== 'already applied') ?? attempts[attempts.length - 1];
  const failureReason = last ? `${last.method} failed (exit ${last.exitCode ?? 'timeout'}): ${lastLines(last.output, 5)}` : 'no attempt ran';
  return { applied: false, attempts, failureReason };
}
