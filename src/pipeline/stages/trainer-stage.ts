/**
 * What the trainer's pipeline stages (`sft`, `srl`, `rlvr`) share: their settings (the training
 * config, as the run configuration's `train` section, and a token budget), the checkpoint they hand
 * on (the best model on validation when there is one, as the paper keeps every method's best
 * checkpoint, else the last), progress lines from the trainer's events, and the held-out resolve
 * rate of the handed-on model when held-out tasks are wired: one episode per task, graded by the
 * evaluation stage, written once to `heldout.json` and as a `heldout_resolve_rate` metrics line.
 *
 * The trainer writes `metrics.jsonl` in the stage's folder itself (the stage's metrics file), one
 * line per step as it goes, and trims lines past its last checkpoint when it resumes, so the file
 * describes one run however often it was interrupted. An interrupted stage checkpoints and stops;
 * the pipeline run again resumes it from that checkpoint.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Instance } from '../../eval/instances.js';
import { writeFileAtomically } from '../../io/atomic-write.js';
import { findEnvironmentSpec, type EnvironmentSpecFile } from '../../sandbox/images/environment-spec.js';
import { trainConfigSchema, type TrainConfig } from '../../train/config.js';
import type { TrainEvent } from '../../train/events.js';
import type { EpisodeEnvironment } from '../../train/rlvr/episode-runner.js';
import type { HeldOutResult } from '../../train/rlvr/heldout-eval.js';
import type { SrlResult } from '../../train/srl/srl-trainer.js';
import { PipelineInterruptedError } from '../run-pipeline.js';
import type { Artifact, InputSlot, StageContext } from '../stage.js';
import { readTaskFiles } from './task-files.js';

export const trainerSettingsSchema = z.strictObject({
  /** The training config (src/train/config.ts): model, tokenizer, data, sft, srl, rlvr, seed, backend. */
  train: trainConfigSchema.prefault({}),
  /**
   * Stop once this many tokens were counted (SFT: answer tokens learned; SRL, RLVR: tokens
   * sampled), so the arms of an experiment get the same budget.
   */
  tokenBudget: z.number().int().min(1).optional(),
  /** Stop after this many steps even if the config asks for more. */
  maxSteps: z.number().int().min(1).optional(),
  /** Held-out tasks (when wired) are run at this temperature, one episode each, to measure the resolve rate. */
  heldoutTemperature: z.number().min(0).default(0),
  /**
   * Held-out math problems (when wired) are answered by the handed-on model through the local
   * policy with the math evaluation prompt: once greedily (accuracy) and `samples` times at
   * `temperature` (Avg@k, as the paper reports Avg@32 at 1.0), graded as `eval-math` grades.
   */
  // Optional, its defaults applied where it is used, so stages written before it keep their fingerprint.
  heldoutMath: z
    .strictObject({
      samples: z.number().int().min(1).optional(),
      temperature: z.number().min(0).optional(),
      maxNewTokens: z.number().int().min(1).optional(),
    })
    .optional(),
});
export type TrainerSettings = z.output<typeof trainerSettingsSchema>;

export const INIT_INPUT: InputSlot = { kind: 'checkpoint', description: 'the model to start from (an earlier training stage)', optional: true };
export const HELDOUT_INPUT: InputSlot = { kind: 'tasks', description: 'held-out tasks: the resolve rate of the trained model', optional: true };
export const HELDOUT_STEPS_INPUT: InputSlot = { kind: 'steps', description: 'held-out step instances: the mean SRL step reward of the trained model', optional: true };
export const HELDOUT_PROBLEMS_INPUT: InputSlot = { kind: 'problems', description: 'held-out math problems: greedy accuracy and Avg@k of the trained model, graded as eval-math grades', optional: true };
export const CHECKPOINT_OUTPUT = { checkpoint: { kind: 'checkpoint' as const, description: 'the trained model (best on validation, else the last): model/ or best/' } };

