/**
 * SRL: GRPO on SRL step instances (arXiv 2510.25992). Each step samples a batch of groups with
 * dynamic sampling (G responses per prompt, temperature 1.0 by default, kept when the rewards'
 * std > ε), then takes `updateEpochs` clipped-surrogate updates over the kept responses (old
 * log-probabilities are the sampling policy's own), with gradient clipping at 1.0 and no KL term
 * unless `klCoef` > 0 (then against the starting model, frozen). Validation samples one answer per
 * held-out step and reports the mean SRL reward; the best model on it is kept as `best/`.
 */
import { groupStatistics } from '../../reward/group-stats.js';
import { loadModelDir } from '../checkpoint/model-dir.js';
import { tokenBudgetOf, type SrlConfig } from '../config.js';
import { readStepRows, readTrajectorySteps, type StepExample } from '../data/examples.js';
import { fitPrompt } from '../data/prompt-fit.js';
import { drawInEpochOrder } from '../data/epoch-order.js';
import { holdOut } from '../data/sequences.js';
import { NoTrainingDataError, TrainingStalledError } from '../errors.js';
import { generate } from '../model/generate.js';
import { deriveSeed, Rng } from '../model/rng.js';
import type { Transformer } from '../model/transformer.js';
import type { ChatTemplate } from '../tokenizer/chat-template.js';
import { learningRateAt, scheduleOf } from '../optim/schedule.js';
import { omitBookkeeping, resumeSettings, TrainingSession, type TrainRunOptions } from '../run/training-session.js';
import { grpoUpdate } from '../run/grpo-update.js';
import { countGroups, groupRunResult, groupStepMetrics, type GroupRunResult } from '../run/grpo-bookkeeping.js';
import type { TrainStage } from '../events.js';
import { responseText, sampleGroupBatch, srlResponseReward, type ResponseReward } from './group-sampler.js';

export type SrlSource = { kind: 'steps'; path: string } | { kind: 'trajectory-steps'; path: string };

/**
 * The reward the GRPO loop optimises. SRL's is the step reward; math RLVR runs the same loop on
 * whole-solution rows with the answer reward (src/train/rlvr/math-rlvr.ts). `name` is part of the
 * run's settings, so a run is never resumed under another reward.
 */
export interface GroupObjective {
  name: string;
  /** The trainer stage the run records (metrics lines, checkpoints). */
  stage: TrainStage;
  reward: ResponseReward;
  /** The GRPO hyper-parameters; default the config's `srl` section. */
  settings?: SrlConfig;
}

export interface SrlOptions extends TrainRunOptions {
  data: SrlSource;
  validation?: SrlSource;
  /** Default: SRL, the step reward with `srl.rewardMode`. */
  objective?: GroupObjective;
}

export type SrlResult = GroupRunResult;

async function readSource(source: SrlSource, observationBudget: number): Promise<StepExample[]> {
  return source.kind === 'steps' ? readStepRows(source.path) : readTrajectorySteps(source.path, { history: 2, observationBudget });
}

