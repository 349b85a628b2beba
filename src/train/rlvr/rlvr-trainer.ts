/**
 * RLVR: GRPO on whole episodes. Each step draws tasks and runs G episodes of each in parallel
 * sandboxes, the local policy (the model being trained) acting through the agent's `Episode`;
 * each episode's reward comes from the evaluation stage (`rlvrReward`: 1 resolved, else 0, or
 * partial credit). Dynamic sampling keeps a task's group only when the population std of its G
 * rewards exceeds ε, drawing tasks until `batchSize` groups are kept; the clipped surrogate then
 * learns the tokens the policy wrote in those episodes, observation tokens masked
 * (episode-sequences.ts), with gradient clipping and an optional KL term. Validation runs one
 * episode per held-out task and reports the mean reward and the resolve rate; the best model on
 * it is kept as `best/`.
 */
import { groupStatistics, filterGroups } from '../../reward/group-stats.js';
import type { Instance } from '../../eval/instances.js';
import { loadAgentTemplates } from '../../prompts/templates.js';
import type { AgentConfigInput } from '../../agent/agent-config.js';
import { loadModelDir } from '../checkpoint/model-dir.js';
import { tokenBudgetOf, type RlvrConfig } from '../config.js';
import { NoTrainingDataError, TrainingStalledError } from '../errors.js';
import { drawInEpochOrder } from '../data/epoch-order.js';
import { deriveSeed } from '../model/rng.js';
import type { Transformer } from '../model/transformer.js';
import { learningRateAt, scheduleOf } from '../optim/schedule.js';
import { LocalPolicy } from '../policy/local-policy.js';
import { grpoUpdate, type GrpoItem } from '../run/grpo-update.js';
import { countGroups, groupRunResult, groupStepMetrics, type GroupRunResult } from '../run/grpo-bookkeeping.js';
import { omitBookkeeping, resumeSettings, TrainingSession, type TrainRunOptions } from '../run/training-session.js';
import { inParallel, runEpisode, type EpisodeEnvironment, type EpisodeOutcome, type EpisodeSettings } from './episode-runner.js';
import { episodeSequences } from './episode-sequences.js';
import { evaluateHeldOut, type HeldOutResult } from './heldout-eval.js';

export interface RlvrOptions extends TrainRunOptions {
  /** The training tasks (SWE-bench instances whose repositories and environments `environments` knows). */
  tasks: readonly Instance[];
  /** Held-out tasks for validation (reward and resolve rate); absent: no validation. */
  validation?: readonly Instance[];
  environments: EpisodeEnvironment;
  /** Names the tasks in messages (a file). */
  tasksSource?: string;
}

export interface RlvrResult extends GroupRunResult {
  lastHeldOut?: HeldOutResult;
  sampledTokens: number;
}

/** The agent settings of an RLVR episode: the config's limits; the local policy fits prompts itself, so the loop's own estimate never ends one. */
export function rlvrAgentConfig(rlvr: RlvrConfig): AgentConfigInput {
  return {
    limits: { maxSteps: rlvr.maxTurns, maxConsecutiveFormatErrors: rlvr.maxFormatErrors, actionTimeoutMs: rlvr.actionTimeoutMs, contextBudgetTokens: 10_000_000 },
    history: rlvr.history,
  };
}

