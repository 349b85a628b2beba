/**
 * The model's primitive ops, in one place, so a backend with fused kernels (the native backend)
 * can replace any of them without touching the model. Each works on every backend with a
 * gradient: in particular `embed` gathers rows forward but computes its gradient as a one-hot
 * matmul, because the wasm backend has no UnsortedSegmentSum kernel (tfjs's gather gradient).
 */
import { tf, type Tensor } from '../backends/tf.js';

export interface ModelOps {
  /** x @ weightᵀ, with `weight` stored [out, in] as PyTorch's Linear stores it. */
  linear(x: Tensor, weight: Tensor): Tensor;
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

export const tfjsOps: ModelOps = {
  linear(x, weight) {
    const inFeatures = x.shape[x.shape.length - 1]!;
    const out = weight.shape[0]!;
    const flat = x.reshape([-1, inFeatures]) as tf.Tensor2D;
    return tf.matMul(flat, weight as tf.Tensor2D, false, true).reshape([...x.shape.slice(0, -1), out]);
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
