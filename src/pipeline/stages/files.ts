/**
 * `files`: existing files as artefacts, so a pipeline can start from data made elsewhere (SWE-agent
 * or SWE-smith trajectories, SWE-bench instances and their repositories, predictions). Paths are
 * relative to the pipeline file. Trajectories in any format `traj convert` reads become one JSONL
 * store in the stage's folder, so every later stage reads one format.
 *
 *     - stage: files
 *       name: shared
 *       trajectories: [../shared/data/sweagent/a.traj]
 *       tasks: {instances: i.jsonl, repos: repos, environments: environments}
 *       predictions: preds.jsonl
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { loadInstances } from '../../eval/index.js';
import { loadPredictions } from '../../eval/predictions.js';
import { readTrajectories, writeTrajectoryStore, type Trajectory } from '../../trajectories/index.js';
import type { Artifact, OutputSlot, StageDefinition } from '../stage.js';

const path = z.string().min(1);

const settingsSchema = z
  .strictObject({
    trajectories: z.union([path, z.array(path).min(1)]).optional(),
    tasks: z
      .strictObject({
        instances: path,
        repos: path,
        environments: path,
        /** The teacher sidecar of the built-in task family, when the tasks have one. */
        teacher: path.optional(),
      })
      .optional(),
    predictions: path.optional(),
  })
  .refine((settings) => settings.trajectories !== undefined || settings.tasks !== undefined || settings.predictions !== undefined, {
    message: 'name at least one of trajectories, tasks, predictions',
  });
type Settings = z.output<typeof settingsSchema>;

function outputsFor(settings: Settings): Record<string, OutputSlot> {
  const outputs: Record<string, OutputSlot> = {};
  if (settings.tasks) outputs.tasks = { kind: 'tasks', description: 'the instances, repositories and environment specs given' };
  if (settings.trajectories) outputs.trajectories = { kind: 'trajectories', description: 'the trajectories given, as one JSONL store' };
  if (settings.predictions) outputs.predictions = { kind: 'predictions', description: 'the predictions given' };
  return outputs;
}

async function mustExist(field: string, file: string): Promise<string> {
  try {
    await access(file);
  } catch {
    throw new InputError(`${field}: ${file} does not exist`);
  }
  return file;
}

export const filesStage: StageDefinition<typeof settingsSchema> = {
  type: 'files',
  description: 'existing files (trajectories, tasks, predictions) as artefacts for later stages',
  settings: settingsSchema,
  inputs: {},
  outputs: outputsFor,
  version: 1,
  async run({ settings, baseDir, dir, progress }) {
    const outputs: Record<string, Artifact> = {};
    const summary: Record<string, unknown> = {};
    if (settings.tasks) {
      const files = {
        instances: await mustExist('tasks.instances', resolve(baseDir, settings.tasks.instances)),
        repos: await mustExist('tasks.repos', resolve(baseDir, settings.tasks.repos)),
        environments: await mustExist('tasks.environments', resolve(baseDir, settings.tasks.environments)),
        ...(settings.tasks.teacher ? { teacher: await mustExist('tasks.teacher', resolve(baseDir, settings.tasks.teacher)) } : {}),
      };
      summary.instances = (await loadInstances(files.instances)).length;
      outputs.tasks = { kind: 'tasks', files };
    }
    if (settings.trajectories) {
      const sources = (Array.isArray(settings.trajectories) ? settings.trajectories : [settings.trajectories]).map((file) => resolve(baseDir, file));
      const store = join(dir, 'trajectories.jsonl');
      progress.total(sources.length, 'files', 'reading trajectories');
      async function* all(): AsyncGenerator<Trajectory> {
        for (const source of sources) {
          await mustExist('trajectories', source);
          for await (const { trajectory } of readTrajectories(source)) yield trajectory;
          progress.advance();
        }
      }
      summary.trajectories = await writeTrajectoryStore(store, all());
      outputs.trajectories = { kind: 'trajectories', files: { store } };
    }
    if (settings.predictions) {
      const file = await mustExist('predictions', resolve(baseDir, settings.predictions));
      summary.predictions = (await loadPredictions(file)).predictions.length;
      outputs.predictions = { kind: 'predictions', files: { predictions: file } };
    }
    return { outputs, summary };
  },
};
