/**
 * `reward-check`: a sanity check of the SRL reward on the run's own steps. The teacher's own
 * actions must all score 1.0 (anything else is a bug in the steps, the parsers or the reward); a
 * perturbed policy's answers (src/pipeline/stages/perturbed-responses.ts) show the spread the
 * reward gives near and far misses, and how many GRPO groups of G answers dynamic sampling would
 * keep (std > ε).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { readJsonLines, writeJsonLines } from '../../io/json-lines.js';
import { filterGroups } from '../../reward/group-stats.js';
import { srlReward } from '../../reward/srl.js';
import { stepRowSchema, expertOfRow } from '../../trajectories/index.js';
import { formatIssues } from '../../trajectories/schema.js';
import type { StageDefinition } from '../stage.js';
import { PERTURBATION_KINDS, perturbedResponse, type PerturbableStep, type PerturbationKind } from './perturbed-responses.js';

const settingsSchema = z.strictObject({
  /** Answers of the perturbed policy per step (a GRPO group). */
  samples: z.number().int().min(2).max(64).default(8),
  seed: z.number().int().min(0).default(0),
  /** Weights of the perturbation kinds. */
  mix: z
    .strictObject({
      expert: z.number().min(0).default(0.125),
      edit: z.number().min(0).default(0.5),
      other: z.number().min(0).default(0.25),
      format: z.number().min(0).default(0.125),
    })
    .default({ expert: 0.125, edit: 0.5, other: 0.25, format: 0.125 })
    .refine((mix) => Object.values(mix).some((weight) => weight > 0), 'at least one weight must be above 0'),
  /** Dynamic sampling keeps a group when the std of its rewards is above this (the paper gives none; 1e-4). */
  epsilon: z.number().min(0).default(1e-4),
  /** Fail the stage when a teacher action scores below 1.0. */
  requireTeacherOne: z.boolean().default(true),
});

/** Bins of the histogram the report draws: −1 (format errors) and ten of [0, 1]. */
export const REWARD_BIN_EDGES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

export interface RewardHistogram {
  format_errors: number;
  /** counts[i] is rewards in [edges[i], edges[i+1]) (the last bin includes 1.0). */
  edges: number[];
  counts: number[];
}

export function rewardHistogram(rewards: readonly number[]): RewardHistogram {
  const counts = new Array<number>(REWARD_BIN_EDGES.length - 1).fill(0);
  let formatErrors = 0;
  for (const reward of rewards) {
    if (reward < 0) {
      formatErrors += 1;
      continue;
    }
    counts[Math.min(counts.length - 1, Math.floor(reward * 10))]! += 1;
  }
  return { format_errors: formatErrors, edges: REWARD_BIN_EDGES, counts };
}

function describe(values: readonly number[]): { count: number; mean: number; std: number; min: number; max: number } {
  const count = values.length;
  const mean = count === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / count;
  const std = count === 0 ? 0 : Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / count);
  return { count, mean, std, min: count === 0 ? 0 : Math.min(...values), max: count === 0 ? 0 : Math.max(...values) };
}

