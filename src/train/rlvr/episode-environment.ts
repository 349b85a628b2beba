/**
 * Where RLVR episodes run: the agent's instance sandboxes (Docker or local, as a rollout makes
 * them, labelled with a run id so an interrupted run's leftovers can be found), and each task's
 * test environment from the environment specs, read once.
 */
import type { InstanceSandboxes } from '../../agent/instance-sandbox.js';
import type { Instance } from '../../eval/instances.js';
import { findEnvironmentSpec, loadEnvironmentSpecs, type EnvironmentSpecFile } from '../../sandbox/images/environment-spec.js';
import type { EpisodeEnvironment } from './episode-runner.js';

export function episodeEnvironmentOf(sandboxes: InstanceSandboxes, environmentsDir: string, runId: string): EpisodeEnvironment {
  let specs: Promise<EnvironmentSpecFile[]> | undefined;
  return {
    createSandbox: (instance: Instance) => sandboxes.create(instance, { runId }),
    environmentFor: async (instance: Instance) => {
      specs ??= loadEnvironmentSpecs(environmentsDir);
      return findEnvironmentSpec(await specs, instance.repo, instance.version);
    },
  };
}
