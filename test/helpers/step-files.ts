/**
 * Chat-form step files for the export and serve tests, written by the library's own `traj steps`
 * from a trajectory: the repository's sample (always there) or the shared SWE-agent ones.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeStepFile } from '../../src/trajectories/steps/write-steps.js';
import { defaultStepOptions } from '../../src/trajectories/steps/decompose.js';
import { readJsonlFile } from './jsonl-files.js';
import { SHARED_TRAJECTORY_FILES, sharedDataPath } from './shared-data.js';

export const SAMPLE_TRAJECTORY = fileURLToPath(new URL('../../trajectories/sample-calculator-mean.traj', import.meta.url));

/** The shared trajectories that exist here (none on a user's clone). */
export function sharedTrajectories(): string[] {
  return SHARED_TRAJECTORY_FILES.map((name) => sharedDataPath('sweagent', name)).filter((path): path is string => path !== undefined);
}

/** Writes `dir/name` with the chat step rows of the trajectories and returns its path and rows. */
export async function writeChatSteps(dir: string, trajectories: readonly string[], name = 'steps.jsonl'): Promise<{ path: string; rows: Array<Record<string, unknown>> }> {
  const path = join(dir, name);
  await writeStepFile(trajectories, { ...defaultStepOptions, form: 'chat', output: path });
  return { path, rows: await readJsonlFile(path) };
}
