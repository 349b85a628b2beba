/**
 * `rlvr`: GRPO on whole episodes (src/train/rlvr): G episodes per training task in parallel
 * sandboxes on the run's backend, the local policy acting through the agent's Episode, each
 * rewarded by the evaluation stage. Held-out tasks (when wired) are its validation: reward and
 * resolve rate every `train.rlvr.evalEvery` steps, and the handed-on model's resolve rate at the end.
 */
import type { StageDefinition } from '../stage.js';
import { episodeEnvironmentFor, sandboxLabel } from './episode-environments.js';
import { groupTrainerOutcome } from './trainer-outcome.js';
import { CHECKPOINT_OUTPUT, HELDOUT_INPUTS, INIT_INPUT, trainerRunOptions, trainerSettingsSchema } from './trainer-stage.js';

export const rlvrStage: StageDefinition<typeof trainerSettingsSchema> = {
  type: 'rlvr',
  description: 'RLVR: GRPO of the local policy on whole episodes, rewarded by the evaluation stage (observations masked)',
  settings: trainerSettingsSchema,
  inputs: {
    tasks: { kind: 'tasks', description: 'training tasks' },
    init: INIT_INPUT,
    ...HELDOUT_INPUTS,
  },
  outputs: CHECKPOINT_OUTPUT,
  version: 1,
  usesSandboxes: true,
  async run(context) {
    const { inputs } = context;
    const { trainRlvr } = await import('../../train/rlvr/rlvr-trainer.js');
    const label = sandboxLabel(context);
    const train = await episodeEnvironmentFor(context, inputs.tasks!, label);
    // Held-out episodes during training run in the held-out tasks' own repositories.
    const heldout = inputs.heldout ? await episodeEnvironmentFor(context, inputs.heldout, `${label}-val`) : undefined;
    const environments = heldout
      ? {
          createSandbox: (instance: Parameters<typeof train.environment.createSandbox>[0]) => (heldout.instances.includes(instance) ? heldout.environment : train.environment).createSandbox(instance),
          environmentFor: (instance: Parameters<typeof train.environment.environmentFor>[0]) => (heldout.instances.includes(instance) ? heldout.environment : train.environment).environmentFor(instance),
        }
      : train.environment;
    const result = await trainRlvr({
      ...trainerRunOptions(context, 'rlvr'),
      tasks: train.instances,
      tasksSource: inputs.tasks!.files.instances!,
      ...(heldout ? { validation: heldout.instances } : {}),
      environments,
    });
    return groupTrainerOutcome(context, result, 'RLVR');
  },
};
