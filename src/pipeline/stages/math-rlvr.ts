/**
 * `math-rlvr`: RLVR for math, GRPO on whole solutions (src/train/rlvr/math-rlvr.ts): for each
 * training problem G whole solutions from the current policy, each rewarded by its final answer
 * (1 equivalent, 0 not, −1 for a broken `<think>` format), dynamic sampling, the clipped
 * surrogate. It learns from whole-solution rows (`math-steps` with `rows: solutions`), chains after
 * `sft`, `srl` or another `math-rlvr` through `init`, and its hyper-parameters are `train.rlvr`'s.
 * Hands on its checkpoint (best on validation reward, one greedy solution per validation row).
 */
import type { StageDefinition } from '../stage.js';
import { groupTrainerOutcome } from './trainer-outcome.js';
import { CHECKPOINT_OUTPUT, HELDOUT_PROBLEMS_INPUT, INIT_INPUT, trainerRunOptions, trainerSettingsSchema } from './trainer-stage.js';

export const mathRlvrStage: StageDefinition<typeof trainerSettingsSchema> = {
  type: 'math-rlvr',
  description: 'RLVR for math: GRPO of the local policy on whole solutions, rewarded by the final answer (dynamic sampling)',
  settings: trainerSettingsSchema,
  inputs: {
    steps: { kind: 'steps', description: 'whole-solution rows (math-steps with rows: solutions), each with its answer' },
    init: INIT_INPUT,
    heldoutProblems: HELDOUT_PROBLEMS_INPUT,
  },
  outputs: CHECKPOINT_OUTPUT,
  version: 1,
  usesSandboxes: false,
  async run(context) {
    const { trainMathRlvr } = await import('../../train/rlvr/math-rlvr.js');
    const result = await trainMathRlvr({ ...trainerRunOptions(context, 'rlvr'), data: { kind: 'steps', path: context.inputs.steps!.files.steps! } });
    return groupTrainerOutcome(context, result, 'math RLVR');
  },
};
