/**
 * Putting paths of the work tree back as a commit has them, with git and nothing else. The paths
 * come from untrusted places (a patch's headers, what a patch changed), so they are never given to
 * `rm` or spliced into a command line: they travel in a NUL-separated file, each is resolved with
 * `realpath` and skipped unless it lies inside the work tree (and outside .git), and git takes it
 * as a literal pathspec (`*` is a file called `*`), from `git checkout` (tracked at the commit) or
 * `git clean` (not tracked there: git only ever removes untracked files inside the work tree).
 * `../../usr/bin/pytest-3` is skipped, not deleted.
 */
import type { Sandbox } from '../sandbox/types.js';
import { shellQuote } from '../util/shell-quote.js';
import { unguessableSuffix } from './unguessable-suffix.js';
import { sessionListPrintCommand } from './session-files.js';

export interface RestoreResult {
  /** Put back as the commit has them. */
  restored: string[];
  /** Not in the commit: removed (if they existed). */
  removed: string[];
  /** Left alone, and why (outside the work tree, inside .git). */
  skipped: Array<{ path: string; reason: string }>;
}

export interface RestoreOptions {
  /** The commit (or ref) to restore from. Default HEAD. */
  ref?: string;
  /** Also remove `<path>.rej` and `<path>.orig` (what `git apply --reject` and `patch` leave). */
  withPatchLeftovers?: boolean;
  /** Only remove `<path>.rej` and `<path>.orig`, leaving the paths themselves as they are. */
  leftoversOnly?: boolean;
  timeoutMs?: number;
}

/**
 * Arguments: the work tree, the ref, and what to do: 0 restore, 1 restore and clean patch
 * leftovers, 2 only clean patch leftovers. The NUL-terminated list comes on stdin (moved to fd 3,
 * so nothing the loop runs can read it). One line per path on stdout:
 * `restored|removed|skipped<TAB>reason<TAB>path`.
 */
const RESTORE_SCRIPT = `set -u
exec 3<&0 < /dev/null
cd "$1" || exit 1
top=$(pwd -P)
ref=$2
export GIT_LITERAL_PATHSPECS=1
while IFS= read -r -d '' -u 3 path; do
  [ -n "$path" ] || continue
  real=$(realpath -m -- "$path" 2>/dev/null) || { printf 'skipped\\tunresolvable\\t%s\\n' "$path"; continue; }
  case $real in
    "$top"/.git|"$top"/.git/*) printf 'skipped\\tinside .git\\t%s\\n' "$path"; continue ;;
    "$top"/*) ;;
    *) printf 'skipped\\toutside the work tree\\t%s\\n' "$path"; continue ;;
  esac
  relative=\${real#"$top"/}
  if [ "$3" = 2 ]; then git clean -fqx -- "$relative.rej" "$relative.orig" >/dev/null 2>&1; continue; fi
  # Checking out is tried first (it fails for a path the commit lacks): one git run in the usual
  # case. A path the commit has but git would not write (beyond a symlink) is left alone, unreported.
  if git checkout -q "$ref" -- "$relative" 2>/dev/null; then
    printf 'restored\\t\\t%s\\n' "$path"
  elif git cat-file -e "$ref:$relative" 2>/dev/null; then
    :
  else
    # Tracked in the index but not at the commit (committed since): untrack it first, then clean.
    git rm -q -r --cached --ignore-unmatch -- "$relative" >/dev/null 2>&1
    git clean -fdqx -- "$relative" >/dev/null && printf 'removed\\t\\t%s\\n' "$path"
  fi
  if [ "$3" = 1 ]; then git clean -fqx -- "$relative.rej" "$relative.orig" >/dev/null 2>&1; fi
done
exit 0
`;

/**
 * The shell that restores `paths` in one session command (the list is piped from the shell's own
 * `printf`), for a caller that runs it in a command of its own; undefined when the list cannot
 * travel in a command. Its stdin is its own: a caller's redirection does not reach the list.
 */
export function restoreCommand(sandbox: Sandbox, paths: readonly string[], options: RestoreOptions = {}): string | undefined {
  const printList = sessionListPrintCommand(listedPaths(paths));
  return printList === undefined ? undefined : `{ ${printList} | ${restoreScriptCommand(sandbox, options)}; }`;
}

export async function restorePaths(sandbox: Sandbox, paths: readonly string[], options: RestoreOptions = {}): Promise<RestoreResult> {
  const listed = listedPaths(paths);
  if (listed.length === 0) return { restored: [], removed: [], skipped: [] };
  let command = restoreCommand(sandbox, listed, options);
  if (command === undefined) {
    // Too long a list for a command: it goes through the file API, and the script reads the file.
    const listFile = `/tmp/swe-srl-restore-${unguessableSuffix()}.list`;
    await sandbox.writeFile(listFile, `${listed.join('\0')}\0`);
    command = `${restoreScriptCommand(sandbox, options)} < ${shellQuote(listFile)}; rm -f -- ${shellQuote(listFile)}`;
  }
  const run = await sandbox.run(command, { timeoutMs: options.timeoutMs ?? 120_000 });
  return parseRestoreOutput(run.output);
}

function listedPaths(paths: readonly string[]): string[] {
  return paths.filter((path) => path !== '' && !path.includes('\0'));
}

function restoreScriptCommand(sandbox: Sandbox, options: RestoreOptions): string {
  return [
    'bash', '--noprofile', '--norc', '-c', RESTORE_SCRIPT, 'swe-srl-restore',
    sandbox.workdir, options.ref ?? 'HEAD', options.leftoversOnly ? '2' : options.withPatchLeftovers ? '1' : '0',
  ].map(shellQuote).join(' ');
}

function parseRestoreOutput(output: string): RestoreResult {
  const result: RestoreResult = { restored: [], removed: [], skipped: [] };
  for (const line of output.split('\n')) {
    const [outcome, reason, ...rest] = line.split('\t');
    const path = rest.join('\t');
    if (outcome === 'restored') result.restored.push(path);
    else if (outcome === 'removed') result.removed.push(path);
    else if (outcome === 'skipped') result.skipped.push({ path, reason: reason ?? '' });
  }
  return result;
}
