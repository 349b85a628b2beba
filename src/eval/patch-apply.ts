/**
 * Applies a patch inside a sandbox the way SWE-bench does: `git apply`, then `git apply --reject`,
 * then GNU `patch` with fuzz, keeping the first that succeeds and recording every attempt.
 *
 * Two departures from SWE-bench, both so a failed attempt cannot leak into the next one or into the
 * graded tree: after a failed attempt the files the patch names are restored (a `--reject` run
 * applies hunks partially and leaves `.rej` files), and `patch` runs with `--forward` and without
 * backup files (`--batch` alone would silently reverse a patch that looks already applied, and
 * `.orig` files would show up in the diff).
 */
import type { Sandbox } from '../sandbox/types.js';
import { shellQuote } from '../util/shell-quote.js';
import { normalizePatch, touchedPaths } from './patch-files.js';
import { unguessableSuffix } from './unguessable-suffix.js';
import { restorePaths } from './work-tree-restore.js';

export const PATCH_METHODS = ['git apply', 'git apply --reject', 'patch --fuzz=5'] as const;
export type PatchMethod = (typeof PATCH_METHODS)[number];

export interface PatchAttempt {
  method: PatchMethod;
  command: string;
  exitCode: number | null;
  output: string;
}

export interface PatchApplication {
  applied: boolean;
  /** The method that applied it. */
  method?: PatchMethod;
  attempts: PatchAttempt[];
  /** Why no method applied it (the last attempt's complaint), when none did. */
  failureReason?: string;
}

export interface ApplyPatchOptions {
  /** Names the patch file in the sandbox's temporary directory, for logs. */
  label?: string;
  timeoutMs?: number;
}

function commandFor(method: PatchMethod, patchPath: string): string {
  const file = shellQuote(patchPath);
  switch (method) {
    case 'git apply':
      return `git apply --verbose ${file}`;
    case 'git apply --reject':
      return `git apply --verbose --reject ${file}`;
    case 'patch --fuzz=5':
      return `patch --batch --forward --fuzz=5 -p1 --no-backup-if-mismatch -i ${file}`;
  }
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

export async function applyPatch(sandbox: Sandbox, patch: string, options: ApplyPatchOptions = {}): Promise<PatchApplication> {
  const normalized = normalizePatch(patch);
  const suffix = unguessableSuffix();
  const patchPath = `/tmp/swe-srl-${options.label ?? 'patch'}-${suffix}.diff`;
  await sandbox.writeFile(patchPath, normalized);
  // CRLF on only some lines of a patch is real: the lines of a file that has CRLF endings (a patch
  // recorded from a terminal has CRLF on every line). Normalising would break every hunk of that
  // file, so such a patch gets one `git apply` as given first.
  const mixedLineEndings = patch.includes('\r\n') && /(^|[^\r])\n/.test(patch);
  const asGivenPath = mixedLineEndings ? `/tmp/swe-srl-${options.label ?? 'patch'}-${suffix}-as-given.diff` : undefined;
  if (asGivenPath) await sandbox.writeFile(asGivenPath, patch.endsWith('\n') ? patch : `${patch}\n`);
  const paths = touchedPaths(normalized);
  const cd = `cd ${shellQuote(sandbox.workdir)}`;
  const attempts: PatchAttempt[] = [];
  const plan: Array<{ method: PatchMethod; path: string }> = [
    ...(asGivenPath ? [{ method: 'git apply' as const, path: asGivenPath }] : []),
    ...PATCH_METHODS.map((method) => ({ method, path: patchPath })),
  ];
  try {
    for (const { method, path } of plan) {
      const command = commandFor(method, path);
      const result = await sandbox.run(`${cd} && ${command} < /dev/null`, { timeoutMs: options.timeoutMs ?? 120_000 });
      attempts.push({ method, command, exitCode: result.exitCode, output: result.output });
      if (result.exitCode === 0) return { applied: true, method, attempts };
      // Undo whatever the failed attempt left in the files the patch names (git only: see work-tree-restore.ts).
      if (paths.length > 0) await restorePaths(sandbox, paths, { withPatchLeftovers: true, timeoutMs: 60_000 });
    }
  } finally {
    await sandbox.run(`rm -f ${[patchPath, ...(asGivenPath ? [asGivenPath] : [])].map(shellQuote).join(' ')}`, { timeoutMs: 30_000 });
  }
  const last = attempts[attempts.length - 1];
  const failureReason = last ? `${last.method} failed (exit ${last.exitCode ?? 'timeout'}): ${lastLines(last.output, 5)}` : 'no attempt ran';
  return { applied: false, attempts, failureReason };
}
