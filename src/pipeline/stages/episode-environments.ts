/**
 * Episodes for the trainer's stages on the run's sandbox backend: the `rlvr` stage's training and
 * validation episodes, and the held-out episodes that measure a handed-on model's resolve rate.
 */
import type { Instance } from '../../eval/instances.js';
import { findEnvironmentSpec, type EnvironmentSpecFile } from '../../sandbox/images/environment-spec.js';
import type { EpisodeEnvironment } from '../../train/rlvr/episode-runner.js';
import type { Artifact, StageContext } from '../stage.js';
import { readTaskFiles } from './task-files.js';

/** Episodes on the run's backend for a `tasks` artefact. */
export async function episodeEnvironmentFor(context: StageContext<unknown>, tasks: Artifact, label: string): Promise<{ instances: Instance[]; environment: EpisodeEnvironment }> {
  const files = await readTaskFiles(tasks);
  const specs: EnvironmentSpecFile[] = files.environments;
  const provider = await context.sandboxes.provider({ runId: label, reposDir: files.reposDir });
  // What a killed earlier attempt of this stage left running.
  await provider.removeLeftovers?.(label);
  const environmentFor = async (instance: Instance) => findEnvironmentSpec(specs, instance.repo, instance.version);
  return {
    instances: files.instances,
    environment: { environmentFor, createSandbox: async (instance) => provider.open(instance, await environmentFor(instance), (line) => context.progress.log(line)) },
  };
}

/** A run id for the stage's sandboxes: the run folder's and the stage's names. */
export function sandboxLabel(context: StageContext<unknown>): string {
  return `${context.runDir.split('/').filter(Boolean).at(-1) ?? 'run'}-${context.name}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(-60);
}
