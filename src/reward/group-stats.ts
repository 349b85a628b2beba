/**
 * Group statistics for GRPO: each prompt (an SRL step) is answered G times (8 by default), and a
 * response's advantage is its reward measured against its own group. The SRL paper's dynamic
 * sampling keeps a group only when its rewards vary: a group whose rewards are all equal has
 * zero advantages and teaches nothing.
 */
import { InputError } from '../errors.js';

/** The group size used by the SRL paper (and our default wherever a size matters). */
export const DEFAULT_GROUP_SIZE = 8;

/**
 * What advantages are divided by:
 * - `population-std`: (r − mean) / (std + advantageEpsilon), std over the group as a population
 *   (the GRPO convention, and the statistic the dynamic sampling filter uses);
 * - `sample-std`: the same with Bessel's correction (n − 1), as `torch.std` computes by default;
 * - `none`: r − mean, without scaling (Dr. GRPO, which drops the std to avoid a difficulty bias).
 */
export type AdvantageNormalization = 'population-std' | 'sample-std' | 'none';

export interface GroupStatisticsOptions {
  /** Default `population-std`. */
  readonly normalization?: AdvantageNormalization;
  /** Added to the std before dividing, so near-constant groups do not explode. Default 1e-4 (as TRL). */
  readonly advantageEpsilon?: number;
}

export interface GroupStatistics {
  readonly size: number;
  readonly mean: number;
  /** Population standard deviation (divides by n), whatever the normalization. */
  readonly std: number;
  readonly advantages: number[];
}

export const DEFAULT_ADVANTAGE_EPSILON = 1e-4;

/**
 * Finite rewards whose statistics are not (|r| near 1e308: their differences overflow). A trainer
 * would read null or NaN advantages as a signal, so these groups are refused, not kept.
 */
export class NonFiniteStatisticsError extends InputError {}

/** Mean, population std and advantages of one group's rewards. */
export function groupStatistics(rewards: readonly number[], options: GroupStatisticsOptions = {}): GroupStatistics {
  const normalization = options.normalization ?? 'population-std';
  const advantageEpsilon = options.advantageEpsilon ?? DEFAULT_ADVANTAGE_EPSILON;
  if (!Number.isFinite(advantageEpsilon) || advantageEpsilon < 0) {
    throw new InputError(`advantageEpsilon: expected a finite number >= 0, got ${advantageEpsilon}`);
  }
  validateRewards(rewards);
  const size = rewards.length;
  // Summing offsets from the first reward makes a constant group's mean exactly that reward
  // (0.1 * 3 / 3 is not 0.1 in floating point), so its std and advantages are exactly 0.
  const origin = rewards[0]!;
  let offsetSum = 0;
  for (const reward of rewards) offsetSum += reward - origin;
  const mean = origin + offsetSum / size;
  let squares = 0;
  for (const reward of rewards) squares += (reward - mean) ** 2;
  const std = Math.sqrt(squares / size);

  let scale: number;
  if (normalization === 'none') scale = 1;
  else if (normalization === 'population-std') scale = std + advantageEpsilon;
  else scale = (size > 1 ? Math.sqrt(squares / (size - 1)) : 0) + advantageEpsilon;
  // With advantageEpsilon 0 a constant group would give 0/0; it carries no signal, so 0.
  const advantages = rewards.map((reward) => (scale === 0 ? 0 : (reward - mean) / scale));
  if (!Number.isFinite(mean) || !Number.isFinite(std) || !advantages.every(Number.isFinite)) {
    throw new NonFiniteStatisticsError(
      `the group's statistics are not finite (mean ${mean}, std ${std}): its rewards are too large in magnitude to subtract`,
    );
  }
  return { size, mean, std, advantages };
}

export interface GroupFilterOptions extends GroupStatisticsOptions {
  /** A group is kept only when the population std of its rewards is strictly greater than this. */
  readonly epsilon: number;
}

export interface GroupFilterResult {
  /** Indices (into the input) of the groups kept, in order. */
  readonly kept: number[];
  /** Indices of the groups dropped, in order. */
  readonly dropped: number[];
  readonly keptCount: number;
  readonly droppedCount: number;
  /** The statistics of every group, kept or not, in input order. */
  readonly statistics: GroupStatistics[];
}

/** The SRL paper's dynamic sampling: keep the groups whose reward std exceeds epsilon. */
export function filterGroups(groups: readonly (readonly number[])[], options: GroupFilterOptions): GroupFilterResult {
  if (!Number.isFinite(options.epsilon) || options.epsilon < 0) {
    throw new InputError(`epsilon: expected a finite number >= 0, got ${options.epsilon}`);
  }
  const kept: number[] = [];
  const dropped: number[] = [];
  const statistics = groups.map((rewards, index) => {
    let stats: GroupStatistics;
    try {
      stats = groupStatistics(rewards, options);
    } catch (error) {
      if (error instanceof NonFiniteStatisticsError) throw new NonFiniteStatisticsError(`group ${index}: ${error.message}`, { cause: error });
      if (error instanceof InputError) throw new InputError(`group ${index}: ${error.message}`, { cause: error });
      throw error;
    }
    (stats.std > options.epsilon ? kept : dropped).push(index);
    return stats;
  });
  return { kept, dropped, keptCount: kept.length, droppedCount: dropped.length, statistics };
}

/** Consecutive rewards cut into groups of `groupSize` (responses to one prompt are adjacent). */
export function chunkIntoGroups(rewards: readonly number[], groupSize: number = DEFAULT_GROUP_SIZE): number[][] {
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new InputError(`groupSize: expected a positive integer, got ${groupSize}`);
  if (rewards.length % groupSize !== 0) {
    throw new InputError(`${rewards.length} rewards do not split into groups of ${groupSize} (${rewards.length % groupSize} left over)`);
  }
  const groups: number[][] = [];
  for (let start = 0; start < rewards.length; start += groupSize) groups.push(rewards.slice(start, start + groupSize));
  return groups;
}

function validateRewards(rewards: readonly number[]): void {
  if (rewards.length === 0) throw new InputError('empty group: a group needs at least one reward');
  rewards.forEach((reward, index) => {
    if (typeof reward !== 'number' || !Number.isFinite(reward)) {
      throw new InputError(`reward ${index}: expected a finite number, got ${typeof reward === 'number' ? String(reward) : typeof reward}`);
    }
  });
}
