/**
 * `sft`: supervised fine-tuning of the local policy (src/train/sft) on SRL step instances (the
 * expert's next action after the issue and two rounds) or on whole teacher trajectories, from a
 * new model or an earlier stage's checkpoint. Hands on its checkpoint (best on validation loss).
 */
import { z } from 'zod';
import type { SftSource } from '../../train/sft/sft-trainer.js';
import type { StageDefinition } from '../stage.js';
import { trainerOutcome } from './trainer-outcome.js';
import { CHECKPOINT_OUTPUT, HELDOUT_INPUTS, INIT_INPUT, trainerRunOptions, trainerSettingsSchema } from './trainer-stage.js';

const settingsSchema = trainerSettingsSchema.extend({
  /** From trajectories: each step with the expert's own thought (`steps`), or one example per trajectory (`whole`). */
  trajectories: z.enum(['steps', 'whole']).default('steps'),
});

export const sftStage: StageDefinition<typeof settingsSchema> = {
  type: 'sft',
  description: 'SFT of the local policy on step instances or whole trajectories (prompt masked)',
  settings: settingsSchema,
  inputs: {
    steps: { kind: 'steps', description: 'SRL step instances in chat form', optional: true },
    trajectories: { kind: 'trajectories', description: 'expert trajectories (instead of steps)', optional: true },
    init: INIT_INPUT,
    ...HELDOUT_INPUTS,
  },
  outputs: CHECKPOINT_OUTPUT,
  version: 1,
  checkWiring(_settings, wired) {
    const sources = ['steps', 'trajectories'].filter((slot) => wired.includes(slot));
    return sources.length === 1 ? undefined : 'inputs: name exactly one of steps and trajectories (what SFT learns from)';
  },
  usesSandboxes: false,
  async run(context) {
    const { inputs, settings } = context;
    const data: SftSource = inputs.steps
      ? { kind: 'steps', path: inputs.steps.files.steps! }
      : { kind: settings.trajectories === 'whole' ? 'trajectories' : 'trajectory-steps', path: inputs.trajectories!.files.store! };
    const { trainSft } = await import('../../train/sft/sft-trainer.js');
    const result = await trainSft({ ...trainerRunOptions(context, 'sft'), data });
    return trainerOutcome(context, result, {
      headline: `${result.steps} SFT steps on ${result.backend}; last loss ${result.lastLoss?.toFixed(4) ?? 'n/a'}${result.bestValidationLoss !== undefined ? `, best validation loss ${result.bestValidationLoss.toFixed(4)}` : ''}`,
      summary: { steps: result.steps, backend: result.backend, last_loss: result.lastLoss ?? null, best_val_loss: result.bestValidationLoss ?? null },
    });
  },
};
