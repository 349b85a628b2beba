/**
 * Git for generated tasks, through git itself so patches are real `git diff` text. Every call runs
 * with a minimal environment (no user or system config, fixed identity and date), so commit ids,
 * diffs and the repository's files are the same on every run: as for the shipped sample
 * repositories, the commit id depends only on the files.
 *
 * Each candidate's trees are written in a scratch repository of its own, so the abbreviated blob
 * ids in its diffs depend only on that task; its base commit is then pushed to the shared
 * repositories as a branch `tasks/<instance_id>` (the instance images fetch that commit and nothing
 * else).
 */
import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { SweSrlError } from '../errors.js';

export const TASK_AUTHOR = { name: 'swe-srl tasks', email: 'tasks@swe-srl.invalid' };

export class GitError extends SweSrlError {}

function gitEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

export async function git(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<string> {
  const result = await execa('git', args, {
    env: gitEnvironment(options.env),
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
  });
  if (result.exitCode !== 0) {
    const error = new GitError(`git ${args.slice(0, 3).join(' ')} failed (exit ${result.exitCode}): ${String(result.stderr).trim().split('\n').slice(-3).join(' | ')}`);
    // ENOSPC surfaces as text from git; keep it findable for the caller's disk-full message.
    if (/No space left on device/i.test(String(result.stderr))) Object.assign(error, { code: 'ENOSPC' });
    throw error;
  }
  return String(result.stdout);
}

/**
 * A bare repository with no hooks or sample files, HEAD on an unborn `main`. It is made next to
 * its place and renamed there, so a failure part way (a full disk) never leaves half a repository.
 */
export async function initBareRepository(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const staging = `${path}.${process.pid}.init`;
  await rm(staging, { recursive: true, force: true });
  try {
    await git(['init', '--quiet', '--bare', '--template=', '--initial-branch=main', staging]);
    await rename(staging, path);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Writes `files` as a tree object of the repository at `gitDir` and returns its id. */
export async function writeTree(gitDir: string, files: ReadonlyMap<string, string>): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'swe-srl-tree-'));
  try {
    const tree = join(work, 'tree');
    for (const [path, content] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const target = join(tree, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await mkdir(tree, { recursive: true });
    const env = { GIT_DIR: gitDir, GIT_WORK_TREE: tree, GIT_INDEX_FILE: join(work, 'index') };
    await git(['add', '--all', '--force', '.'], { env });
    return (await git(['write-tree'], { env })).trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `git diff` between two trees, as SWE-bench patches are written (a/ and b/ prefixes, 3 lines of context). */
export async function diffTrees(gitDir: string, from: string, to: string): Promise<string> {
  return git(['--git-dir', gitDir, 'diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', from, to]);
}

export async function commitTree(gitDir: string, tree: string, message: string, date: string): Promise<string> {
  const env = {
    GIT_AUTHOR_NAME: TASK_AUTHOR.name,
    GIT_AUTHOR_EMAIL: TASK_AUTHOR.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: TASK_AUTHOR.name,
    GIT_COMMITTER_EMAIL: TASK_AUTHOR.email,
    GIT_COMMITTER_DATE: date,
  };
  return (await git(['--git-dir', gitDir, 'commit-tree', tree, '-m', message], { env })).trim();
}

/**
 * Pushes `commit` from one repository to another as `ref`. The receiving side unpacks the objects
 * loose (whatever their number), so its files depend only on what it holds, not on pack heuristics.
 */
export async function pushCommit(fromGitDir: string, toGitDir: string, commit: string, ref: string): Promise<void> {
  await git([
    '--git-dir',
    fromGitDir,
    'push',
    '--quiet',
    '--force',
    '--no-verify',
    '--receive-pack=git -c receive.unpackLimit=1000000 -c receive.fsckObjects=false receive-pack',
    toGitDir,
    `${commit}:${ref}`,
  ]);
}

export async function refCommit(gitDir: string, ref: string): Promise<string | undefined> {
  try {
    const out = (await git(['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

export async function deleteRef(gitDir: string, ref: string): Promise<void> {
  await git(['--git-dir', gitDir, 'update-ref', '-d', ref]);
}

export async function listRefs(gitDir: string, prefix: string): Promise<Map<string, string>> {
  const out = await git(['--git-dir', gitDir, 'for-each-ref', '--format=%(refname) %(objectname)', prefix]);
  const refs = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [ref, id] = line.split(' ');
    refs.set(ref!, id!);
  }
  return refs;
}

/** Removes objects no ref reaches (a dropped candidate's), so the published repository holds only tasks. */
export async function pruneUnreachable(gitDir: string): Promise<void> {
  await git(['--git-dir', gitDir, 'prune', '--expire=now']);
}
