/**
 * The bookkeeping both GRPO trainers (SRL on step rows, RLVR on whole episodes) keep the same way:
 * the run's totals of sampled and kept groups and sampled tokens (in the checkpointed counters, so
 * a resumed run goes on counting), a step's metrics line, and the result a run returns.
 */
import { groupStatistics } from '../../reward/group-stats.js';
import type { MetricValue, MetricsRecord } from '../events.js';
import type { GrpoUpdateStats } from './grpo-update.js';
import type { TrainingSession } from './training-session.js';

export interface GroupRunResult {
  steps: number;
  interrupted: boolean;
  modelDir?: string;
  bestDir?: string;
  bestValidationReward?: number;
  /** Kept groups over sampled groups, over the whole run so far. */
  keptFraction: number;
  /** Set when dynamic sampling dropped every group for too long and `onStall` is `stop`. */
  stalled?: string;
  backend: string;
}

/** What one step sampled and learned. */
export interface GroupStep {
  /** Every sampled response's reward, kept or not. */
  rewards: readonly number[];
  sampledGroups: number;
  keptGroups: number;
  sampledTokens: number;
  sampleSeconds: number;
  stepSeconds: number;
  learningRate: number;
  update: GrpoUpdateStats;
}

/** Adds a step's sampled and kept groups and sampled tokens to the run's totals. */
export function countGroups(counters: Record<string, number>, step: Pick<GroupStep, 'sampledGroups' | 'keptGroups' | 'sampledTokens'>): void {
  counters.groups_sampled = (counters.groups_sampled ?? 0) + step.sampledGroups;
  counters.groups_kept = (counters.groups_kept ?? 0) + step.keptGroups;
  counters.sampled_tokens = (counters.sampled_tokens ?? 0) + step.sampledTokens;
}

type Fields = Record<string, MetricValue>;

/**
 * A step's metrics line: the fields every GRPO run writes, in their fixed order, with the trainer's
 * own after the rewards and after the groups. Mean and population std are over every sampled
 * response, kept or not.
 */
export function groupStepMetrics(counters: Record<string, number>, step: GroupStep, afterRewards: Fields, afterGroups: Fields): Omit<MetricsRecord, 'stage' | 'step'> {
  const sampled = groupStatistics(step.rewards);
  return {
    loss: step.update.loss,
    lr: step.learningRate,
    grad_norm: step.update.gradNorm,
    reward_mean: sampled.mean,
    reward_std: sampled.std,
    ...afterRewards,
    groups_kept: step.keptGroups,
    groups_sampled: step.sampledGroups,
    kept_fraction: step.keptGroups / step.sampledGroups,
    kept_fraction_total: counters.groups_kept! / counters.groups_sampled!,
    clip_fraction: step.update.clipFraction,
    kl: step.update.kl,
    ...afterGroups,
    sampled_tokens: step.sampledTokens,
    sampled_tokens_total: counters.sampled_tokens!,
    sample_tokens_per_s: step.sampledTokens / Math.max(1e-9, step.sampleSeconds),
    train_tokens_per_s: step.update.tokens / Math.max(1e-9, step.update.seconds),
    step_s: step.stepSeconds,
  };
}

/** The run's result so far: `model/` once finished (not when interrupted), `best/` when validation kept one. */
export function groupRunResult(session: TrainingSession, interrupted: boolean): GroupRunResult {
  const counters = session.state.counters;
  const best = session.state.best;
  return {
    steps: session.state.step,
    interrupted,
    ...(interrupted ? {} : { modelDir: `${session.options.outDir}/model` }),
    ...(best ? { bestDir: `${session.options.outDir}/best`, bestValidationReward: best.value } : {}),
    keptFraction: (counters.groups_kept ?? 0) / Math.max(1, counters.groups_sampled ?? 0),
    backend: session.selection.backend,
  };
}
