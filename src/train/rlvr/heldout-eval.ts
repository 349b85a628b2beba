/**
 * The held-out resolve rate of a model: one episode per held-out task (at the validation
 * temperature, 0 = greedy), graded by the evaluation stage. RLVR's validation reward, and what
 * every training stage reports at its checkpoints when held-out tasks are given.
 */
import type { Instance } from '../../eval/instances.js';
import type { LocalPolicy } from '../policy/local-policy.js';
import { deriveSeed } from '../model/rng.js';
import { inParallel, runEpisode, type EpisodeEnvironment, type EpisodeOutcome, type EpisodeSettings } from './episode-runner.js';

export interface HeldOutResult {
  tasks: number;
  resolved: number;
  resolveRate: number;
  /** Mean episode reward (with partial credit, above the resolve rate). */
  rewardMean: number;
  exitStatuses: Record<string, number>;
  episodes: Array<Pick<EpisodeOutcome, 'instanceId' | 'reward' | 'resolved' | 'exitStatus' | 'steps' | 'formatErrors'>>;
}

export async function evaluateHeldOut(
  policy: LocalPolicy,
  tasks: readonly Instance[],
  environments: EpisodeEnvironment,
  settings: Omit<EpisodeSettings, 'seed'> & { seed: number; maxParallel: number },
): Promise<HeldOutResult> {
  const outcomes = await inParallel(tasks.length, settings.maxParallel, (i) => runEpisode(policy, tasks[i]!, environments, { ...settings, seed: deriveSeed(settings.seed, i) }));
  const exitStatuses: Record<string, number> = {};
  for (const outcome of outcomes) exitStatuses[outcome.exitStatus] = (exitStatuses[outcome.exitStatus] ?? 0) + 1;
  const resolved = outcomes.filter((o) => o.resolved).length;
  return {
    tasks: tasks.length,
    resolved,
    resolveRate: tasks.length === 0 ? Number.NaN : resolved / tasks.length,
    rewardMean: tasks.length === 0 ? Number.NaN : outcomes.reduce((sum, o) => sum + o.reward, 0) / tasks.length,
    exitStatuses,
    episodes: outcomes.map(({ instanceId, reward, resolved: r, exitStatus, steps, formatErrors }) => ({ instanceId, reward, resolved: r, exitStatus, steps, formatErrors })),
  };
}
