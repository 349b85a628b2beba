// The fused ops the trainer's model can call instead of composing core ops, each differentiable
// (tf.customGrad over a forward and a backward kernel). They run on the native backend only:
// fusedOps() in index.ts hands them out when that backend is active.
import * as tf from '@tensorflow/tfjs';

import { ACTIVATION, ACTIVATION_GRAD, ATTENTION, ATTENTION_GRAD, LAYER_NORM, LAYER_NORM_GRAD, type ActivationKind } from './kernels/fused.js';

export interface AttentionOptions {
  /** Multiplies q·k before the softmax; 1/√d when absent. */
  scale?: number;
  /** Query i sees keys j ≤ i + (tk − tq): the queries are the last tq positions (true by default). */
  causal?: boolean;
}

export interface FusedOps {
  /** Layer norm over the last axis: (x − mean) / √(var + epsilon) · gamma + beta. */
  layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon?: number): tf.Tensor;
  /** GELU; 'tanh' is GPT-2's approximation (PyTorch's approximate='tanh'), 'none' the erf form. */
  gelu(x: tf.Tensor, approximate?: 'tanh' | 'none'): tf.Tensor;
  /** x · sigmoid(x). */
  silu(x: tf.Tensor): tf.Tensor;
  /**
   * softmax(q kᵀ · scale, masked) v for q [..., tq, d], k [..., tk, d], v [..., tk, dv] with
   * the same leading dimensions (batch and heads); returns [..., tq, dv]. With tq < tk this is
   * a decoding step over a KV cache.
   */
  attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options?: AttentionOptions): tf.Tensor;
}

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): tf.Tensor[] {
  const result = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(result) ? result : [result];
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = 1e-5): tf.Tensor {
  if (!tf.engine().isTapeOn()) {
    const [y, mean, rstd] = run(LAYER_NORM, { x, gamma, beta }, { epsilon });
    mean!.dispose();
    rstd!.dispose();
    return y!;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, shift, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, rstd] = run(LAYER_NORM, { x: input, gamma: scale, beta: shift }, { epsilon });
    save([input, scale, mean!, rstd!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedX, savedGamma, savedMean, savedRstd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return run(LAYER_NORM_GRAD, { dy: dy as tf.Tensor, x: savedX, gamma: savedGamma, mean: savedMean, rstd: savedRstd }, {});
      },
    };
  });
  return op(x, gamma, beta);
}

function activation(x: tf.Tensor, kind: ActivationKind): tf.Tensor {
  if (!tf.engine().isTapeOn()) return run(ACTIVATION, { x }, { kind })[0]!;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: run(ACTIVATION, { x: input }, { kind })[0]!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => run(ACTIVATION_GRAD, { x: saved[0]!, dy: dy as tf.Tensor }, { kind })[0]!,
    };
  });
  return op(x);
}

function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: AttentionOptions = {}): tf.Tensor {
  const scale = options.scale ?? 1 / Math.sqrt(q.shape[q.shape.length - 1]!);
  const causal = options.causal ?? true;
  if (!tf.engine().isTapeOn()) {
    const [out, probs] = run(ATTENTION, { q, k, v }, { scale, causal });
    probs!.dispose();
    return out!;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [query, key, value, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [out, probs] = run(ATTENTION, { q: query, k: key, v: value }, { scale, causal });
    save([query, key, value, probs!]);
    return {
      value: out!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedQ, savedK, savedV, savedProbs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return run(ATTENTION_GRAD, { dy: dy as tf.Tensor, q: savedQ, k: savedK, v: savedV, probs: savedProbs }, { scale });
      },
    };
  });
  return op(q, k, v);
}

export const nativeFusedOps: FusedOps = {
  layerNorm,
  gelu: (x, approximate = 'tanh') => activation(x, approximate === 'tanh' ? 'GeluTanh' : 'GeluErf'),
  silu: (x) => activation(x, 'Silu'),
  attention,
};
