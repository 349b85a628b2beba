// The fused ops the trainer's model can call instead of composing core ops, each differentiable
// (tf.customGrad over a forward and a backward kernel). They run on the native backend only:
// fusedOps() in index.ts hands them out when that backend is active.
import * as tf from '@tensorflow/tfjs';

import { tfjsOps as tfjsOpsForTape } from '../../model/ops.js';

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
import { LINEARS, LINEARS_GRAD, SELF_ATTENTION, SELF_ATTENTION_GRAD, SWIGLU, SWIGLU_GRAD, TOKEN_LOGPROBS, TOKEN_LOGPROBS_GRAD } from './kernels/decoder.js';
import type { ModelOps, SelfAttentionOptions, LayerKv } from '../../model/ops.js';

export interface AttentionOptions {
  /** Multiplies q·k before the softmax; 1/√d when absent. */
  scale?: number;
  /** Query i sees keys j ≤ i + (tk − tq): the queries are the last tq positions (true by default). */
  causal?: boolean;
}

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

/**
 * The names and signatures follow the trainer's ModelOps (src/train/model/ops.ts), so the model
 * takes them as they are: `{ ...tfjsOps, ...fusedOps() }` (src/train/backends/model-ops.ts).
 */
export interface FusedOps extends Pick<ModelOps, 'linear' | 'linears' | 'selfAttention' | 'swiglu' | 'tokenLogprobs'> {
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

function linears(x: tf.Tensor, weights: readonly tf.Tensor[]): tf.Tensor {
  const named = Object.fromEntries(weights.map((w, i) => [`w${i}`, w]));
  if (!tf.engine().isTapeOn()) return run(LINEARS, { x, ...named }, {})[0]!;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [input, ...ws] = args.slice(0, -1) as tf.Tensor[];
    save([input!, ...ws]);
    return {
      value: run(LINEARS, { x: input!, ...Object.fromEntries(ws.map((w, i) => [`w${i}`, w])) }, {})[0]!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedX, ...savedWs] = saved;
        return run(LINEARS_GRAD, { dy: dy as tf.Tensor, x: savedX!, ...Object.fromEntries(savedWs.map((w, i) => [`w${i}`, w])) }, {});
      },
    };
  });
  return op(x, ...weights);
}

/**
 * Attention in one kernel: rotary positions, the cache written in place (while sampling, when it
 * has room), causal scores and weighted values written in [B, T, d]. Under the gradient tape
 * with a cache (nothing in the trainer does this) it runs the composed ops, whose gradient
 * reaches the cache too.
 */
function selfAttention(qkv: tf.Tensor, options: SelfAttentionOptions): { out: tf.Tensor; kv: LayerKv } {
  const { heads, offset, theta, past } = options;
  const attrs = { heads, offset, theta, capacity: options.capacity ?? 0, inPlace: false };
  if (!tf.engine().isTapeOn()) {
    const [out, k, v, q, probs] = run(SELF_ATTENTION, past ? { qkv, keys: past.k, values: past.v } : { qkv }, { ...attrs, inPlace: true });
    tf.dispose([q!, probs!]);
    return { out: out!, kv: { k: k!, v: v! } };
  }
  if (past) return tfjsOpsForTape.selfAttention(qkv, options);
  let kv: LayerKv | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [out, k, v, q, probs] = run(SELF_ATTENTION, { qkv: input }, attrs);
    save([q!, k!, v!, probs!]);
    kv = { k: k!, v: v! };
    return {
      value: out!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedQ, savedK, savedV, savedProbs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return run(SELF_ATTENTION_GRAD, { dy: dy as tf.Tensor, q: savedQ, keys: savedK, values: savedV, probs: savedProbs }, { heads, theta })[0]!;
      },
    };
  });
  const out = op(qkv);
  return { out, kv: kv! };
}

function swiglu(x: tf.Tensor): tf.Tensor {
  if (!tf.engine().isTapeOn()) return run(SWIGLU, { x }, {})[0]!;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: run(SWIGLU, { x: input }, {})[0]!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => run(SWIGLU_GRAD, { x: saved[0]!, dy: dy as tf.Tensor }, {})[0]!,
    };
  });
  return op(x);
}

function tokenLogprobs(logits: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const targets = ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32');
  if (!tf.engine().isTapeOn()) {
    const [out, logSums] = run(TOKEN_LOGPROBS, { logits, ids: targets }, {});
    logSums!.dispose();
    return out!;
  }
  // As with embed, the ids stay outside customGrad (it differentiates every input) and are saved.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [out, logSums] = run(TOKEN_LOGPROBS, { logits: input, ids: targets }, {});
    save([input, targets, logSums!]);
    return {
      value: out!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedLogits, savedIds, savedLogSums] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return run(TOKEN_LOGPROBS_GRAD, { dy: dy as tf.Tensor, logits: savedLogits, ids: savedIds, logSums: savedLogSums }, {})[0]!;
      },
    };
  });
  return op(logits);
}

export const nativeFusedOps: FusedOps = {
  linear: (x, weight) => linears(x, [weight]),
  linears,
  selfAttention,
  swiglu,
  tokenLogprobs,
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
