/**
 * RLVR for math: GRPO on whole solutions. The prompt is the problem (a whole-solution row of
 * `math steps --rows solutions`), the response the full numbered solution, and the reward the
 * answer reward with the `<think>` format check (src/math/answer/rlvr-reward.ts: 1 when the final
 * answer checks equivalent, 0 when it does not, −1 for a broken format). It is the SRL trainer's
 * loop (group sampling with dynamic sampling, the one GRPO update, checkpoints, budgets, stall
 * handling) with another reward, so nothing of that loop is written twice; its hyper-parameters are
 * the config's `rlvr` section (the fields that concern whole episodes in sandboxes do not apply).
 */
import { mathRlvrReward } from '../../math/answer/rlvr-reward.js';
import type { RlvrConfig, SrlConfig } from '../config.js';
import { readStepRows } from '../data/examples.js';
import { NoTrainingDataError } from '../errors.js';
import type { ResponseReward } from '../srl/group-sampler.js';
import { trainSrl, type SrlOptions, type SrlResult } from '../srl/srl-trainer.js';

export type MathRlvrOptions = Omit<SrlOptions, 'objective' | 'data' | 'validation'> & {
  /** Whole-solution rows (`math steps --rows solutions`), each with its `answer`. */
  data: { kind: 'steps'; path: string };
};

/** The GRPO settings of the math RLVR loop from the config's `rlvr` section. */
export function mathRlvrGrpoSettings(rlvr: RlvrConfig, srlDefaults: SrlConfig): SrlConfig {
  return {
    ...srlDefaults,
    steps: rlvr.steps,
    batchSize: rlvr.batchSize,
    groupSize: rlvr.groupSize,
    temperature: rlvr.temperature,
    topP: rlvr.topP,
    maxNewTokens: rlvr.maxNewTokens,
    epsilon: rlvr.epsilon,
    maxDroppedGroups: rlvr.maxDroppedGroups,
    onStall: rlvr.onStall,
    advantageNormalization: rlvr.advantageNormalization,
    clipLow: rlvr.clipLow,
    clipHigh: rlvr.clipHigh,
    klCoef: rlvr.klCoef,
    lossAggregation: rlvr.lossAggregation,
    updateEpochs: 1,
    microBatchSize: rlvr.microBatchSize,
    learningRate: rlvr.learningRate,
    warmupSteps: rlvr.warmupSteps,
    minLearningRateRatio: rlvr.minLearningRateRatio,
    weightDecay: rlvr.weightDecay,
    gradClip: rlvr.gradClip,
    checkpointEvery: rlvr.checkpointEvery,
    evalEvery: rlvr.evalEvery,
    evalTemperature: rlvr.evalTemperature,
    keepCheckpoints: rlvr.keepCheckpoints,
  };
}

/** The answer reward of a response to a whole-solution row. */
export const mathAnswerReward: ResponseReward = (text, example) => {
  if (example.answer === undefined) throw new NoTrainingDataError(`${example.id}: not a math row with an answer; math RLVR trains on whole-solution rows (math steps --rows solutions)`);
  return mathRlvrReward(text, example.answer).reward;
};

export async function trainMathRlvr(options: MathRlvrOptions): Promise<SrlResult> {
  // Checked before any sampling, so a wrong file stops at once with its name.
  const unanswered = (await readStepRows(options.data.path)).find((example) => example.answer === undefined);
  if (unanswered) throw new NoTrainingDataError(`${options.data.path}: ${unanswered.id}: not a math row with an answer; math RLVR trains on whole-solution rows (math steps --rows solutions)`);
  return trainSrl({
    ...options,
    objective: { name: 'math-answer', stage: 'rlvr', reward: mathAnswerReward, settings: mathRlvrGrpoSettings(options.config.rlvr, options.config.srl) },
  });
}
