/**
 * Recording: every run is a normalized trajectory (AgentResult.trajectory); these write it as a
 * SWE-agent `.traj` with the trajectories writer. Files are written whole and renamed into place,
 * so an interrupted run never leaves a half-written `.traj` behind.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically } from '../io/atomic-write.js';
import { serializeSweAgentTraj } from '../trajectories/writers/swe-agent-traj.js';
import type { Trajectory } from '../trajectories/schema.js';
import type { AgentHooks } from './hooks.js';

export async function writeTrajFile(path: string, trajectory: Trajectory): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomically(path, serializeSweAgentTraj(trajectory));
}

/** A hook set that writes the run's `.traj` to `path` when it ends. */
export function recordTrajHook(path: string): AgentHooks {
  return { onRunDone: (result) => writeTrajFile(path, result.trajectory) };
}