export async function trainRlvr(options: RlvrOptions): Promise<RlvrResult> {
  const { config } = options;
  const rlvr = config.rlvr;
  const tasks = [...options.tasks];
  const validation = [...(options.validation ?? [])];
  if (tasks.length === 0) throw new NoTrainingDataError(`${options.tasksSource ?? 'tasks'}: no tasks to train on`);
  const templates = await loadAgentTemplates(rlvr.template);
  const session = await TrainingSession.open('rlvr', options, {
    settings: resumeSettings(config, { rlvr: omitBookkeeping(rlvr), init: options.init ?? null, tasks: tasks.map((t) => t.instance_id) }),
    tokenizerTexts: function* () {
      for (const task of tasks) yield task.problem_statement;
    },
    weightDecay: rlvr.weightDecay,
    keepCheckpoints: rlvr.keepCheckpoints,
  });
  let reference: Transformer | undefined;
  try {
    const { model } = session;
    // A turn's answer must leave room for a prompt in the model's context (refused before any episode).
    tokenBudgetOf(config, model.config, options.configSource ?? 'config', rlvr.maxNewTokens);
    if (rlvr.klCoef > 0) {
      if (!options.init) throw new NoTrainingDataError('rlvr.klCoef > 0 needs a starting model (init) to serve as the KL reference');
      reference = (await loadModelDir(options.init)).model;
    }
    session.emit({ type: 'data', train: tasks.length, validation: validation.length, droppedRounds: 0, shortenedPrompts: 0, truncatedResponses: 0 });
    const policy = new LocalPolicy({ model, tokenizer: session.tokenizer, config: model.config, dir: options.outDir }, { name: `local:${options.outDir}` });
    const parallel = rlvr.maxParallel ?? rlvr.groupSize;
    const agentConfig = rlvrAgentConfig(rlvr);
    const episodeSettings = (temperature: number, seed: number): EpisodeSettings => ({
      templates,
      agentConfig,
      temperature,
      topP: rlvr.topP,
      maxNewTokens: rlvr.maxNewTokens,
      seed,
      partialCredit: rlvr.partialCredit,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const counters = session.state.counters;
    const nextTask = drawInEpochOrder(tasks, counters, 'tasks_drawn', config.seed, 13);
    const schedule = scheduleOf(rlvr);
    const target = session.targetSteps(rlvr.steps);
    let lastHeldOut: HeldOutResult | undefined;
    let stalled: string | undefined;

    const validate = async (step: number): Promise<void> => {
      if (validation.length === 0) return;
      const heldOut = await evaluateHeldOut(policy, validation, options.environments, { ...episodeSettings(rlvr.evalTemperature, deriveSeed(config.seed, 14, step)), maxParallel: parallel });
      lastHeldOut = heldOut;
      const best = await session.offerBest('val_reward', heldOut.rewardMean, true);
      session.record({ val_reward: heldOut.rewardMean, heldout_resolve_rate: heldOut.resolveRate, heldout_tasks: heldOut.tasks }, 'validation', best);
    };

    const interrupted = async (): Promise<RlvrResult> => {
      await session.interrupt();
      return resultOf(session, { interrupted: true, lastHeldOut });
    };

    while (session.state.step < target && !session.budgetSpent(counters.sampled_tokens ?? 0)) {
      if (options.signal?.aborted) return await interrupted();
      const step = session.state.step + 1;
      const started = performance.now();
      const kept: Array<{ outcomes: EpisodeOutcome[]; advantages: number[] }> = [];
      const allRewards: number[] = [];
      let sampledGroups = 0;
      let sampledTokens = 0;
      let resolved = 0;
      let steps = 0;
      let formatErrors = 0;
      let droppedRewards: number[] = [];
      try {
        while (kept.length < rlvr.batchSize) {
          const consecutive = counters.consecutive_dropped ?? 0;
          if (consecutive >= rlvr.maxDroppedGroups) {
            const mean = droppedRewards.length > 0 ? groupStatistics(droppedRewards).mean : Number.NaN;
            stalled =
              `dynamic sampling dropped ${consecutive} groups in a row (every one of the G = ${rlvr.groupSize} episodes of a task got the same reward, std ≤ ε = ${rlvr.epsilon}; ` +
              `mean reward ${Number.isNaN(mean) ? 'n/a' : mean.toFixed(3)}): the policy resolves all or none of its episodes, so there is nothing to learn; ` +
              'start from a stronger model (SFT or SRL first), use easier tasks, a larger group, or rlvr.partialCredit';
            break;
          }
          const task = nextTask();
          const drawn = counters.tasks_drawn!;
          const outcomes = await inParallel(rlvr.groupSize, parallel, (g) => runEpisode(policy, task, options.environments, episodeSettings(rlvr.temperature, deriveSeed(config.seed, 15, step, drawn, g))));
          const rewards = outcomes.map((o) => o.reward);
          sampledGroups += 1;
          allRewards.push(...rewards);
          for (const o of outcomes) {
            sampledTokens += o.sampledTokens;
            resolved += o.resolved ? 1 : 0;
            steps += o.steps;
            formatErrors += o.formatErrors;
          }
          const filter = filterGroups([rewards], { epsilon: rlvr.epsilon, normalization: rlvr.advantageNormalization });
          const keep = filter.keptCount === 1;
          session.emit({ type: 'episodes', step, task: task.instance_id, rewards, kept: keep, exitStatuses: outcomes.map((o) => o.exitStatus) });
          if (keep) {
            counters.consecutive_dropped = 0;
            droppedRewards = [];
            kept.push({ outcomes, advantages: filter.statistics[0]!.advantages });
          } else {
            counters.consecutive_dropped = consecutive + 1;
            droppedRewards.push(...rewards);
          }
        }
      } catch (error) {
        if (options.signal?.aborted) return await interrupted();
        throw error;
      }
      const totals = { sampledGroups, keptGroups: kept.length, sampledTokens };
      countGroups(counters, totals);
      if (stalled !== undefined) {
        session.emit({ type: 'stalled', step, message: stalled });
        if (rlvr.onStall === 'error') throw new TrainingStalledError(`rlvr step ${step}: ${stalled}; ${session.lastCheckpoint ? `the last checkpoint is ${session.lastCheckpoint}` : 'no checkpoint was written'}`);
        break;
      }
      const sampleSeconds = (performance.now() - started) / 1000;
      const items: GrpoItem[] = kept.flatMap((group) =>
        group.outcomes.flatMap((outcome, g) => episodeSequences(outcome.turns, model.config.contextLength).map((sequence) => ({ ...sequence, advantage: group.advantages[g]! }))),
      );
      const learningRate = learningRateAt(schedule, step);
      const update = grpoUpdate(
        session,
        items,
        { clipLow: rlvr.clipLow, clipHigh: rlvr.clipHigh, klCoef: rlvr.klCoef, aggregation: rlvr.lossAggregation, updateEpochs: 1, microBatchSize: rlvr.microBatchSize, gradClip: rlvr.gradClip },
        learningRate,
        reference,
      );
      session.state.step = step;
      const episodes = allRewards.length;
      session.record(
        groupStepMetrics(
          counters,
          { ...totals, rewards: allRewards, sampleSeconds, stepSeconds: (performance.now() - started) / 1000, learningRate, update },
          { resolved_fraction: resolved / episodes },
          { episodes, episode_steps_mean: steps / episodes, format_errors_mean: formatErrors / episodes, learned_sequences: items.length },
        ),
      );
      const last = step === target || session.budgetSpent(counters.sampled_tokens!);
      if (step % rlvr.evalEvery === 0 || last) {
        try {
          await validate(step);
        } catch (error) {
          if (options.signal?.aborted) return await interrupted();
          throw error;
        }
      }
      if (step % rlvr.checkpointEvery === 0) await session.checkpoint();
    }
    if (stalled !== undefined && validation.length > 0 && !session.state.best) await validate(session.state.step);
    await session.finish();
    return resultOf(session, { interrupted: false, lastHeldOut, ...(stalled !== undefined ? { stalled } : {}) });
  } finally {
    reference?.dispose();
    session.dispose();
  }
}

function resultOf(session: TrainingSession, extra: { interrupted: boolean; stalled?: string; lastHeldOut: HeldOutResult | undefined }): RlvrResult {
  return {
    ...groupRunResult(session, extra.interrupted),
    ...(extra.stalled !== undefined ? { stalled: extra.stalled } : {}),
    ...(extra.lastHeldOut ? { lastHeldOut: extra.lastHeldOut } : {}),
    sampledTokens: session.state.counters.sampled_tokens ?? 0,
  };
}
