/** Small git repositories for tests, made with simple-git from maps of files. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { tempDir } from './temp-dir.js';

export interface TestRepository {
  path: string;
  commit: string;
}

export interface TwoCommitRepo {
  path: string;
  /** The commit tests treat as base_commit. */
  first: string;
  /** A later commit that must not leak into a prepared repository. */
  second: string;
}

const IDENTITY = ['user.name=swe-srl tests', 'user.email=tests@swe-srl.invalid', 'commit.gpgsign=false'];

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Writes `files` into the repository at `path` and commits them; returns the new commit. */
export async function commitFiles(path: string, files: Record<string, string>, message: string): Promise<string> {
  await writeFiles(path, files);
  const git = simpleGit(path, { config: IDENTITY });
  await git.raw(['add', '--all', '.']);
  await git.raw(['commit', '--quiet', '--no-verify', '-m', message]);
  return (await git.raw(['rev-parse', 'HEAD'])).trim();
}

/** A repository with one commit holding `files`, in `path` or a new temporary directory. */
export async function createRepository(files: Record<string, string>, path?: string): Promise<TestRepository> {
  const root = path ?? (await tempDir('repo'));
  await mkdir(root, { recursive: true });
  const git = simpleGit(root, { config: IDENTITY });
  await git.raw(['init', '--quiet', '--initial-branch', 'main']);
  // Stored in the repository too, so commits made later from a shell in it work on any host.
  await git.raw(['config', 'user.name', 'swe-srl tests']);
  await git.raw(['config', 'user.email', 'tests@swe-srl.invalid']);
  await git.raw(['config', 'commit.gpgsign', 'false']);
  return { path: root, commit: await commitFiles(root, files, 'base') };
}

/** A repository in `parent/dirName` (`owner__name`, as the repos folder has them) with two commits on main: a bug, then its fix. */
export async function makeTwoCommitRepo(parent: string, dirName: string): Promise<TwoCommitRepo> {
  const bug = { 'app.py': 'def answer():\n    return 41\n', 'tests/test_app.py': 'from app import answer\n\ndef test_answer():\n    assert answer() == 42\n' };
  const { path, commit: first } = await createRepository(bug, join(parent, dirName));
  const second = await commitFiles(path, { 'app.py': 'def answer():\n    return 42\n' }, 'second: the fix');
  return { path, first, second };
}

/**
 * The patch that turns the repository's HEAD into HEAD plus `changes` (path → new content, or null
 * to delete), computed by git itself; the working tree is left as it was.
 */
export async function patchFor(repositoryPath: string, changes: Record<string, string | null>): Promise<string> {
  const git = simpleGit(repositoryPath, { config: IDENTITY });
  for (const [path, content] of Object.entries(changes)) {
    if (content === null) await git.raw(['rm', '-q', path]);
    else {
      await writeFiles(repositoryPath, { [path]: content });
      await git.raw(['add', path]);
    }
  }
  const patch = await git.raw(['diff', '--cached', 'HEAD']);
  await git.raw(['reset', '-q', '--hard', 'HEAD']);
  await git.raw(['clean', '-qfd']);
  return patch;
}
