/**
 * Reading a `tasks` artefact: the instances, the environment specs, and what the teacher sidecar
 * says of each task (its tier and bug kind) so results can be counted per tier. Instances from
 * elsewhere (SWE-bench rows) have no sidecar and count under one tier, `all`.
 */
import { loadInstances, type Instance } from '../../eval/index.js';
import { readTaskLabels, type TaskLabel } from '../../tasks/task-labels.js';
import { loadEnvironmentSpecs, type EnvironmentSpecFile } from '../../sandbox/images/environment-spec.js';
import type { Artifact } from '../stage.js';

export { labelOf, ratesBy, readTaskLabels, type RateCount, type TaskLabel } from '../../tasks/task-labels.js';

export interface TaskFiles {
  instances: Instance[];
  environments: EnvironmentSpecFile[];
  reposDir: string;
  labels: Map<string, TaskLabel>;
}

export async function readTaskFiles(artifact: Artifact): Promise<TaskFiles> {
  return {
    instances: await loadInstances(artifact.files.instances!),
    environments: await loadEnvironmentSpecs(artifact.files.environments!),
    reposDir: artifact.files.repos!,
    labels: await readTaskLabels(artifact.files.teacher),
  };
}