export const rewardCheckStage: StageDefinition<typeof settingsSchema> = {
  type: 'reward-check',
  description: "the SRL reward on the teacher's own actions (all 1.0) and on a perturbed policy's (its distribution, groups kept)",
  settings: settingsSchema,
  inputs: { steps: { kind: 'steps', description: 'SRL step instances' } },
  outputs: { rewards: { kind: 'rewards', description: 'rewards.jsonl: one line per scored response (teacher and perturbed)' } },
  version: 1,
  async run({ settings, inputs, dir, progress }) {
    const stepsFile = inputs.steps!.files.steps!;
    const steps: PerturbableStep[] = [];
    for await (const { line, value } of readJsonLines(stepsFile)) {
      const parsed = stepRowSchema.safeParse(value);
      if (!parsed.success) throw new InputError(`${stepsFile}:${line}: not a step row: ${formatIssues(parsed.error)}`);
      const expert = expertOfRow(parsed.data);
      steps.push({ stepId: parsed.data.step_id, toolFormat: expert.toolFormat, action: expert.action, text: expert.text });
    }
    if (steps.length === 0) throw new InputError(`${stepsFile}: no step rows to check the reward on`);
    progress.total(steps.length, 'steps', 'scoring');

    const teacherRewards: number[] = [];
    const belowOne: Array<{ step_id: string; reward: number; reason?: string }> = [];
    const groups: number[][] = [];
    const byKind = new Map<PerturbationKind, number[]>(PERTURBATION_KINDS.map((kind) => [kind, []]));
    const rows: unknown[] = [];
    for (const step of steps) {
      const expert = { toolFormat: step.toolFormat, action: step.action, text: step.text };
      const own = srlReward(`<think>\nThe expert's own next action.\n</think>\n${step.text}`, expert);
      teacherRewards.push(own.reward);
      if (own.reward !== 1) belowOne.push({ step_id: step.stepId, reward: own.reward, ...(own.formatOk ? {} : { reason: own.reason }) });
      rows.push({ step_id: step.stepId, policy: 'teacher', reward: own.reward, format_ok: own.formatOk, ...(own.formatOk ? {} : { reason: own.reason }) });
      const group: number[] = [];
      for (let sample = 0; sample < settings.samples; sample++) {
        const answer = perturbedResponse(step, sample, steps, { seed: settings.seed, mix: settings.mix });
        const scored = srlReward(answer.response, expert);
        group.push(scored.reward);
        byKind.get(answer.kind)!.push(scored.reward);
        rows.push({ step_id: step.stepId, policy: 'perturbed', sample, kind: answer.kind, response: answer.response, reward: scored.reward, format_ok: scored.formatOk, ...(scored.formatOk ? {} : { reason: scored.reason }) });
      }
      groups.push(group);
      progress.advance();
    }
    const output = join(dir, 'rewards.jsonl');
    await writeJsonLines(output, rows);

    const perturbed = groups.flat();
    const filtered = filterGroups(groups, { epsilon: settings.epsilon });
    const summary = {
      steps: steps.length,
      teacher: { ...describe(teacherRewards), all_one: belowOne.length === 0, below_one: belowOne.length, below_one_examples: belowOne.slice(0, 10), histogram: rewardHistogram(teacherRewards) },
      perturbed: {
        ...describe(perturbed),
        samples_per_step: settings.samples,
        seed: settings.seed,
        histogram: rewardHistogram(perturbed),
        by_kind: Object.fromEntries([...byKind].filter(([, rewards]) => rewards.length > 0).map(([kind, rewards]) => [kind, describe(rewards)])),
      },
      groups: { size: settings.samples, total: groups.length, kept: filtered.keptCount, dropped: filtered.droppedCount, kept_fraction: groups.length === 0 ? 0 : filtered.keptCount / groups.length, epsilon: settings.epsilon },
    };
    if (settings.requireTeacherOne && belowOne.length > 0) {
      const first = belowOne[0]!;
      throw new Error(
        `${belowOne.length} of ${steps.length} teacher actions scored below 1.0 (first: ${first.step_id}: ${first.reward}${first.reason ? `, ${first.reason}` : ''}); the steps, the action parsers or the reward disagree: see ${output}`,
      );
    }
    const headline = `teacher ${summary.teacher.all_one ? 'all 1.0' : `${belowOne.length} below 1.0`} over ${steps.length} steps; perturbed mean ${summary.perturbed.mean.toFixed(2)} ± ${summary.perturbed.std.toFixed(2)} (${summary.perturbed.histogram.format_errors} format errors of ${perturbed.length}); ${filtered.keptCount}/${groups.length} groups kept`;
    return { outputs: { rewards: { kind: 'rewards', files: { rewards: output } } }, summary, headline };
  },
};
