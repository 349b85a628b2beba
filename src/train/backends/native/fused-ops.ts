// The fused ops the trainer's model can call instead of composing core ops, each differentiable
// (tf.customGrad over a forward and a backward kernel). They run on the native backend only:
// fusedOps() in index.ts hands them out when that backend is active.
import * as tf from '@tensorflow/tfjs';

import {
  ACTIVATION,
  ACTIVATION_GRAD,
  ATTENTION,
  ATTENTION_GRAD,
  EMBED,
  EMBED_GRAD,
  LAYER_NORM,
  LAYER_NORM_GRAD,
  LOG_SOFTMAX,
  LOG_SOFTMAX_GRAD,
  RMS_NORM,
  RMS_NORM_GRAD,
  ROPE,
  ADAM_STEP,
  type ActivationKind,
} from './kernels/fused.js';

export interface AttentionOptions {
  /** Multiplies q·k before the softmax; 1/√d when absent. */
  scale?: number;
  /** Query i sees keys j ≤ i + (tk − tq): the queries are the last tq positions (true by default). */
  causal?: boolean;
}

/**
 * The names and signatures follow the trainer's ModelOps (src/train/model/ops.ts), so the model
 * takes them as they are: `{ ...tfjsOps, ...fusedOps() }`.
 */
export interface AdamStepOptions {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay (AdamW); 0 is Adam. */
  weightDecay: number;
  /** The step number, from 1, for the bias corrections. */
  step: number;
}

export interface FusedOps {
  /** RMS norm over the last axis (Llama's): x / √(mean(x²) + epsilon) · weight. */
  rmsNorm(x: tf.Tensor, weight: tf.Tensor, epsilon: number): tf.Tensor;
  /** Layer norm over the last axis: (x − mean) / √(var + epsilon) · gamma + beta. */
  layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon?: number): tf.Tensor;
  /** GELU; 'tanh' is GPT-2's approximation (PyTorch's approximate='tanh'), 'none' the erf form. */
  gelu(x: tf.Tensor, approximate?: 'tanh' | 'none'): tf.Tensor;
  /** x · sigmoid(x). */
  silu(x: tf.Tensor): tf.Tensor;
  /** Softmax over the last axis. */
  softmax(x: tf.Tensor): tf.Tensor;
  /** x − logsumexp(x) over the last axis. */
  logSoftmax(x: tf.Tensor): tf.Tensor;
  /** Causal attention with scale 1/√d: q [B, H, Tq, D], k and v [B, H, Tk, D]; the queries are the last Tq positions. */
  causalAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): tf.Tensor;
  /** Rows of table [V, d] for int32 ids of any shape → [...ids.shape, d]; the gradient adds rows back (no one-hot matmul). */
  embed(table: tf.Tensor, ids: tf.Tensor): tf.Tensor;
  /** Rotary positions (rotate-half, as Llama in Hugging Face) of x [..., T, D] at positions offset..offset+T−1. */
  rope(x: tf.Tensor, offset: number, theta: number): tf.Tensor;
  /**
   * softmax(q kᵀ · scale, masked) v for q [..., tq, d], k [..., tk, d], v [..., tk, dv] with
   * the same leading dimensions (batch and heads); returns [..., tq, dv]. With tq < tk this is
   * a decoding step over a KV cache.
   */
  attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options?: AttentionOptions): tf.Tensor;
  /**
   * One Adam(W) update in a single pass: returns the new parameter and moments (the caller
   * assigns them and disposes the old ones). Not differentiable; for optimizers.
   */
  adamStep(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, options: AdamStepOptions): [tf.Tensor, tf.Tensor, tf.Tensor];
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

function rmsNorm(x: tf.Tensor, weight: tf.Tensor, epsilon: number): tf.Tensor {
  if (!tf.engine().isTapeOn()) {
    const [y, rrms] = run(RMS_NORM, { x, weight }, { epsilon });
    rrms!.dispose();
    return y!;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, rrms] = run(RMS_NORM, { x: input, weight: scale }, { epsilon });
    save([input, scale, rrms!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedX, savedWeight, savedRrms] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return run(RMS_NORM_GRAD, { dy: dy as tf.Tensor, x: savedX, weight: savedWeight, rrms: savedRrms }, {});
      },
    };
  });
  return op(x, weight);
}

function logSoftmax(x: tf.Tensor): tf.Tensor {
  if (!tf.engine().isTapeOn()) return run(LOG_SOFTMAX, { x }, {})[0]!;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = run(LOG_SOFTMAX, { x: input }, {})[0]!;
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => run(LOG_SOFTMAX_GRAD, { dy: dy as tf.Tensor, y: saved[0]! }, {})[0]! };
  });
  return op(x);
}

function embed(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const vocab = table.shape[0]!;
  if (!tf.engine().isTapeOn()) return run(EMBED, { table, ids }, {})[0]!;
  // customGrad differentiates with respect to every input, so the ids stay outside it; they are
  // saved, since the loss function's own tensors are disposed before the backward pass.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [rows, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([ids]);
    return {
      value: run(EMBED, { table: rows, ids }, {})[0]!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => run(EMBED_GRAD, { dy: dy as tf.Tensor, ids: saved[0]! }, { vocab })[0]!,
    };
  });
  return op(table);
}

function rope(x: tf.Tensor, offset: number, theta: number): tf.Tensor {
  if (!tf.engine().isTapeOn()) return run(ROPE, { x }, { offset, theta, inverse: false })[0]!;
  // A rotation's gradient is the opposite rotation.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input] = args as [tf.Tensor, tf.GradSaveFunc];
    return {
      value: run(ROPE, { x: input }, { offset, theta, inverse: false })[0]!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => run(ROPE, { x: dy as tf.Tensor }, { offset, theta, inverse: true })[0]!,
    };
  });
  return op(x);
}

export const nativeFusedOps: FusedOps = {
  rmsNorm,
  layerNorm,
  gelu: (x, approximate = 'tanh') => activation(x, approximate === 'tanh' ? 'GeluTanh' : 'GeluErf'),
  silu: (x) => activation(x, 'Silu'),
  softmax: (x) => tf.softmax(x),
  logSoftmax,
  causalAttention: (q, k, v) => attention(q, k, v, { causal: true }),
  embed,
  rope,
  attention,
  adamStep: (param, grad, m, v, options) => run(ADAM_STEP, { param, grad, m, v }, { ...options }) as [tf.Tensor, tf.Tensor, tf.Tensor],
};
