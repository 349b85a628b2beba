/**
 * Sampling the groups of one GRPO batch with the SRL paper's dynamic sampling: for each prompt
 * (an SRL step), G responses from the current policy, each scored with the SRL reward; a group is
 * kept only when the population std of its rewards exceeds ε, and prompts are drawn until the
 * batch holds `batchSize` kept groups. When every group of a long run is dropped (a policy that
 * never writes the format scores −1 everywhere), it stops and says so instead of spinning.
 */
import { filterGroups, type AdvantageNormalization } from '../../reward/group-stats.js';
import { srlStepReward, type SrlRewardMode } from '../../reward/srl.js';
import type { StepExample } from '../data/examples.js';
import { fitPrompt } from '../data/prompt-fit.js';
import { TrainingStalledError } from '../errors.js';
import { generate, type GeneratedSample } from '../model/generate.js';
import type { Rng } from '../model/rng.js';
import type { Transformer } from '../model/transformer.js';
import type { ChatTemplate } from '../tokenizer/chat-template.js';

export interface SampledGroup {
  example: StepExample;
  prompt: number[];
  samples: GeneratedSample[];
  texts: string[];
  rewards: number[];
  advantages: number[];
}

/**
 * What a sampled response scores, given the prompt's example: the SRL step reward by default
 * (`srlResponseReward`), or the math answer reward for RLVR on whole solutions. −1 marks a broken
 * format (counted as a format violation).
 */
export type ResponseReward = (text: string, example: StepExample) => number;

/** The SRL step reward against the example's expert step. */
export function srlResponseReward(mode: SrlRewardMode): ResponseReward {
  return (text, example) => srlStepReward(text, example.expert, { mode }).reward;
}

export interface GroupSamplingSettings {
  batchSize: number;
  groupSize: number;
  temperature: number;
  topP: number;
  maxNewTokens: number;
  maxPromptTokens: number;
  epsilon: number;
  maxDroppedGroups: number;
  normalization: AdvantageNormalization;
  reward: ResponseReward;
}

export interface GroupBatch {
  kept: SampledGroup[];
  sampledGroups: number;
  /** Every reward sampled for this batch, kept groups or not. */
  rewards: number[];
  formatViolations: number;
  sampledTokens: number;
  sampleSeconds: number;
}

/** A response's text: its tokens without the end-of-turn token, special tokens left out. */
export function responseText(template: ChatTemplate, sample: GeneratedSample): string {
  const tokens = sample.finishReason === 'stop' && template.stopTokenIds.includes(sample.tokens[sample.tokens.length - 1]!) ? sample.tokens.slice(0, -1) : sample.tokens;
  return template.tokenizer.decode(tokens, { skipSpecial: true });
}

export function sampleGroupBatch(
  model: Transformer,
  template: ChatTemplate,
  nextExample: () => StepExample,
  settings: GroupSamplingSettings,
  rng: Rng,
  dropped: { consecutive: number },
  signal?: AbortSignal,
): GroupBatch {
  const batch: GroupBatch = { kept: [], sampledGroups: 0, rewards: [], formatViolations: 0, sampledTokens: 0, sampleSeconds: 0 };
  let droppedRewards: number[] = [];
  while (batch.kept.length < settings.batchSize) {
    signal?.throwIfAborted();
    if (dropped.consecutive >= settings.maxDroppedGroups) {
      const mean = droppedRewards.length > 0 ? droppedRewards.reduce((a, b) => a + b, 0) / droppedRewards.length : Number.NaN;
      const violations = droppedRewards.filter((r) => r === -1).length;
      throw new TrainingStalledError(
        `dynamic sampling dropped ${dropped.consecutive} groups in a row (std of rewards ≤ ε = ${settings.epsilon} in every one; ` +
          `mean reward ${mean.toFixed(3)}, ${droppedRewards.length > 0 ? ((100 * violations) / droppedRewards.length).toFixed(0) : '?'}% format violations): ` +
          'the policy gives the same reward to all its samples, so there is nothing to learn; start from a model that writes the format (an SFT warm-up), or raise the temperature',
      );
    }
    const example = nextExample();
    const prompt = fitPrompt(template, example.messages, settings.maxPromptTokens).ids;
    const started = performance.now();
    const samples = generate(model, prompt, {
      n: settings.groupSize,
      maxNewTokens: settings.maxNewTokens,
      temperature: settings.temperature,
      topP: settings.topP,
      stopTokenIds: template.stopTokenIds,
      rng,
      ...(signal ? { signal } : {}),
    });
    batch.sampleSeconds += (performance.now() - started) / 1000;
    const texts = samples.map((sample) => responseText(template, sample));
    const rewards = texts.map((text) => settings.reward(text, example));
    batch.sampledGroups += 1;
    batch.rewards.push(...rewards);
    batch.formatViolations += rewards.filter((reward) => reward === -1).length;
    batch.sampledTokens += samples.reduce((sum, sample) => sum + sample.tokens.length, 0);
    const filter = filterGroups([rewards], { epsilon: settings.epsilon, normalization: settings.normalization });
    if (filter.keptCount === 1) {
      dropped.consecutive = 0;
      droppedRewards = [];
      batch.kept.push({ example, prompt, samples, texts, rewards, advantages: filter.statistics[0]!.advantages });
    } else {
      dropped.consecutive += 1;
      droppedRewards.push(...rewards);
    }
  }
  return batch;
}
