/**
 * The model's ops, in one place, so a backend with fused kernels (the native backend) can replace
 * any of them without touching the model: the primitives (projections, norms, activations,
 * attention, rotary positions, the embedding) and the block-level steps the model is written in
 * (packed projections, self-attention with its KV cache, SwiGLU, the log-probability of given
 * tokens), which tfjsOps composes from the primitives. Each works on every backend with a
 * gradient: in particular `embed` gathers rows forward but computes its gradient as a one-hot
 * matmul, because the wasm backend has no UnsortedSegmentSum kernel (tfjs's gather gradient).
 * `opsForActiveBackend()` (src/train/backends/model-ops.ts) picks the set for the active backend.
 */
import { tf, type Tensor } from '../backends/tf.js';

/**
 * One layer's keys and values, [B, H, positions, D] each. A backend that writes its cache in place
 * may hold more positions than are filled (room for the next ones); `KvCache.length` says how
 * many are. A layer's cache passed to `selfAttention` belongs to it afterwards: use the one it
 * returns.
 */
export type LayerKv = { k: Tensor; v: Tensor };

export interface SelfAttentionOptions {
  heads: number;
  /** Position of the first query: the number of positions already in `past`. */
  offset: number;
  /** Rotary base. */
  theta: number;
  /** Keys and values of positions 0..offset−1. */
  past?: LayerKv;
  /** Positions the returned cache should have room for (a backend that preallocates uses it; others ignore it). */
  capacity?: number;
}

export interface ModelOps {
  /** x @ weightᵀ, with `weight` stored [out, in] as PyTorch's Linear stores it. */
  linear(x: Tensor, weight: Tensor): Tensor;
  /** Several projections of one input side by side: [..., Σ outᵢ], weight i's outputs in block i. */
  linears(x: Tensor, weights: readonly Tensor[]): Tensor;
  /**
   * Causal self-attention of T new positions from packed projections qkv [B, T, 3·d] (queries,
   * keys, values; d = heads · head width), rotary positions applied to queries and keys: the
   * attended values [B, T, d] and the layer's keys and values for positions 0..offset+T−1.
   */
  selfAttention(qkv: Tensor, options: SelfAttentionOptions): { out: Tensor; kv: LayerKv };
  /** silu(gate) · up of packed projections x [..., 2F] (gate, then up) → [..., F]. */
  swiglu(x: Tensor): Tensor;
  /** log softmax(logits)[id] over the last axis: logits [..., V], ids int32 [...] → [...]. */
  tokenLogprobs(logits: Tensor, ids: Tensor): Tensor;
  /** RMS layer norm over the last axis (Llama's): x / rms(x) * weight. */
  rmsNorm(x: Tensor, weight: Tensor, epsilon: number): Tensor;
  /** Standard layer norm over the last axis. */
  layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): Tensor;
  silu(x: Tensor): Tensor;
  /** GELU, tanh approximation. */
  gelu(x: Tensor): Tensor;
  softmax(x: Tensor): Tensor;
  logSoftmax(x: Tensor): Tensor;
  /**
   * Causal scaled dot-product attention. q: [B, H, Tq, D]; k, v: [B, H, Tk, D], where the queries
   * are the last Tq of the Tk positions (Tk − Tq earlier ones come from a KV cache).
   */
  causalAttention(q: Tensor, k: Tensor, v: Tensor): Tensor;
  /** Rows of `table` [V, d] for `ids` (int32, any shape) → [...ids.shape, d]. */
  embed(table: Tensor, ids: Tensor): Tensor;
  /** Rotary position embedding (rotate-half form, as Llama in Hugging Face) of x: [B, H, T, D] at positions offset..offset+T−1. */
  rope(x: Tensor, offset: number, theta: number): Tensor;
}

const maskCache = new Map<string, Tensor>();
const ropeCache = new Map<string, { cos: Tensor; sin: Tensor }>();

/** Additive causal mask [Tq, Tk]: query i (at absolute position Tk − Tq + i) sees keys 0..Tk − Tq + i. */
function causalMask(tq: number, tk: number): Tensor {
  const key = `${tf.getBackend()}:${tq}:${tk}`;
  let mask = maskCache.get(key);
  if (!mask) {
    const values = new Float32Array(tq * tk);
    const past = tk - tq;
    for (let i = 0; i < tq; i += 1) for (let j = past + i + 1; j < tk; j += 1) values[i * tk + j] = -1e9;
    mask = tf.keep(tf.tensor2d(values, [tq, tk]));
    if (maskCache.size > 64) {
      const [oldKey, old] = maskCache.entries().next().value as [string, Tensor];
      maskCache.delete(oldKey);
      old.dispose();
    }
    maskCache.set(key, mask);
  }
  return mask;
}

/**
 * cos and sin of the rotary angles for positions offset..offset+length−1, [length, dim]: sliced
 * from one table per (backend, dim, theta) that grows by doubling, so decoding token by token does
 * not build a table per position.
 */
function ropeTables(offset: number, length: number, dim: number, theta: number): { cos: Tensor; sin: Tensor } {
  const key = `${tf.getBackend()}:${dim}:${theta}`;
  let tables = ropeCache.get(key);
  const needed = offset + length;
  if (!tables || tables.cos.shape[0]! < needed) {
    const positions = Math.max(needed, 2 * (tables?.cos.shape[0] ?? 64));
    const half = dim / 2;
    const cos = new Float32Array(positions * dim);
    const sin = new Float32Array(positions * dim);
    for (let t = 0; t < positions; t += 1) {
      for (let i = 0; i < half; i += 1) {
        const angle = t / theta ** ((2 * i) / dim);
        cos[t * dim + i] = cos[t * dim + i + half] = Math.cos(angle);
        sin[t * dim + i] = sin[t * dim + i + half] = Math.sin(angle);
      }
    }
    if (tables) {
      tables.cos.dispose();
      tables.sin.dispose();
    }
    tables = { cos: tf.keep(tf.tensor2d(cos, [positions, dim])), sin: tf.keep(tf.tensor2d(sin, [positions, dim])) };
    ropeCache.set(key, tables);
  }
  return { cos: tf.slice(tables.cos, [offset, 0], [length, dim]), sin: tf.slice(tables.sin, [offset, 0], [length, dim]) };
}

