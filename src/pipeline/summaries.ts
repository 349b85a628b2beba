/**
 * The summaries the built-in stages return (kept in their stage records) and the report reads. A
 * new stage type's summary is shown as key figures in the stages table; its training curves come
 * from its metrics.jsonl (see `MetricsRecord` in stage.ts).
 */
import type { RewardHistogram } from './stages/reward-check.js';

export type { RateCount } from '../tasks/task-labels.js';
import type { RateCount } from '../tasks/task-labels.js';

/** One tier's tasks, as `makeTasks` reported them. */
export interface TierTasks {
  requested: number;
  made: number;
  candidates: number;
  dropped: number;
  dropped_by_reason: Record<string, number>;
  made_by_bug_kind: Record<string, number>;
  made_by_template: Record<string, number>;
}

export interface TasksSummary {
  split: string;
  seed: number;
  instances: number;
  tiers: Record<string, TierTasks>;
}

/** The teacher stage's summary: the teacher run's (src/teacher). */
export type { TeacherRunSummary as TeacherSummary } from '../teacher/run-teacher.js';

export interface StepsSummary {
  trajectories: number;
  steps: number;
  history: number | 'all';
  form: string;
  steps_by_tool: Record<string, number>;
  steps_per_trajectory: { min: number; max: number; mean: number } | null;
}

export interface Distribution {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface RewardCheckSummary {
  steps: number;
  teacher: Distribution & { all_one: boolean; below_one: number; below_one_examples: Array<{ step_id: string; reward: number; reason?: string }>; histogram: RewardHistogram };
  perturbed: Distribution & { samples_per_step: number; seed: number; histogram: RewardHistogram; by_kind: Record<string, Distribution> };
  groups: { size: number; total: number; kept: number; dropped: number; kept_fraction: number; epsilon: number };
}

export interface EvaluationSummary {
  model: string;
  gold: boolean;
  total: number;
  resolved: number;
  unresolved: number;
  empty_patch: number;
  error: number;
  resolve_rate: number;
  by_tier: Record<string, RateCount>;
  by_bug_kind: Record<string, RateCount>;
  gold_invalid?: number;
  resolved_ids: string[];
  unresolved_ids: string[];
  error_ids: string[];
}

export interface ImagesSummary {
  backend: string;
  instances: number;
  built: number;
  cached: number;
}
