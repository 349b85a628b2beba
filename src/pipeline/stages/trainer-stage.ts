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
});
export type TrainerSettings = z.output<typeof trainerSettingsSchema>;

export const INIT_INPUT: InputSlot = { kind: 'checkpoint', description: 'the model to start from (an earlier training stage)', optional: true };
export const HELDOUT_INPUT: InputSlot = { kind: 'tasks', description: 'held-out tasks: the resolve rate of the trained model', optional: true };
export const HELDOUT_STEPS_INPUT: InputSlot = { kind: 'steps', description: 'held-out step instances: the mean SRL step reward of the trained model', optional: true };
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

/** The summary fields every trainer stage reports. */
export function heldOutSummary(result: HeldOutResult | undefined, steps?: HeldOutStepReward): Record<string, unknown> {
  return {
    ...(result ? { heldout_tasks: result.tasks, heldout_resolved: result.resolved, heldout_resolve_rate: result.resolveRate, heldout_reward: result.rewardMean, heldout_exit_statuses: result.exitStatuses } : {}),
    ...(steps ? { heldout_steps: steps.steps, heldout_step_reward: steps.reward, heldout_format_ok: steps.formatOk } : {}),
  };
}

export function heldOutHeadline(result: HeldOutResult | undefined): string {
  return result ? `; held-out ${result.resolved}/${result.tasks} resolved` : '';
}
