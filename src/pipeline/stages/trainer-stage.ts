/**
 * What the trainer's pipeline stages (`sft`, `srl`, `rlvr`, `math-rlvr`) share: their settings (the
 * training config, as the run configuration's `train` section, and a token budget), their input and
 * output slots, the trainer's run options with progress lines from its events, and the checkpoint
 * they hand on (the best model on validation when there is one, as the paper keeps every method's
 * best checkpoint, else the last). What they report of it is trainer-outcome.ts's; the held-out
 * measurements of it are heldout-measurements.ts's.
 *
 * The trainer writes `metrics.jsonl` in the stage's folder itself (the stage's metrics file), one
 * line per step as it goes, and trims lines past its last checkpoint when it resumes, so the file
 * describes one run however often it was interrupted. An interrupted stage checkpoints and stops;
 * the pipeline run again resumes it from that checkpoint.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { trainConfigSchema, type TrainConfig } from '../../train/config.js';
import type { TrainEvent, TrainStage } from '../../train/events.js';
import { PipelineInterruptedError } from '../run-pipeline.js';
import type { Artifact, InputSlot, StageContext } from '../stage.js';

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
const HELDOUT_INPUT: InputSlot = { kind: 'tasks', description: 'held-out tasks: the resolve rate of the trained model', optional: true };
const HELDOUT_STEPS_INPUT: InputSlot = { kind: 'steps', description: 'held-out step instances: the mean SRL step reward of the trained model', optional: true };
export const HELDOUT_PROBLEMS_INPUT: InputSlot = { kind: 'problems', description: 'held-out math problems: greedy accuracy and Avg@k of the trained model, graded as eval-math grades', optional: true };
/** The held-out inputs `sft`, `srl` and `rlvr` take: every measurement of the handed-on model. */
export const HELDOUT_INPUTS = { heldout: HELDOUT_INPUT, heldoutSteps: HELDOUT_STEPS_INPUT, heldoutProblems: HELDOUT_PROBLEMS_INPUT };
export const CHECKPOINT_OUTPUT = { checkpoint: { kind: 'checkpoint' as const, description: 'the trained model (best on validation, else the last): model/ or best/' } };

/** Progress lines for the stage from the trainer's events. */
function trainerProgress(context: StageContext<TrainerSettings>, stage: TrainStage, total: number): (event: TrainEvent) => void {
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

export interface TrainerStageRunOptions {
  config: TrainConfig;
  outDir: string;
  configSource: string;
  signal: AbortSignal;
  init?: string;
  tokenBudget?: number;
  maxSteps?: number;
  onEvent: (event: TrainEvent) => void;
}

/**
 * The trainer's run options common to every stage, its progress lines counting up to the steps of
 * the config's `section` (the one whose hyper-parameters the trainer uses) or `maxSteps`.
 */
export function trainerRunOptions(context: StageContext<TrainerSettings>, section: TrainStage): TrainerStageRunOptions {
  const { settings } = context;
  const init = context.inputs.init?.files.model;
  return {
    config: settings.train,
    outDir: context.dir,
    configSource: `${context.pipeline.file}: stage ${context.name}: train`,
    signal: context.signal,
    ...(init ? { init } : {}),
    ...(settings.tokenBudget !== undefined ? { tokenBudget: settings.tokenBudget } : {}),
    ...(settings.maxSteps !== undefined ? { maxSteps: settings.maxSteps } : {}),
    onEvent: trainerProgress(context, section, Math.min(settings.train[section].steps, settings.maxSteps ?? Infinity)),
  };
}

export function interruptedError(context: StageContext<TrainerSettings>, step: number): PipelineInterruptedError {
  return new PipelineInterruptedError(`stage "${context.name}" stopped at step ${step} after a checkpoint; run the pipeline again to resume it`);
}

/** The checkpoint the stage hands on. */
export function checkpointArtifact(dir: string, result: { modelDir?: string; bestDir?: string }): Artifact {
  const model = result.bestDir ?? result.modelDir ?? join(dir, 'model');
  return { kind: 'checkpoint', files: { model, last: result.modelDir ?? join(dir, 'model'), ...(result.bestDir ? { best: result.bestDir } : {}) } };
}
