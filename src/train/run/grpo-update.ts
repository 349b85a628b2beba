/**
 * One GRPO update over sampled sequences, shared by SRL (a prompt and one answer per sequence) and
 * RLVR (whole episodes with observation tokens masked): `updateEpochs` passes of the clipped
 * surrogate (src/train/srl/grpo-loss.ts) over micro-batches, the gradients of a pass summed into
 * one optimizer update with clipping, π_old being the sampling policy's own log-probabilities and
 * the KL term (when on) against a frozen reference model.
 */
import { tf } from '../backends/tf.js';
import { nextTokenLogprobs, padBatch } from '../model/logprobs.js';
import type { Transformer } from '../model/transformer.js';
import { grpoLoss, type GrpoLossSettings } from '../srl/grpo-loss.js';
import type { TrainingSession } from './training-session.js';

/** A sampled sequence: the tokens, which ones the policy wrote (learned), their log π_old, and the advantage of its response. */
export interface GrpoItem {
  ids: readonly number[];
  learn: readonly boolean[];
  /** log π_old of ids[i] where learn[i]; anything elsewhere. */
  oldLogp: readonly number[];
  advantage: number;
}

export interface GrpoUpdateSettings extends GrpoLossSettings {
  updateEpochs: number;
  microBatchSize: number;
  gradClip: number;
}

export interface GrpoUpdateStats {
  loss: number;
  gradNorm: number;
  clipFraction: number;
  kl: number | null;
  /** Tokens through the model (every pass, prompts included). */
  tokens: number;
  seconds: number;
}

export function grpoUpdate(
  session: TrainingSession,
  items: readonly GrpoItem[],
  settings: GrpoUpdateSettings,
  learningRate: number,
  reference: Transformer | undefined,
): GrpoUpdateStats {
  const started = performance.now();
  const padId = session.template.endOfText;
  const learnedTokens = items.reduce((sum, item) => sum + item.learn.filter(Boolean).length, 0);
  const normalizer = settings.aggregation === 'token-mean' ? Math.max(1, learnedTokens) : items.length;
  let loss = 0;
  let gradNorm = 0;
  let clipped = 0;
  let klSum = 0;
  for (let epoch = 0; epoch < settings.updateEpochs; epoch += 1) {
    const parts: Array<() => tf.Scalar> = [];
    for (let start = 0; start < items.length; start += settings.microBatchSize) {
      const chunk = items.slice(start, start + settings.microBatchSize);
      const padded = padBatch(chunk, padId);
      const width = padded.length - 1;
      // Position t predicts token t + 1.
      const old = new Float32Array(padded.batch * width);
      chunk.forEach((item, b) => {
        for (let i = 1; i < item.ids.length; i += 1) if (item.learn[i]) old[b * width + i - 1] = item.oldLogp[i]!;
      });
      parts.push(() =>
        tf.tidy(() => {
          const ids = tf.tensor2d(padded.ids, [padded.batch, padded.length], 'int32');
          const logp = nextTokenLogprobs(session.model, ids);
          const refLogp = reference ? tf.tidy(() => nextTokenLogprobs(reference, ids)) : undefined;
          const result = grpoLoss(
            {
              logp,
              oldLogp: tf.tensor2d(old, [padded.batch, width]),
              advantages: tf.tensor1d(chunk.map((item) => item.advantage)),
              mask: tf.tensor2d(padded.mask, [padded.batch, width]),
              ...(refLogp ? { refLogp } : {}),
              normalizer,
            },
            settings,
          );
          clipped += result.clippedTokens.dataSync()[0]!;
          klSum += result.klSum.dataSync()[0]!;
          return result.loss;
        }),
      );
    }
    ({ loss, gradNorm } = session.update(parts, learningRate, settings.gradClip, `${items.length} sequences in micro-batches of ${settings.microBatchSize}`));
  }
  const passes = Math.max(1, learnedTokens * settings.updateEpochs);
  return {
    loss,
    gradNorm,
    clipFraction: clipped / passes,
    kl: reference ? klSum / passes : null,
    tokens: items.reduce((sum, item) => sum + item.ids.length, 0) * settings.updateEpochs,
    seconds: (performance.now() - started) / 1000,
  };
}
