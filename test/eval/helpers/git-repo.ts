/** Small git repositories for tests, made with simple-git from a map of files. */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';

export interface TestRepository {
  path: string;
  commit: string;
}

const IDENTITY = ['user.name=swe-srl tests', 'user.email=tests@swe-srl.invalid', 'commit.gpgsign=false'];

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** A repository with one commit holding `files`, in `path` or a new temporary directory. */
export async function createRepository(files: Record<string, string>, path?: string): Promise<TestRepository> {
  const root = path ?? (await mkdtemp(join(tmpdir(), 'swe-srl-repo-')));
  await mkdir(root, { recursive: true });
  await writeFiles(root, files);
  const git = simpleGit(root, { config: IDENTITY });
  await git.raw(['init', '--quiet', '--initial-branch', 'main']);
  // Stored in the repository too, so commits made later from a shell in it work on any host.
  await git.raw(['config', 'user.name', 'swe-srl tests']);
  await git.raw(['config', 'user.email', 'tests@swe-srl.invalid']);
  await git.raw(['config', 'commit.gpgsign', 'false']);
  await git.raw(['add', '--all', '.']);
  await git.raw(['commit', '--quiet', '--no-verify', '-m', 'base']);
  return { path: root, commit: (await git.raw(['rev-parse', 'HEAD'])).trim() };
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
