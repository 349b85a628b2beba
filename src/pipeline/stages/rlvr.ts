/**
 * `rlvr`: GRPO on whole episodes (src/train/rlvr): G episodes per training task in parallel
 * sandboxes on the run's backend, the local policy acting through the agent's Episode, each
 * rewarded by the evaluation stage. Held-out tasks (when wired) are its validation: reward and
 * resolve rate every `train.rlvr.evalEvery` steps, and the handed-on model's resolve rate at the end.
 */
import type { StageDefinition } from '../stage.js';
import {
  CHECKPOINT_OUTPUT,
  HELDOUT_INPUT,
  HELDOUT_PROBLEMS_INPUT,
  HELDOUT_STEPS_INPUT,
  INIT_INPUT,
  checkpointArtifact,
  episodeEnvironmentFor,
  heldOutMeasurements,
  initOf,
  interruptedError,
  runOptions,
  sandboxLabel,
  trainerProgress,
  trainerSettingsSchema,
} from './trainer-stage.js';

export const rlvrStage: StageDefinition<typeof trainerSettingsSchema> = {
  type: 'rlvr',
  description: 'RLVR: GRPO of the local policy on whole episodes, rewarded by the evaluation stage (observations masked)',
  settings: trainerSettingsSchema,
  inputs: {
    tasks: { kind: 'tasks', description: 'training tasks' },
    init: INIT_INPUT,
    heldout: HELDOUT_INPUT,
    heldoutSteps: HELDOUT_STEPS_INPUT,
    heldoutProblems: HELDOUT_PROBLEMS_INPUT,
  },
  outputs: CHECKPOINT_OUTPUT,
  version: 1,
  usesSandboxes: true,
  async run(context) {
    const { inputs, settings } = context;
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
    const total = Math.min(settings.train.rlvr.steps, settings.maxSteps ?? Infinity);
    const result = await trainRlvr({
      ...runOptions(context, initOf(context)),
      tasks: train.instances,
      tasksSource: inputs.tasks!.files.instances!,
      ...(heldout ? { validation: heldout.instances } : {}),
      environments,
      onEvent: trainerProgress(context, 'rlvr', total),
    });
    if (result.interrupted) throw interruptedError(context, result.steps);
    const checkpoint = checkpointArtifact(context.dir, result);
    // The validation at the last step measured the last model; the handed-on one may be the best.
    const heldOut = await heldOutMeasurements(context, checkpoint.files.model!, result.steps);
    return {
      outputs: { checkpoint },
      headline: `${result.steps} RLVR steps on ${result.backend}; ${(100 * result.keptFraction).toFixed(0)}% of groups kept, ${result.sampledTokens} tokens sampled${result.stalled ? '; stopped early: every group dropped' : ''}${heldOut.headline}`,
      summary: {
        steps: result.steps,
        backend: result.backend,
        kept_fraction: result.keptFraction,
        sampled_tokens: result.sampledTokens,
        stalled: result.stalled ?? null,
        best_val_reward: result.bestValidationReward ?? null,
        ...heldOut.summary,
      },
    };
  },
};
