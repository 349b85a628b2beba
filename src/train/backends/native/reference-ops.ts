// The fused ops written with core tfjs ops only, so they run (and differentiate) on every
// backend: the reference the native kernels are tested against, and what the probe model uses
// on the other backends. They compute what the trainer's ModelOps (src/train/model/ops.ts)
// compute; once that lands on main, these give way to it.
import * as tf from '@tensorflow/tfjs';

import type { AttentionOptions, FusedOps } from './fused-ops.js';

function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: AttentionOptions = {}): tf.Tensor {
  const tq = q.shape[q.shape.length - 2]!;
  const tk = k.shape[k.shape.length - 2]!;
  const scale = options.scale ?? 1 / Math.sqrt(q.shape[q.shape.length - 1]!);
  return tf.tidy(() => {
    let scores = tf.mul(tf.matMul(q, k, false, true), scale);
    if (options.causal ?? true) {
      const past = tk - tq;
      const mask = new Float32Array(tq * tk);
      for (let i = 0; i < tq; i++) for (let j = past + i + 1; j < tk; j++) mask[i * tk + j] = -1e9;
      scores = tf.add(scores, tf.tensor2d(mask, [tq, tk]));
    }
    return tf.matMul(tf.softmax(scores), v);
  });
}

export const referenceOps: FusedOps = {
  rmsNorm: (x, weight, epsilon) => tf.tidy(() => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), epsilon))), weight)),
  layerNorm: (x, gamma, beta, epsilon = 1e-5) =>
    tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
    }),
  gelu: (x, approximate = 'tanh') =>
    tf.tidy(() => {
      if (approximate === 'none') return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    }),
  silu: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
  softmax: (x) => tf.softmax(x),
  logSoftmax: (x) => tf.tidy(() => tf.sub(x, tf.logSumExp(x, -1, true))),
  causalAttention: (q, k, v) => attention(q, k, v, { causal: true }),
  // A one-hot matmul gradient instead of gather's, which needs UnsortedSegmentSum (not in wasm).
  embed: (table, ids) => {
    const vocab = table.shape[0]!;
    const width = table.shape[1]!;
    const flatIds = ids.reshape([-1]) as tf.Tensor1D;
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [rows, save] = args as [tf.Tensor, tf.GradSaveFunc];
      save([flatIds]);
      return {
        value: tf.gather(rows, flatIds),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
          tf.matMul(tf.cast(tf.oneHot(saved[0] as tf.Tensor1D, vocab), 'float32'), dy as tf.Tensor, true, false),
      };
    });
    return tf.reshape(op(table), [...ids.shape, width]);
  },
  rope: (x, offset, theta) =>
    tf.tidy(() => {
      const rank = x.shape.length;
      const length = x.shape[rank - 2]!;
      const dim = x.shape[rank - 1]!;
      const half = dim / 2;
      const cos = new Float32Array(length * dim);
      const sin = new Float32Array(length * dim);
      for (let t = 0; t < length; t++) {
        for (let i = 0; i < half; i++) {
          const angle = (offset + t) / theta ** ((2 * i) / dim);
          cos[t * dim + i] = cos[t * dim + i + half] = Math.cos(angle);
          sin[t * dim + i] = sin[t * dim + i + half] = Math.sin(angle);
        }
      }
      const begin = new Array<number>(rank).fill(0);
      const size = [...x.shape.slice(0, -1), half];
      const first = tf.slice(x, begin, size);
      const second = tf.slice(x, [...begin.slice(0, -1), half], size);
      const rotated = tf.concat([tf.neg(second), first], rank - 1);
      return tf.add(tf.mul(x, tf.tensor2d(cos, [length, dim])), tf.mul(rotated, tf.tensor2d(sin, [length, dim])));
    }),
  attention,
  adamStep: (param, grad, m, v, { lr, beta1, beta2, epsilon, weightDecay, step }) =>
    tf.tidy(() => {
      const first = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
      const second = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
      const update = tf.div(tf.div(first, 1 - beta1 ** step), tf.add(tf.sqrt(tf.div(second, 1 - beta2 ** step)), epsilon));
      return [tf.sub(tf.mul(param, 1 - lr * weightDecay), tf.mul(update, lr)), first, second] as [tf.Tensor, tf.Tensor, tf.Tensor];
    }),
};
