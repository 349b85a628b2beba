/**
 * `sft`: supervised fine-tuning of the local policy (src/train/sft) on SRL step instances (the
 * expert's next action after the issue and two rounds) or on whole teacher trajectories, from a
 * new model or an earlier stage's checkpoint. Hands on its checkpoint (best on validation loss).
 */
import { z } from 'zod';
import type { SftSource } from '../../train/sft/sft-trainer.js';
import type { StageDefinition } from '../stage.js';
import {
  CHECKPOINT_OUTPUT,
  HELDOUT_INPUT,
  HELDOUT_PROBLEMS_INPUT,
  HELDOUT_STEPS_INPUT,
  INIT_INPUT,
  checkpointArtifact,
  heldOutMeasurements,
  initOf,
  interruptedError,
  runOptions,
  trainerProgress,
  trainerSettingsSchema,
} from './trainer-stage.js';

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
    heldout: HELDOUT_INPUT,
    heldoutSteps: HELDOUT_STEPS_INPUT,
    heldoutProblems: HELDOUT_PROBLEMS_INPUT,
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
    const total = Math.min(settings.train.sft.steps, settings.maxSteps ?? Infinity);
    const result = await trainSft({ ...runOptions(context, initOf(context)), data, onEvent: trainerProgress(context, 'sft', total) });
    if (result.interrupted) throw interruptedError(context, result.steps);
    const checkpoint = checkpointArtifact(context.dir, result);
    const heldOut = await heldOutMeasurements(context, checkpoint.files.model!, result.steps);
    return {
      outputs: { checkpoint },
      headline: `${result.steps} SFT steps on ${result.backend}; last loss ${result.lastLoss?.toFixed(4) ?? 'n/a'}${result.bestValidationLoss !== undefined ? `, best validation loss ${result.bestValidationLoss.toFixed(4)}` : ''}${heldOut.headline}`,
      summary: { steps: result.steps, backend: result.backend, last_loss: result.lastLoss ?? null, best_val_loss: result.bestValidationLoss ?? null, ...heldOut.summary },
    };
  },
};
