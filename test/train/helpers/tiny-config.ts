/** Training configs small enough for tests: the tiny preset on a short context and a small vocabulary. */
import { parseTrainConfig, type TrainConfig, type TrainConfigInput } from '../../../src/train/config.js';

export function tinyConfig(overrides: TrainConfigInput = {}): TrainConfig {
  const base: TrainConfigInput = {
    model: { preset: 'tiny', contextLength: 128 },
    tokenizer: { vocabSize: 300 },
    data: { validationFraction: 0 },
    sft: { steps: 50, batchSize: 4, learningRate: 5e-3, warmupSteps: 2, minLearningRateRatio: 0.5, checkpointEvery: 1000, evalEvery: 1000 },
    srl: { steps: 2, batchSize: 2, groupSize: 4, maxNewTokens: 40, temperature: 0.7, learningRate: 1e-4, checkpointEvery: 1000, evalEvery: 1000, maxDroppedGroups: 16 },
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    merged[key] = typeof value === 'object' && value !== null ? { ...(base as Record<string, object>)[key], ...value } : value;
  }
  return parseTrainConfig(merged, 'test config');
}
