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

/**
 * The SWE-agent trajectories under sweagent/ that the trajectory tests read, convert and replay;
 * the two demonstrations use str_replace_editor, the tool-call form SWE-smith's trajectories use.
 */
export const SHARED_TRAJECTORY_FILES = [
  'humanevalfix-python-0.traj',
  'pydicom__pydicom-1458.traj',
  '6e44b9__sweagenttestrepo-1c2844.traj',
  'function_calling_simple.traj',
  'str_replace_anthropic_demo.yaml',
  'xml_function_calling_demo.jsonl',
];

/** The absolute path of a file under ../shared/data, or undefined when it is absent. */
export function sharedDataPath(...parts: string[]): string | undefined {
  const path = join(sharedDataDir, ...parts);
  return existsSync(path) ? path : undefined;
}

/** A value for node:test's `skip` option: false when the file exists, else the reason. */
export function skipUnlessShared(...parts: string[]): false | string {
  return sharedDataPath(...parts) ? false : `../shared/data/${parts.join('/')} is absent (only CI and developers have it)`;
}
