/**
 * `srl`: SRL, GRPO on step instances with the step-wise similarity reward and dynamic sampling
 * (src/train/srl), from an earlier stage's checkpoint (a model that writes the format) or a new
 * model. Hands on its checkpoint (best on validation reward).
 */
import type { StageDefinition } from '../stage.js';
import { groupTrainerOutcome } from './trainer-outcome.js';
import { CHECKPOINT_OUTPUT, HELDOUT_INPUTS, INIT_INPUT, trainerRunOptions, trainerSettingsSchema } from './trainer-stage.js';

export const srlStage: StageDefinition<typeof trainerSettingsSchema> = {
  type: 'srl',
  description: 'SRL: GRPO of the local policy on step instances (step-wise similarity reward, dynamic sampling)',
  settings: trainerSettingsSchema,
  inputs: {
    steps: { kind: 'steps', description: 'SRL step instances in chat form' },
    init: INIT_INPUT,
    ...HELDOUT_INPUTS,
  },
  outputs: CHECKPOINT_OUTPUT,
  version: 1,
  usesSandboxes: false,
  async run(context) {
    const { trainSrl } = await import('../../train/srl/srl-trainer.js');
    const result = await trainSrl({ ...trainerRunOptions(context, 'srl'), data: { kind: 'steps', path: context.inputs.steps!.files.steps! } });
    const best = result.bestValidationReward !== undefined ? `, best validation reward ${result.bestValidationReward.toFixed(3)}` : '';
    return groupTrainerOutcome(context, result, 'SRL', best);
  },
};
