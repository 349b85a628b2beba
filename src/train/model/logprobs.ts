/**
 * Log-probabilities of given tokens under the model: the training losses (SFT's masked next-token
 * loss, GRPO's ratios) and the `logprobs` of sampled or given continuations all go through here.
 */
import { tf, type Tensor } from '../backends/tf.js';
import type { Transformer } from './transformer.js';

/**
 * For ids [B, T]: the log-probability of each next token, [B, T − 1], position t holding
 * log p(ids[t + 1] | ids[..t]). Differentiable; call inside tf.tidy / variableGrads.
 */
export function nextTokenLogprobs(model: Transformer, ids: Tensor): Tensor {
  const [batch, length] = ids.shape as [number, number];
  // The last position predicts nothing we score, so the model runs on the first T − 1 (causal:
  // their logits are the same as in a pass over all T).
  const { logits } = model.forward(tf.slice(ids, [0, 0], [batch, length - 1]));
  return model.ops.tokenLogprobs(logits, tf.slice(ids, [0, 1], [batch, length - 1]));
}

/** A batch of token sequences right-padded to one length, with a weight per predicted token. */
export interface PaddedBatch {
  ids: Int32Array;
  /** [B, T − 1]: 1 where position t + 1 is a token the loss counts (a response token), else 0. */
  mask: Float32Array;
  batch: number;
  length: number;
}

/**
 * Pads sequences to the longest, the mask marking the tokens to learn (`learn[i][t]` true for
 * token t of sequence i). Right padding needs no attention mask: causal attention never lets a
 * real token see the padding after it.
 */
export function padBatch(sequences: ReadonlyArray<{ ids: readonly number[]; learn: readonly boolean[] }>, padId: number): PaddedBatch {
  const length = Math.max(2, ...sequences.map((s) => s.ids.length));
  const batch = sequences.length;
  const ids = new Int32Array(batch * length).fill(padId);
  const mask = new Float32Array(batch * (length - 1));
  sequences.forEach((sequence, b) => {
    ids.set(sequence.ids, b * length);
    for (let t = 1; t < sequence.ids.length; t += 1) if (sequence.learn[t]) mask[b * (length - 1) + t - 1] = 1;
  });
  return { ids, mask, batch, length };
}

/** Log-probabilities of each continuation after its prompt, one array per continuation (not differentiable). */
export function continuationLogprobs(model: Transformer, items: ReadonlyArray<{ prompt: readonly number[]; continuation: readonly number[] }>, padId: number): number[][] {
  if (items.length === 0) return [];
  const sequences = items.map(({ prompt, continuation }) => ({
    ids: [...prompt, ...continuation],
    learn: [...prompt.map(() => false), ...continuation.map(() => true)],
  }));
  const padded = padBatch(sequences, padId);
  const values = tf.tidy(() => nextTokenLogprobs(model, tf.tensor2d(padded.ids, [padded.batch, padded.length], 'int32')).dataSync());
  return items.map(({ prompt, continuation }, b) => {
    const start = b * (padded.length - 1) + prompt.length - 1;
    return Array.from(values.subarray(start, start + continuation.length));
  });
}
