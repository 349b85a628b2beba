/**
 * Keeping a patch to the source files: after the model's patch is applied, everything it changed
 * that belongs to the test runner (runner-files.ts) goes back to the base commit, through git (see
 * work-tree-restore.ts), before the test patch is applied and the tests run. What changed is what
 * git and the file system say changed (files written since a marker taken before the patch, files
 * differing from the base commit, new untracked files), not what the patch's headers claim, which
 * a context diff or an unusual header could hide.
 */
import type { Sandbox } from '../sandbox/types.js';
import { shellQuote } from '../util/shell-quote.js';
import { isFlagged, RUNNER_FILE_DESCRIPTIONS, runnerFileKind, type RunnerFileKind } from './runner-files.js';
import { unguessableSuffix } from './unguessable-suffix.js';
import { restorePaths } from './work-tree-restore.js';
import { outputFence } from './session-files.js';

export interface ResetRunnerFile {
  path: string;
  kind: RunnerFileKind;
}

export interface SourceOnlyResult {
  /** Runner files the patch changed, now back at the base commit (integrity issues). */
  flagged: ResetRunnerFile[];
  /** Plain test files the patch changed, now back at the base commit. */
  resetTests: string[];
  /** Source files the patch changed (relative paths): the code the tests exercise. */
  sourceFiles: string[];
  /** Paths that could not be restored (outside the work tree): named, not acted on. */
  skipped: Array<{ path: string; reason: string }>;
  /**
   * Every path found changed (before the runner files among them were reset). Complete only when
   * a marker was given (then files git ignores but something wrote are in it too): see `everyWrite`.
   */
  changedPaths: string[];
  /** Whether `changedPaths` holds every path that may differ from `base` (a marker was given). */
  everyWrite: boolean;
}

/** A marker file whose time stamp tells what was written after it, and the shell that makes it. */
export function newWorkTreeMark(): { marker: string; command: string } {
  const marker = `/tmp/swe-srl-mark-${unguessableSuffix()}`;
  // A redirection of the shell's own printf creates it: no process to start (touch would be one).
  return { marker, command: `builtin printf '' > ${shellQuote(marker)}` };
}

/** Takes the mark (its own round trip); take it right before applying. */
export async function markWorkTree(sandbox: Sandbox): Promise<string> {
  const { marker, command } = newWorkTreeMark();
  await sandbox.run(command, { timeoutMs: 30_000 });
  return marker;
}

/** NUL-separated lines of a command's output. */
function nulSeparated(output: string): string[] {
  return output.split('\0').filter((entry) => entry !== '');
}

/**
 * Shell listing, NUL-terminated, what differs from `base` or was written since `marker` (see
 * changedPaths), run from anywhere in the session: it changes to the work tree itself.
 */
function changedPathsCommand(sandbox: Sandbox, base: string, marker: string | undefined): string {
  const git = 'git -c core.quotepath=off';
  const commands = [
    `${git} diff --name-only -z --no-renames ${shellQuote(base)} --`,
    `${git} ls-files -z --others --exclude-standard`,
    ...(marker ? [`find . -path ./.git -prune -o ! -type d -cnewer ${shellQuote(marker)} -printf '%P\\0'`] : []),
  ];
  // Every command ends each path with a NUL and the lists are merged anyway: one list.
  return `cd ${shellQuote(sandbox.workdir)} && { ${commands.map((command) => `${command} 2>/dev/null;`).join(' ')} }`;
}

