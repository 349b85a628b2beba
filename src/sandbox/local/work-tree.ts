/**
 * The local sandbox's copy of the repository: a new repository in a temporary directory that
 * borrows the source's objects (as `git clone --shared` does), checked out at the asked commit.
 * Not `git worktree add`, because a worktree keeps its index and refs inside the source
 * repository's .git, which the sandbox must not be able to write (and, under bubblewrap, cannot).
 * Not a clone either: a clone brings every branch, tag and remote-tracking ref, and its HEAD
 * reflog, so `git log --all` would show the agent the commits after the base, the fix among them.
 * Here no ref at all points past the base commit (HEAD is detached at it), and the objects it
 * borrows are not the source's (which hold the later commits, the fix among them, for
 * `git cat-file --batch-all-objects` to find) but a store holding the base commit's history only,
 * fetched once per source and commit and kept in the temporary folder for the sandboxes after it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { InputError } from '../../errors.js';

export interface WorkTree {
  /** Temporary directory holding everything below; removed by `remove()`. */
  readonly root: string;
  /** The clone, seen as /testbed by sandboxed commands. */
  readonly testbed: string;
  /** A private /tmp for sandboxed commands. */
  readonly tmp: string;
  /** The full hash of the commit the clone was checked out at. */
  readonly baseCommit: string;
  /** The object store the clone borrows from (read-only): the base commit's history, nothing later. */
  readonly sharedObjects: string;
  remove(): Promise<void>;
}

export async function prepareWorkTree(repoPath: string, commit = 'HEAD'): Promise<WorkTree> {
  const source = resolve(repoPath);
  const gitDir = await git(source, ['rev-parse', '--absolute-git-dir']).catch(() => undefined);
  if (gitDir === undefined) throw new InputError(`repoPath: ${repoPath} is not a git repository`);
  const baseCommit = await git(source, ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`]).catch(() => undefined);
  if (baseCommit === undefined) throw new InputError(`commit: ${commit} is not a commit in ${repoPath}`);
  const sharedObjects = await baseHistoryObjects(source, baseCommit);

  const root = await mkdtemp(join(tmpdir(), 'swe-srl-local-'));
  const remove = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    const testbed = join(root, 'testbed');
    const tmp = join(root, 'tmp');
    await mkdir(tmp);
    await execa('git', ['init', '--quiet', testbed]);
    await writeFile(join(testbed, '.git', 'objects', 'info', 'alternates'), `${sharedObjects}\n`);
    // A shallow source's history ends where its shallow file says; without it, git log would fail there.
    const shallow = join(dirname(sharedObjects), 'shallow');
    if (existsSync(shallow)) await copyFile(shallow, join(testbed, '.git', 'shallow'));
    await git(testbed, ['checkout', '--quiet', '--detach', baseCommit]);
    return { root, testbed, tmp, baseCommit, sharedObjects, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * A bare repository holding `commit` and its ancestors only, fetched from `source` (by id, which a
 * local upload-pack allows when told to); shared by every sandbox of that source and commit. It is
 * built in a folder of its own and renamed into place, so concurrent sandboxes never see half of one.
 */
async function baseHistoryObjects(source: string, commit: string): Promise<string> {
  const stores = join(tmpdir(), 'swe-srl-local-objects');
  const key = createHash('sha256').update(`${await realpath(source)}\0${commit}`).digest('hex').slice(0, 24);
  const store = join(stores, key);
  if (existsSync(join(store, 'complete'))) return join(store, 'objects');
  await mkdir(stores, { recursive: true });
  const building = await mkdtemp(join(stores, `${key}.building-`));
  try {
    await execa('git', ['init', '--quiet', '--bare', building]);
    await execa('git', [
      '-C', building, 'fetch', '--quiet', '--no-tags', '--update-shallow',
      '--upload-pack', 'git -c uploadpack.allowAnySHA1InWant=true upload-pack',
      source, `${commit}:refs/swe-srl/base`,
    ]);
    await writeFile(join(building, 'complete'), `${commit}\n`);
    await rename(building, store).catch(async (error: NodeJS.ErrnoException) => {
      // Another sandbox finished the same store first: use that one.
      if (!existsSync(join(store, 'complete'))) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return join(store, 'objects');
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execa('git', args, { cwd });
  return stdout.trim();
}
