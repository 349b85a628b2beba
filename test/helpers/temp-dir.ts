/** Temporary directories for tests, removed however the test ends. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty directory under the system's temporary folder; `prefix` names it for whoever finds one left over. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `swe-srl-test-${prefix}-`));
}

/** Removes a directory tree; for `finally` blocks. */
export function removeTree(path: string): Promise<void> {
  return rm(path, { recursive: true, force: true });
}

/** Runs `body` with a fresh temporary directory, removed afterwards even when `body` fails. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>, prefix = 'tmp'): Promise<T> {
  const dir = await tempDir(prefix);
  try {
    return await body(dir);
  } finally {
    await removeTree(dir);
  }
}