/** Progress lines for the stage from the trainer's events. */
export function trainerProgress(context: StageContext<TrainerSettings>, stage: 'sft' | 'srl' | 'rlvr', total: number): (event: TrainEvent) => void {
  const { progress } = context;
  const fixed = (value: unknown, digits = 3): string => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  progress.total(total, 'steps', `${stage} training`);
  return (event) => {
    switch (event.type) {
      case 'backend':
        progress.log(`backend ${event.selection.backend}`);
        return;
      case 'model':
        progress.log(`model: ${event.source}${event.from ? ` from ${event.from}` : ''}, ${(event.parameters / 1e6).toFixed(2)}M parameters${event.step !== undefined ? `, at step ${event.step}` : ''}`);
        if (event.step) progress.advance(event.step, `resumed at step ${event.step}`);
        return;
      case 'step': {
        const m = event.metrics;
        progress.advance(1, `step ${m.step}: loss ${fixed(m.loss, 4)}${m.reward_mean !== undefined ? `, reward ${fixed(m.reward_mean)} ± ${fixed(m.reward_std)}, kept ${m.groups_kept}/${m.groups_sampled}` : ''}`);
        return;
      }
      case 'validation':
        progress.log(`step ${event.metrics.step}: ${event.metrics.val_loss !== undefined ? `validation loss ${fixed(event.metrics.val_loss, 4)}` : `validation reward ${fixed(event.metrics.val_reward)}`}${event.best ? ' (best)' : ''}`);
        return;
      case 'episodes':
        progress.log(`step ${event.step}: ${event.task}: rewards [${event.rewards.map((r) => fixed(r, 2)).join(', ')}] ${event.kept ? 'kept' : 'dropped'}`);
        return;
      case 'stalled':
        progress.warn(event.message);
        return;
      default:
        return;
    }
  };
}

/** The trainer's run options common to every stage. */
export function runOptions(context: StageContext<TrainerSettings>, init: string | undefined): { config: TrainConfig; outDir: string; configSource: string; signal: AbortSignal; init?: string; tokenBudget?: number; maxSteps?: number } {
  const { settings } = context;
  return {
    config: settings.train,
    outDir: context.dir,
    configSource: `${context.pipeline.file}: stage ${context.name}: train`,
    signal: context.signal,
    ...(init ? { init } : {}),
    ...(settings.tokenBudget !== undefined ? { tokenBudget: settings.tokenBudget } : {}),
    ...(settings.maxSteps !== undefined ? { maxSteps: settings.maxSteps } : {}),
  };
}

export function initOf(context: StageContext<TrainerSettings>): string | undefined {
  return context.inputs.init?.files.model;
}

export function interruptedError(context: StageContext<TrainerSettings>, step: number): PipelineInterruptedError {
  return new PipelineInterruptedError(`stage "${context.name}" stopped at step ${step} after a checkpoint; run the pipeline again to resume it`);
}

/** The checkpoint the stage hands on. */
export function checkpointArtifact(dir: string, result: { modelDir?: string; bestDir?: string }): Artifact {
  const model = result.bestDir ?? result.modelDir ?? join(dir, 'model');
  return { kind: 'checkpoint', files: { model, last: result.modelDir ?? join(dir, 'model'), ...(result.bestDir ? { best: result.bestDir } : {}) } };
}

/** Episodes on the run's backend for a `tasks` artefact. */
export async function episodeEnvironmentFor(context: StageContext<unknown>, tasks: Artifact, label: string): Promise<{ instances: Instance[]; environment: EpisodeEnvironment }> {
  const files = await readTaskFiles(tasks);
  const specs: EnvironmentSpecFile[] = files.environments;
  const provider = await context.sandboxes.provider({ runId: label, reposDir: files.reposDir });
  // What a killed earlier attempt of this stage left running.
  await provider.removeLeftovers?.(label);
  const environmentFor = async (instance: Instance) => findEnvironmentSpec(specs, instance.repo, instance.version);
  return {
    instances: files.instances,
    environment: { environmentFor, createSandbox: async (instance) => provider.open(instance, await environmentFor(instance), (line) => context.progress.log(line)) },
  };
}

