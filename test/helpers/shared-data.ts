/**
 * `../shared/data` holds real reference data (trajectories, SWE-bench rows, difflib ratios) next to
 * the project, in CI and on developers' machines, but not in a user's clone. Tests that need it
 * skip with a message saying so.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const sharedDataDir = join(projectRoot, '..', 'shared', 'data');

/** The absolute path of a file under ../shared/data, or undefined when it is absent. */
export function sharedDataPath(...parts: string[]): string | undefined {
  const path = join(sharedDataDir, ...parts);
  return existsSync(path) ? path : undefined;
}

/** A value for node:test's `skip` option: false when the file exists, else the reason. */
export function skipUnlessShared(...parts: string[]): false | string {
  return sharedDataPath(...parts) ? false : `../shared/data/${parts.join('/')} is absent (only CI and developers have it)`;
}