export async function trainSrl(options: SrlOptions): Promise<SrlResult> {
  const { config } = options;
  const srl = options.objective?.settings ?? config.srl;
  const objective: GroupObjective = options.objective ?? { name: 'srl-step', stage: 'srl', reward: srlResponseReward(srl.rewardMode) };
  const source = options.configSource ?? 'config';
  let train = await readSource(options.data, config.data.observationBudget);
  let validation = options.validation ? await readSource(options.validation, config.data.observationBudget) : [];
  if (!options.validation) ({ train, validation } = holdOut(train, config.data.validationFraction, config.data.validationMax, config.seed));
  validation = validation.slice(0, config.data.validationMax);
  if (train.length === 0) throw new NoTrainingDataError(`${options.data.path}: no step examples to train on`);

  const session = await TrainingSession.open(objective.stage, options, {
    // The SRL run's settings as they always were; another objective adds its name.
    settings: resumeSettings(config, { srl: omitBookkeeping(srl), init: options.init ?? null, source: options.data.kind, ...(options.objective ? { objective: objective.name } : {}) }),
    tokenizerTexts: function* () {
      for (const example of train) yield* [...example.messages.map((m) => m.content), example.response];
    },
    weightDecay: srl.weightDecay,
    keepCheckpoints: srl.keepCheckpoints,
  });
  let reference: Transformer | undefined;
  try {
    const { model, template } = session;
    const budget = tokenBudgetOf(config, model.config, source, srl.maxNewTokens);
    session.emit({ type: 'data', train: train.length, validation: validation.length, droppedRounds: 0, shortenedPrompts: 0, truncatedResponses: 0 });
    if (srl.klCoef > 0) reference = options.init ? (await loadModelDir(options.init)).model : undefined;
    if (srl.klCoef > 0 && !reference) throw new NoTrainingDataError(`${source}: srl.klCoef > 0 needs a starting model (init) to serve as the KL reference`);

    const counters = session.state.counters;
    const nextExample = drawInEpochOrder(train, counters, 'prompts_drawn', config.seed, 3);
    const schedule = scheduleOf(srl);
    const target = session.targetSteps(srl.steps);
    let stalled: string | undefined;

    while (session.state.step < target && !session.budgetSpent(counters.sampled_tokens ?? 0)) {
      if (options.signal?.aborted) {
        await session.interrupt();
        return groupRunResult(session, true);
      }
      const step = session.state.step + 1;
      const started = performance.now();
      const dropped = { consecutive: counters.consecutive_dropped ?? 0 };
      let batch: ReturnType<typeof sampleGroupBatch>;
      try {
        batch = sampleGroupBatch(
        model,
        template,
        nextExample,
        {
          batchSize: srl.batchSize,
          groupSize: srl.groupSize,
          temperature: srl.temperature,
          topP: srl.topP,
          maxNewTokens: srl.maxNewTokens,
          maxPromptTokens: budget.maxPromptTokens,
          epsilon: srl.epsilon,
          maxDroppedGroups: srl.maxDroppedGroups,
          normalization: srl.advantageNormalization,
          reward: objective.reward,
        },
        new Rng(deriveSeed(config.seed, 2, step)),
        dropped,
        options.signal,
      );
      } catch (error) {
        if (!(error instanceof TrainingStalledError) || srl.onStall !== 'stop') throw error;
        stalled = error.message;
        session.emit({ type: 'stalled', step, message: stalled });
        break;
      }
      counters.consecutive_dropped = dropped.consecutive;
      const totals = { sampledGroups: batch.sampledGroups, keptGroups: batch.kept.length, sampledTokens: batch.sampledTokens };
      countGroups(counters, totals);

      const learningRate = learningRateAt(schedule, step);
      const items = batch.kept.flatMap((group) =>
        group.samples.map((sample, i) => ({
          ids: [...group.prompt, ...sample.tokens],
          learn: [...group.prompt.map(() => false), ...sample.tokens.map(() => true)],
          oldLogp: [...group.prompt.map(() => 0), ...sample.logprobs],
          advantage: group.advantages[i]!,
        })),
      );
      const update = grpoUpdate(session, items, { clipLow: srl.clipLow, clipHigh: srl.clipHigh, klCoef: srl.klCoef, aggregation: srl.lossAggregation, updateEpochs: srl.updateEpochs, microBatchSize: srl.microBatchSize, gradClip: srl.gradClip }, learningRate, reference);
      session.state.step = step;
      const stepSeconds = (performance.now() - started) / 1000;
      const kept = groupStatistics(batch.kept.flatMap((group) => group.rewards));
      session.record(
        groupStepMetrics(
          counters,
          { ...totals, rewards: batch.rewards, sampleSeconds: batch.sampleSeconds, stepSeconds, learningRate, update },
          { kept_reward_mean: kept.mean, format_ok_fraction: 1 - batch.formatViolations / batch.rewards.length },
          { response_tokens_mean: batch.sampledTokens / batch.rewards.length },
        ),
      );
      if (validation.length > 0 && (step % srl.evalEvery === 0 || step === target || session.budgetSpent(counters.sampled_tokens!))) {
        const { reward, formatOk } = validationReward(session, validation, budget.maxPromptTokens, srl.maxNewTokens, srl.evalTemperature, objective.reward, deriveSeed(config.seed, 4, step));
        const best = await session.offerBest('val_reward', reward, true);
        session.record({ val_reward: reward, val_format_ok_fraction: formatOk }, 'validation', best);
      }
      if (step % srl.checkpointEvery === 0) await session.checkpoint();
    }
    await session.finish();
    return { ...groupRunResult(session, false), ...(stalled !== undefined ? { stalled } : {}) };
  } finally {
    reference?.dispose();
    session.dispose();
  }
}

/** Mean SRL reward (and the share of well-formed answers) of one sample per validation step. */
export function validationReward(
  session: TrainingSession,
  examples: readonly StepExample[],
  maxPromptTokens: number,
  maxNewTokens: number,
  temperature: number,
  reward: ResponseReward,
  seed: number,
): { reward: number; formatOk: number } {
  return meanStepReward(session.model, session.template, examples, { maxPromptTokens, maxNewTokens, temperature, reward, seed });
}

/** Mean reward (the SRL step reward unless another is given) of a model over step instances, one sample each (temperature 0: greedy), and the share of well-formed answers. */
export function meanStepReward(
  model: Transformer,
  template: ChatTemplate,
  examples: readonly StepExample[],
  settings: { maxPromptTokens: number; maxNewTokens: number; temperature: number; seed: number } & ({ mode: 'canonical' | 'raw' } | { reward: ResponseReward }),
): { reward: number; formatOk: number } {
  const rng = new Rng(settings.seed);
  const score = 'reward' in settings ? settings.reward : srlResponseReward(settings.mode);
  const rewards = examples.map((example) => {
    const prompt = fitPrompt(template, example.messages, settings.maxPromptTokens).ids;
    const [sample] = generate(model, prompt, { n: 1, maxNewTokens: settings.maxNewTokens, temperature: settings.temperature, topP: 1, stopTokenIds: template.stopTokenIds, rng });
    return score(responseText(template, sample!), example);
  });
  return { reward: groupStatistics(rewards).mean, formatOk: rewards.filter((r) => r !== -1).length / rewards.length };
}
