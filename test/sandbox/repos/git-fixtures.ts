/** Small git repositories made on the fly for repository and instance-image tests. */
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';

export interface TwoCommitRepo {
  path: string;
  /** The commit tests treat as base_commit. */
  first: string;
  /** A later commit that must not leak into a prepared repository. */
  second: string;
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** A repository in `parent/owner__name` with two commits on main. */
export async function makeTwoCommitRepo(parent: string, dirName: string): Promise<TwoCommitRepo> {
  const path = join(parent, dirName);
  await mkdir(path, { recursive: true });
  const git = simpleGit(path);
  await git.raw(['init', '--quiet', '--initial-branch', 'main']);
  await git.addConfig('user.name', 'test').addConfig('user.email', 'test@example.invalid').addConfig('commit.gpgsign', 'false');
  await writeTree(path, { 'app.py': 'def answer():\n    return 41\n', 'tests/test_app.py': 'from app import answer\n\ndef test_answer():\n    assert answer() == 42\n' });
  await git.add('.').commit('first: the bug');
  const first = (await git.revparse(['HEAD'])).trim();
  await writeTree(path, { 'app.py': 'def answer():\n    return 42\n' });
  await git.add('.').commit('second: the fix');
  const second = (await git.revparse(['HEAD'])).trim();
  return { path, first, second };
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `swe-srl-test-${prefix}-`));
}