function changedPathsOf(output: string): string[] {
  return [...new Set(nulSeparated(output).map((path) => path.replace(/^\.\//, '')))].sort();
}

/** Shell listing, NUL-terminated, the names at the top of the tree and under src/ and lib/ at `base`. */
function topLevelNamesCommand(base: string): string {
  // A missing src/ or lib/ lists nothing.
  return `{ ${[base, `${base}:src`, `${base}:lib`].map((tree) => `git ls-tree -z --name-only ${shellQuote(tree)} 2>/dev/null;`).join(' ')} }`;
}

/**
 * Every path (relative to the work tree) that differs from `base` or was written since `marker`:
 * tracked changes and deletions, new files git sees, and files git ignores but the patch wrote.
 */
export async function changedPaths(sandbox: Sandbox, base: string, marker?: string): Promise<string[]> {
  const result = await sandbox.run(changedPathsCommand(sandbox, base, marker), { timeoutMs: 120_000 });
  return changedPathsOf(result.output);
}

/** What changed, and the names at the top of the tree at `base` (the repository's own modules). */
interface Changes {
  changed: string[];
  topLevel: Set<string>;
}

/**
 * The shell that lists what changed since `marker` (see changedPaths) and, unless they are known,
 * the names at the top of the tree at `base`, in one round trip; and how to read its output. The
 * two lists are told apart by an output fence (session-files.ts). Run it from anywhere in the
 * session: it changes to the work tree itself.
 */
export interface ChangeListing {
  command: string;
  read(output: string): Changes;
}

export function changeListing(sandbox: Sandbox, base: string, marker: string | undefined): ChangeListing {
  const listing = changedPathsCommand(sandbox, base, marker);
  // A commit's tree never changes: its names are asked once per process (an RL run grades the same
  // instances again and again).
  const known = /^[0-9a-f]{40,64}$/.test(base) ? topLevelNamesByCommit.get(base) : undefined;
  if (known) return { command: listing, read: (output) => ({ changed: changedPathsOf(output), topLevel: known }) };
  const fence = outputFence();
  return {
    command: `${listing}; ${fence.print}; ${topLevelNamesCommand(base)}`,
    read(output) {
      const { before: changedOutput, after: namesOutput = '' } = fence.split(output);
      const topLevel = new Set(nulSeparated(namesOutput).map((name) => name.replace(/\.py$/, '')));
      if (topLevel.size > 0 && /^[0-9a-f]{40,64}$/.test(base)) {
        if (topLevelNamesByCommit.size >= MAX_CACHED_COMMITS) topLevelNamesByCommit.delete(topLevelNamesByCommit.keys().next().value!);
        topLevelNamesByCommit.set(base, topLevel);
      }
      return { changed: changedPathsOf(changedOutput), topLevel };
    },
  };
}

const MAX_CACHED_COMMITS = 1_000;
const topLevelNamesByCommit = new Map<string, Set<string>>();

/**
 * Resets the runner files among what changed to `base`. `extraPaths`: what the patch's headers name,
 * added to what git and the file system report (a deleted ignored file shows up nowhere else).
 */
export async function keepSourceChangesOnly(
  sandbox: Sandbox,
  base: string,
  options: {
    marker?: string;
    extraPaths?: readonly string[];
    /**
     * The listing to use (from `changeListing(sandbox, base, marker)`) and its output when the
     * caller ran it already (in the round trip that applied the patch, say): that is read instead
     * of listing again. Without an output the listing runs here.
     */
    listed?: { listing: ChangeListing; output: string | undefined };
  } = {},
): Promise<SourceOnlyResult> {
  const listing = options.listed?.listing ?? changeListing(sandbox, base, options.marker);
  const output = options.listed?.output ?? (await sandbox.run(listing.command, { timeoutMs: 120_000 })).output;
  const found = listing.read(output);
  const changed = new Set(found.changed);
  for (const path of options.extraPaths ?? []) changed.add(path);
  const topLevel = found.topLevel;
  const flagged: ResetRunnerFile[] = [];
  const resetTests: string[] = [];
  const sourceFiles: string[] = [];
  for (const path of [...changed].sort()) {
    const kind = runnerFileKind(path, topLevel);
    if (kind === undefined) sourceFiles.push(path);
    else if (isFlagged(kind)) flagged.push({ path, kind });
    else resetTests.push(path);
  }
  const toReset = [...flagged.map((file) => file.path), ...resetTests];
  const restored = toReset.length > 0 ? await restorePaths(sandbox, toReset, { ref: base }) : { skipped: [] };
  return { flagged, resetTests, sourceFiles, skipped: restored.skipped, changedPaths: [...changed].sort(), everyWrite: options.marker !== undefined };
}

/** One line per flagged file, for report.json's integrity_issues and the reward's reason. */
export function runnerFileIssues(result: Pick<SourceOnlyResult, 'flagged'>): string[] {
  return result.flagged.map(
    (file) => `the patch changes ${file.path}, ${RUNNER_FILE_DESCRIPTIONS[file.kind]}: reset to the base commit before the tests ran`,
  );
}
