/**
 * `srl`: SRL, GRPO on step instances with the step-wise similarity reward and dynamic sampling
 * (src/train/srl), from an earlier stage's checkpoint (a model that writes the format) or a new
 * model. Hands on its checkpoint (best on validation reward).
 */
import type { StageDefinition } from '../stage.js';
import {
  CHECKPOINT_OUTPUT,
  HELDOUT_INPUT,
  HELDOUT_PROBLEMS_INPUT,
  HELDOUT_STEPS_INPUT,
  INIT_INPUT,
  groupTrainerOutcome,
  initOf,
  runOptions,
  trainerProgress,
  trainerSettingsSchema,
} from './trainer-stage.js';

export const srlStage: StageDefinition<typeof trainerSettingsSchema> = {
  type: 'srl',
  description: 'SRL: GRPO of the local policy on step instances (step-wise similarity reward, dynamic sampling)',
  settings: trainerSettingsSchema,
  inputs: {
    steps: { kind: 'steps', description: 'SRL step instances in chat form' },
    init: INIT_INPUT,
    heldout: HELDOUT_INPUT,
    heldoutSteps: HELDOUT_STEPS_INPUT,
    heldoutProblems: HELDOUT_PROBLEMS_INPUT,
  },
  outputs: CHECKPOINT_OUTPUT,
  version: 1,
  usesSandboxes: false,
  async run(context) {
    const { inputs, settings } = context;
    const { trainSrl } = await import('../../train/srl/srl-trainer.js');
    const total = Math.min(settings.train.srl.steps, settings.maxSteps ?? Infinity);
    const result = await trainSrl({ ...runOptions(context, initOf(context)), data: { kind: 'steps', path: inputs.steps!.files.steps! }, onEvent: trainerProgress(context, 'srl', total) });
    const best = result.bestValidationReward !== undefined ? `, best validation reward ${result.bestValidationReward.toFixed(3)}` : '';
    return groupTrainerOutcome(context, result, 'SRL', best);
  },
};
