/**
 * What a trainer stage hands on and reports once its trainer has run: the checkpoint (or, when the
 * signal stopped it, the interruption the pipeline resumes from), the held-out measurements of that
 * checkpoint, and a headline and summary that end with them.
 */
import type { GroupRunResult } from '../../train/run/grpo-bookkeeping.js';
import type { Artifact, StageContext } from '../stage.js';
import { heldOutMeasurements } from './heldout-measurements.js';
import { checkpointArtifact, interruptedError, type TrainerSettings } from './trainer-stage.js';

export interface TrainerOutcome {
  outputs: { checkpoint: Artifact };
  headline: string;
  summary: Record<string, unknown>;
}

/** The stage's result from its trainer's: `report` is what only that stage says, before the held-out measurements. */
export async function trainerOutcome(
  context: StageContext<TrainerSettings>,
  result: { steps: number; interrupted: boolean; modelDir?: string; bestDir?: string },
  report: { headline: string; summary: Record<string, unknown> },
): Promise<TrainerOutcome> {
  if (result.interrupted) throw interruptedError(context, result.steps);
  const checkpoint = checkpointArtifact(context.dir, result);
  // The validation at the last step measured the last model; the handed-on one may be the best.
  const heldOut = await heldOutMeasurements(context, checkpoint.files.model!, result.steps);
  return { outputs: { checkpoint }, headline: `${report.headline}${heldOut.headline}`, summary: { ...report.summary, ...heldOut.summary } };
}

/**
 * The result of a GRPO stage (`srl`, `math-rlvr`, `rlvr`), its headline led by `label`'s steps (e.g.
 * "12 SRL steps") and ended by `extra` (what only that stage reports); the sampled tokens are
 * reported when the result carries them (RLVR's does).
 */
export async function groupTrainerOutcome(context: StageContext<TrainerSettings>, result: GroupRunResult & { sampledTokens?: number }, label: string, extra = ''): Promise<TrainerOutcome> {
  const sampledTokens = result.sampledTokens;
  return trainerOutcome(context, result, {
    headline: `${result.steps} ${label} steps on ${result.backend}; ${(100 * result.keptFraction).toFixed(0)}% of groups kept${sampledTokens !== undefined ? `, ${sampledTokens} tokens sampled` : ''}${result.stalled ? '; stopped early: every group dropped' : ''}${extra}`,
    summary: {
      steps: result.steps,
      backend: result.backend,
      kept_fraction: result.keptFraction,
      ...(sampledTokens !== undefined ? { sampled_tokens: sampledTokens } : {}),
      stalled: result.stalled ?? null,
      best_val_reward: result.bestValidationReward ?? null,
    },
  });
}
