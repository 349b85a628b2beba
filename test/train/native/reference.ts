// What the native fused ops are compared with on the cpu backend: the trainer's own ops composed
// of core tfjs ops (tfjsOps), plus the three extras FusedOps has beyond ModelOps (the erf form of
// GELU, attention with a scale and no mask, one Adam(W) step), written here from core ops.
import * as tf from '@tensorflow/tfjs';

import type { AttentionOptions, FusedOps } from '../../../src/train/backends/native/index.js';
import { tfjsOps } from '../../../src/train/model/ops.js';

function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: AttentionOptions = {}): tf.Tensor {
  const tq = q.shape[q.shape.length - 2]!;
  const tk = k.shape[k.shape.length - 2]!;
  const scale = options.scale ?? 1 / Math.sqrt(q.shape[q.shape.length - 1]!);
  return tf.tidy(() => {
    let scores = tf.mul(tf.matMul(q, k, false, true), scale);
    if (options.causal ?? true) {
      const mask = new Float32Array(tq * tk);
      for (let i = 0; i < tq; i++) for (let j = tk - tq + i + 1; j < tk; j++) mask[i * tk + j] = -1e9;
      scores = tf.add(scores, tf.tensor2d(mask, [tq, tk]));
    }
    return tf.matMul(tf.softmax(scores), v);
  });
}

export const referenceOps: FusedOps = {
  ...tfjsOps,
  layerNorm: (x, gamma, beta, epsilon = 1e-5) => tfjsOps.layerNorm(x, gamma, beta, epsilon),
  gelu: (x, approximate = 'tanh') => (approximate === 'tanh' ? tfjsOps.gelu(x) : tf.tidy(() => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))))),
  attention,
  adamStep: (param, grad, m, v, { lr, beta1, beta2, epsilon, weightDecay, step }) =>
    tf.tidy(() => {
      const first = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
      const second = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
      const update = tf.div(tf.div(first, 1 - beta1 ** step), tf.add(tf.sqrt(tf.div(second, 1 - beta2 ** step)), epsilon));
      return [tf.sub(tf.mul(param, 1 - lr * weightDecay), tf.mul(update, lr)), first, second] as [tf.Tensor, tf.Tensor, tf.Tensor];
    }),
};
