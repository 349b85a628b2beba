/**
 * `images`: the Docker images every task of a set runs in (base → environment → instance, each
 * cached by a content hash), built before the stages that open sandboxes so their first episode
 * does not wait on a build. A rerun finds them by tag. On the local backend there is nothing to
 * build and the stage says so.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../../io/atomic-write.js';
import { findEnvironmentSpec } from '../../sandbox/images/environment-spec.js';
import { ensureInstanceImage } from '../../sandbox/images/instance-image.js';
import type { StageDefinition } from '../stage.js';
import { readTaskFiles } from './task-files.js';

const settingsSchema = z.strictObject({});

export const imagesStage: StageDefinition<typeof settingsSchema> = {
  type: 'images',
  description: 'build (or find) the Docker image of every task',
  settings: settingsSchema,
  inputs: { tasks: { kind: 'tasks', description: 'the tasks whose images to build' } },
  outputs: { images: { kind: 'images', description: 'images.json: the image of each instance, and whether it was built or cached' } },
  version: 1,
  usesSandboxes: true,
  async run({ inputs, dir, sandboxes, progress, signal }) {
    const tasks = await readTaskFiles(inputs.tasks!);
    const output = join(dir, 'images.json');
    const docker = await sandboxes.dockerClient();
    if (!docker) {
      progress.log('local backend: no images to build (sandboxes are work trees on the host)');
      await writeFileAtomically(output, `${JSON.stringify({ backend: 'local', images: [] }, null, 2)}\n`);
      return { outputs: { images: { kind: 'images', files: { images: output } } }, summary: { backend: 'local', instances: tasks.instances.length, built: 0, cached: 0 } };
    }
    progress.total(tasks.instances.length, 'images', 'building instance images');
    const images: Array<{ instance_id: string; tag: string; built: boolean; environment: string; base: string }> = [];
    let environmentsBuilt = 0;
    let baseBuilt = false;
    for (const instance of tasks.instances) {
      if (signal.aborted) throw new Error('stopped');
      const environment = findEnvironmentSpec(tasks.environments, instance.repo, instance.version);
      const image = await ensureInstanceImage(docker, {
        environment,
        repo: instance.repo,
        commit: instance.base_commit,
        instanceId: instance.instance_id,
        reposDir: tasks.reposDir,
        onProgress: (line) => progress.log(line),
      });
      if (image.environment.built) environmentsBuilt += 1;
      if (image.environment.base.built) baseBuilt = true;
      images.push({ instance_id: instance.instance_id, tag: image.tag, built: image.built, environment: image.environment.tag, base: image.environment.base.tag });
      progress.advance(1, `${instance.instance_id}: ${image.built ? 'built' : 'cached'}`);
    }
    await writeFileAtomically(output, `${JSON.stringify({ backend: 'docker', images }, null, 2)}\n`);
    const built = images.filter((image) => image.built).length;
    return {
      outputs: { images: { kind: 'images', files: { images: output } } },
      headline: `${images.length} instance images: ${built} built, ${images.length - built} cached`,
      summary: { backend: 'docker', instances: images.length, built, cached: images.length - built, environments_built: environmentsBuilt, base_built: baseBuilt, base: images[0]?.base },
    };
  },
};
