/**
 * Recording: every run is a normalized trajectory (AgentResult.trajectory); these write it as a
 * SWE-agent `.traj` with the trajectories writer. Files are written whole and renamed into place,
 * so an interrupted run never leaves a half-written `.traj` behind.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { serializeSweAgentTraj } from '../trajectories/writers/swe-agent-traj.js';
import type { Trajectory } from '../trajectories/schema.js';
import type { AgentHooks } from './hooks.js';

/** Writes text to `path` through a temporary file in the same directory. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

export async function writeTrajFile(path: string, trajectory: Trajectory): Promise<void> {
  await writeFileAtomically(path, serializeSweAgentTraj(trajectory));
}

/** A hook set that writes the run's `.traj` to `path` when it ends. */
export function recordTrajHook(path: string): AgentHooks {
  return { onRunDone: (result) => writeTrajFile(path, result.trajectory) };
}