/** A run id for the stage's sandboxes: the run folder's and the stage's names. */
export function sandboxLabel(context: StageContext<unknown>): string {
  return `${context.runDir.split('/').filter(Boolean).at(-1) ?? 'run'}-${context.name}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(-60);
}

/**
 * The held-out resolve rate of `modelDir` on the wired held-out tasks, measured once (kept in
 * heldout.json, so a resumed stage does not measure it again) and appended to the metrics file.
 */
export async function heldOutResolveRate(context: StageContext<TrainerSettings>, modelDir: string, step: number): Promise<HeldOutResult | undefined> {
  const heldout = context.inputs.heldout;
  if (!heldout) return undefined;
  const path = join(context.dir, 'heldout.json');
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as HeldOutResult;
  const { instances, environment } = await episodeEnvironmentFor(context, heldout, `${sandboxLabel(context)}-heldout`);
  context.progress.log(`held-out: ${instances.length} task(s), one episode each`);
  const { createLocalPolicy } = await import('../../train/policy/local-policy.js');
  const { evaluateHeldOut } = await import('../../train/rlvr/heldout-eval.js');
  const { loadAgentTemplates } = await import('../../prompts/templates.js');
  const { rlvrAgentConfig } = await import('../../train/rlvr/rlvr-trainer.js');
  const rlvr = context.settings.train.rlvr;
  const policy = await createLocalPolicy({ model: modelDir, ...(context.settings.train.backend ? { backend: context.settings.train.backend } : {}) });
  try {
    const result = await evaluateHeldOut(policy, instances, environment, {
      templates: await loadAgentTemplates(rlvr.template),
      agentConfig: rlvrAgentConfig(rlvr),
      temperature: context.settings.heldoutTemperature,
      topP: 1,
      maxNewTokens: rlvr.maxNewTokens,
      seed: context.settings.train.seed,
      partialCredit: rlvr.partialCredit,
      signal: context.signal,
      maxParallel: context.sandboxes.maxWorkers,
    });
    await writeFileAtomically(path, `${JSON.stringify(result, null, 2)}\n`);
    await context.metrics.write({ step, stage: 'heldout', heldout_resolve_rate: result.resolveRate, heldout_reward: result.rewardMean, heldout_tasks: result.tasks });
    return result;
  } catch (error) {
    if (context.signal.aborted) throw interruptedError(context, step);
    throw error;
  } finally {
    policy.dispose();
  }
}

export interface HeldOutStepReward {
  steps: number;
  reward: number;
  formatOk: number;
}

/**
 * The mean SRL step reward of `modelDir` on the wired held-out step instances (one greedy answer
 * each), kept in heldout-steps.json and appended to the metrics file.
 */
export async function heldOutStepReward(context: StageContext<TrainerSettings>, modelDir: string, step: number): Promise<HeldOutStepReward | undefined> {
  const input = context.inputs.heldoutSteps;
  if (!input) return undefined;
  const path = join(context.dir, 'heldout-steps.json');
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as HeldOutStepReward;
  const { readStepRows } = await import('../../train/data/examples.js');
  const { loadModelDir } = await import('../../train/checkpoint/model-dir.js');
  const { meanStepReward } = await import('../../train/srl/srl-trainer.js');
  const { ChatTemplate } = await import('../../train/tokenizer/chat-template.js');
  const { tokenBudgetOf } = await import('../../train/config.js');
  const examples = await readStepRows(input.files.steps!);
  const loaded = await loadModelDir(modelDir);
  try {
    const srl = context.settings.train.srl;
    const budget = tokenBudgetOf(context.settings.train, loaded.config, 'train', srl.maxNewTokens);
    const result = meanStepReward(loaded.model, new ChatTemplate(loaded.tokenizer), examples, { maxPromptTokens: budget.maxPromptTokens, maxNewTokens: srl.maxNewTokens, temperature: 0, mode: srl.rewardMode, seed: context.settings.train.seed });
    const out: HeldOutStepReward = { steps: examples.length, reward: result.reward, formatOk: result.formatOk };
    await writeFileAtomically(path, `${JSON.stringify(out, null, 2)}\n`);
    await context.metrics.write({ step, stage: 'heldout', heldout_step_reward: out.reward, heldout_format_ok: out.formatOk });
    return out;
  } finally {
    loaded.model.dispose();
  }
}

export interface HeldOutMath {
  problems: number;
  /** Greedy (one answer per problem, temperature 0): the share answered correctly. */
  greedy_accuracy: number;
  /** Share of greedy answers in the `<think>…</think>` + solution format. */
  greedy_format_ok: number;
  /** Avg@k at `temperature`: the mean over problems of the share of the k samples that are correct. */
  avg_at_k: number;
  k: number;
  temperature: number;
  sampled_format_ok: number;
  greedy_predictions: string;
  sampled_predictions: string;
}

/** Share of the responses of a predictions file that keep the `<think>` format (the math rewards' check). */
async function formatOkShare(path: string): Promise<number> {
  const { readJsonLines } = await import('../../io/json-lines.js');
  const { splitResponse } = await import('../../reward/srl/split-response.js');
  let total = 0;
  let ok = 0;
  for await (const { value } of readJsonLines(path)) {
    total += 1;
    if (splitResponse(String((value as { response?: unknown }).response ?? '')).ok) ok += 1;
  }
  return total === 0 ? 0 : ok / total;
}

/**
 * Greedy accuracy and Avg@k of `modelDir` on the wired held-out math problems: the `local` policy
 * (createPolicy) answers through `sampleAnswers` (the math evaluation prompt, appending as it goes,
 * so an interrupted measurement resumes) and `gradeMathPredictions` grades, the code `math sample`
 * and `eval-math` run. Kept in heldout-math.json and appended to the metrics file.
 */
export async function heldOutMath(context: StageContext<TrainerSettings>, modelDir: string, step: number): Promise<HeldOutMath | undefined> {
  const input = context.inputs.heldoutProblems;
  if (!input) return undefined;
  const path = join(context.dir, 'heldout-math.json');
  if (existsSync(path)) return JSON.parse(await readFile(path, 'utf8')) as HeldOutMath;
  const { createPolicy } = await import('../../policy/factory.js');
  const { sampleAnswers, gradeMathPredictions } = await import('../../math/index.js');
  const settings = { samples: 4, temperature: 1.0, maxNewTokens: 256, ...context.settings.heldoutMath };
  const problems = input.files.problems!;
  const dir = join(context.dir, 'heldout-math');
  const seed = context.settings.train.seed;
  const policy = createPolicy({ type: 'local', model: modelDir, seed, ...(context.settings.train.backend ? { backend: context.settings.train.backend } : {}) });
  const runs = [
    { output: join(dir, 'greedy.jsonl'), samples: 1, temperature: 0, seed: 0 },
    { output: join(dir, 'sampled.jsonl'), samples: settings.samples, temperature: settings.temperature, seed: 1_000_000 },
  ];
  try {
    for (const run of runs) {
      context.progress.log(`held-out math: ${run.samples} answer(s) per problem at temperature ${run.temperature}`);
      await sampleAnswers({ problems, output: run.output, policy, samples: run.samples, temperature: run.temperature, topP: 1, maxTokens: settings.maxNewTokens, seed: seed * 10_000_000 + run.seed, signal: context.signal });
    }
  } catch (error) {
    if (context.signal.aborted) throw interruptedError(context, step);
    throw error;
  } finally {
    await (policy as { dispose?: () => unknown }).dispose?.();
  }
  const greedy = await gradeMathPredictions({ problems, predictions: runs[0]!.output });
  const sampled = await gradeMathPredictions({ problems, predictions: runs[1]!.output });
  const result: HeldOutMath = {
    problems: greedy.problems,
    greedy_accuracy: greedy.accuracy,
    greedy_format_ok: await formatOkShare(runs[0]!.output),
    avg_at_k: sampled.avg_at_k,
    k: settings.samples,
    temperature: settings.temperature,
    sampled_format_ok: await formatOkShare(runs[1]!.output),
    greedy_predictions: runs[0]!.output,
    sampled_predictions: runs[1]!.output,
  };
  await writeFileAtomically(path, `${JSON.stringify(result, null, 2)}\n`);
  await context.metrics.write({ step, stage: 'heldout', heldout_math_greedy_accuracy: result.greedy_accuracy, heldout_math_avg_at_k: result.avg_at_k, heldout_math_k: result.k, heldout_math_format_ok: result.greedy_format_ok });
  return result;
}

/** The summary fields every trainer stage reports. */
export function heldOutSummary(result: HeldOutResult | undefined, steps?: HeldOutStepReward, math?: HeldOutMath): Record<string, unknown> {
  return {
    ...(math
      ? { heldout_math_problems: math.problems, heldout_math_greedy_accuracy: math.greedy_accuracy, heldout_math_avg_at_k: math.avg_at_k, heldout_math_k: math.k, heldout_math_temperature: math.temperature, heldout_math_greedy_format_ok: math.greedy_format_ok, heldout_math_sampled_format_ok: math.sampled_format_ok }
      : {}),
    ...(result ? { heldout_tasks: result.tasks, heldout_resolved: result.resolved, heldout_resolve_rate: result.resolveRate, heldout_reward: result.rewardMean, heldout_exit_statuses: result.exitStatuses } : {}),
    ...(steps ? { heldout_steps: steps.steps, heldout_step_reward: steps.reward, heldout_format_ok: steps.formatOk } : {}),
  };
}

export function heldOutHeadline(result: HeldOutResult | undefined, math?: HeldOutMath): string {
  return `${result ? `; held-out ${result.resolved}/${result.tasks} resolved` : ''}${math ? `; held-out math greedy ${(100 * math.greedy_accuracy).toFixed(1)}%, Avg@${math.k} ${(100 * math.avg_at_k).toFixed(1)}% (format ${(100 * math.greedy_format_ok).toFixed(0)}%)` : ''}`;
}

/** Every held-out measurement wired to a trainer stage, of the model it hands on. */
export async function heldOutMeasurements(context: StageContext<TrainerSettings>, modelDir: string, step: number): Promise<{ summary: Record<string, unknown>; headline: string }> {
  const tasks = await heldOutResolveRate(context, modelDir, step);
  const steps = await heldOutStepReward(context, modelDir, step);
  const math = await heldOutMath(context, modelDir, step);
  return { summary: heldOutSummary(tasks, steps, math), headline: heldOutHeadline(tasks, math) };
}

/**
 * What a GRPO stage over rows (`srl`, `math-rlvr`: both run the SRL trainer) hands on and reports:
 * its checkpoint, the held-out measurements of it, and a headline led by `steps` (e.g. "12 SRL
 * steps") and ended by `extra` (what only that stage reports).
 */
export async function groupTrainerOutcome(context: StageContext<TrainerSettings>, result: SrlResult, label: string, extra = ''): Promise<{ outputs: { checkpoint: Artifact }; headline: string; summary: Record<string, unknown> }> {
  if (result.interrupted) throw interruptedError(context, result.steps);
  const checkpoint = checkpointArtifact(context.dir, result);
  const heldOut = await heldOutMeasurements(context, checkpoint.files.model!, result.steps);
  return {
    outputs: { checkpoint },
    headline: `${result.steps} ${label} steps on ${result.backend}; ${(100 * result.keptFraction).toFixed(0)}% of groups kept${result.stalled ? '; stopped early: every group dropped' : ''}${extra}${heldOut.headline}`,
    summary: { steps: result.steps, backend: result.backend, kept_fraction: result.keptFraction, stalled: result.stalled ?? null, best_val_reward: result.bestValidationReward ?? null, ...heldOut.summary },
  };
}