/** Frees the cached masks and rotary tables (they are per backend; tests switch backends). */
export function clearOpCaches(): void {
  for (const mask of maskCache.values()) mask.dispose();
  for (const { cos, sin } of ropeCache.values()) {
    cos.dispose();
    sin.dispose();
  }
  maskCache.clear();
  ropeCache.clear();
}

function embedWithMatmulGradient(table: Tensor, ids: Tensor): Tensor {
  const vocab = table.shape[0]!;
  const width = table.shape[1]!;
  const flatIds = ids.reshape([-1]) as tf.Tensor1D;
  const gather = tf.customGrad(((t: Tensor, save: tf.GradSaveFunc) => {
    save([flatIds]);
    return {
      value: tf.gather(t, flatIds),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        // Built int32 and cast: wasm's OneHot ignores a float dtype and returns int bits.
        const oneHot = tf.cast(tf.oneHot(saved[0] as tf.Tensor1D, vocab), 'float32');
        return tf.matMul(oneHot, dy as tf.Tensor2D, true, false);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (gather(table) as Tensor).reshape([...ids.shape, width]);
}

/** [B, T, H·D] → [B, H, T, D]. */
function splitHeads(x: Tensor, heads: number): Tensor {
  const [batch, length, width] = x.shape as [number, number, number];
  return x.reshape([batch, length, heads, width / heads]).transpose([0, 2, 1, 3]);
}

/** The first `length` positions of a cache tensor [B, H, ≥length, D]. */
function filled(t: Tensor, length: number): Tensor {
  return t.shape[2] === length ? t : tf.slice(t, [0, 0, 0, 0], [-1, -1, length, -1]);
}

export const tfjsOps: ModelOps = {
  linear(x, weight) {
    const inFeatures = x.shape[x.shape.length - 1]!;
    const out = weight.shape[0]!;
    const flat = x.reshape([-1, inFeatures]) as tf.Tensor2D;
    return tf.matMul(flat, weight as tf.Tensor2D, false, true).reshape([...x.shape.slice(0, -1), out]);
  },
  linears(x, weights) {
    return weights.length === 1 ? tfjsOps.linear(x, weights[0]!) : tf.concat(weights.map((weight) => tfjsOps.linear(x, weight)), -1);
  },
  selfAttention(qkv, { heads, offset, theta, past }) {
    const [batch, length, packed] = qkv.shape as [number, number, number];
    const width = packed / 3;
    const [queries, keys, values] = tf.split(qkv, 3, -1) as [Tensor, Tensor, Tensor];
    const q = tfjsOps.rope(splitHeads(queries, heads), offset, theta);
    let k = tfjsOps.rope(splitHeads(keys, heads), offset, theta);
    let v = splitHeads(values, heads);
    if (past) {
      k = tf.concat([filled(past.k, offset), k], 2);
      v = tf.concat([filled(past.v, offset), v], 2);
    }
    const out = tfjsOps.causalAttention(q, k, v).transpose([0, 2, 1, 3]).reshape([batch, length, width]);
    return { out, kv: { k, v } };
  },
  swiglu(x) {
    const [gate, up] = tf.split(x, 2, -1) as [Tensor, Tensor];
    return tf.mul(tfjsOps.silu(gate), up);
  },
  tokenLogprobs(logits, ids) {
    const vocab = logits.shape[logits.shape.length - 1]!;
    // A one-hot product rather than a gather: it has a gradient on every backend.
    return tf.sum(tf.mul(tfjsOps.logSoftmax(logits), tf.cast(tf.oneHot(ids.toInt() as tf.Tensor2D, vocab), 'float32')), -1);
  },
  rmsNorm(x, weight, epsilon) {
    const meanSquare = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, epsilon))), weight);
  },
  layerNorm(x, gamma, beta, epsilon) {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
  },
  silu(x) {
    return tf.mul(x, tf.sigmoid(x));
  },
  gelu(x) {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, cube)));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  },
  softmax(x) {
    return tf.softmax(x);
  },
  logSoftmax(x) {
    return tf.sub(x, tf.logSumExp(x, -1, true));
  },
  causalAttention(q, k, v) {
    const tq = q.shape[2]!;
    const tk = k.shape[2]!;
    const depth = q.shape[3]!;
    const scores = tf.mul(tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true), 1 / Math.sqrt(depth));
    // One query at the newest position (a decoding step) sees every key: no mask needed.
    const weights = tfjsOps.softmax(tq === 1 ? scores : tf.add(scores, causalMask(tq, tk)));
    return tf.matMul(weights as tf.Tensor4D, v as tf.Tensor4D);
  },
  embed(table, ids) {
    return embedWithMatmulGradient(table, ids);
  },
  rope(x, offset, theta) {
    const length = x.shape[2]!;
    const dim = x.shape[3]!;
    const half = dim / 2;
    const { cos, sin } = ropeTables(offset, length, dim, theta);
    const first = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
    const second = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, half]);
    const rotated = tf.concat([tf.neg(second), first], 3);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
  },
};
