/**
 * The GRPO objective (DeepSeekMath; the SRL paper's update), per token: the PPO clipped surrogate
 * of the probability ratio between the current policy and the one that sampled, times the
 * response's group-relative advantage, plus an optional KL penalty against a reference policy
 * (the k3 estimator, exp(ref − logp) − (ref − logp) − 1). A per-token mask says which tokens the
 * policy wrote, so the same loss serves SRL (one answer per prompt) and RLVR over whole episodes,
 * where observation tokens sit between the policy's turns and are masked out.
 */
import { tf, type Tensor } from '../backends/tf.js';

export interface GrpoLossSettings {
  /** Ratios are clipped to [1 − clipLow, 1 + clipHigh]. */
  clipLow: number;
  clipHigh: number;
  /** Weight of the KL penalty; 0 turns it off (and `refLogp` is not needed). */
  klCoef: number;
  /**
   * `token-mean`: the sum over all masked tokens divided by `normalizer` (the batch's token
   * count, so micro-batches add up to the batch's loss); `sequence-mean`: each sequence's token
   * mean, summed and divided by `normalizer` (the batch's sequence count).
   */
  aggregation: 'token-mean' | 'sequence-mean';
}

export interface GrpoLossInputs {
  /** log π_θ of each token, [B, T] (differentiable). */
  logp: Tensor;
  /** log π_old of each token, [B, T]: the policy that sampled. */
  oldLogp: Tensor;
  /** Per sequence [B] or per token [B, T]. */
  advantages: Tensor;
  /** 1 for tokens the policy wrote and the loss counts, 0 elsewhere; [B, T]. */
  mask: Tensor;
  /** log π_ref, [B, T], when klCoef > 0. */
  refLogp?: Tensor;
  normalizer: number;
}

export interface GrpoLossParts {
  loss: tf.Scalar;
  /** Masked token counts: how many ratios were clipped, the summed KL. (Not differentiated.) */
  clippedTokens: tf.Scalar;
  klSum: tf.Scalar;
}

export function grpoLoss(inputs: GrpoLossInputs, settings: GrpoLossSettings): GrpoLossParts {
  const { logp, oldLogp, mask } = inputs;
  const advantages = inputs.advantages.rank === 1 ? inputs.advantages.expandDims(1) : inputs.advantages;
  const ratio = tf.exp(tf.sub(logp, oldLogp));
  const clipped = tf.clipByValue(ratio, 1 - settings.clipLow, 1 + settings.clipHigh);
  const surrogate = tf.minimum(tf.mul(ratio, advantages), tf.mul(clipped, advantages));
  let perToken = tf.neg(surrogate);
  let klSum: tf.Scalar = tf.scalar(0);
  if (settings.klCoef > 0) {
    if (!inputs.refLogp) throw new Error('grpoLoss: klCoef > 0 needs refLogp');
    const delta = tf.sub(inputs.refLogp, logp);
    const kl = tf.sub(tf.sub(tf.exp(delta), delta), 1);
    perToken = tf.add(perToken, tf.mul(kl, settings.klCoef));
    klSum = tf.sum(tf.mul(kl, mask));
  }
  const masked = tf.mul(perToken, mask);
  let loss: tf.Scalar;
  if (settings.aggregation === 'token-mean') {
    loss = tf.div(tf.sum(masked), inputs.normalizer);
  } else {
    const perSequence = tf.div(tf.sum(masked, 1), tf.maximum(tf.sum(mask, 1), 1));
    loss = tf.div(tf.sum(perSequence), inputs.normalizer);
  }
  const wasClipped = tf.cast(tf.notEqual(ratio, clipped), 'float32');
  return { loss, clippedTokens: tf.sum(tf.mul(wasClipped, mask)), klSum };
}
