// A Llama-layout decoder (RMS norm, rotary positions, SwiGLU MLP, tied embeddings; the same
// layout and presets as the trainer's src/train/model) for this backend's training test and
// benchmark, until the trainer's model is on main and takes its place there. Its primitives come
// from a FusedOps object: the native kernels, or referenceOps on any backend.
import * as tf from '@tensorflow/tfjs';

import type { FusedOps } from './fused-ops.js';

export interface ProbeModelConfig {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  contextLength: number;
  ropeTheta: number;
  rmsNormEps: number;
}

/** The trainer's default model (its `small` preset with the 4,096-token vocabulary). */
export const TRAINER_DEFAULT_MODEL: ProbeModelConfig = {
  vocabSize: 4096,
  hiddenSize: 256,
  layers: 6,
  heads: 8,
  intermediateSize: 704,
  contextLength: 2048,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
};

/** Small enough to train a few steps on two cores in seconds (the trainer's `tiny` preset). */
export const TINY_MODEL: ProbeModelConfig = { ...TRAINER_DEFAULT_MODEL, vocabSize: 512, hiddenSize: 64, layers: 2, heads: 4, intermediateSize: 176, contextLength: 512 };

export interface KvCache {
  layers: { k: tf.Tensor; v: tf.Tensor }[];
  length: number;
}

/** mulberry32: the same numbers on every machine, so both backends start from one model. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normalValues(size: number, std: number, random: () => number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    values[i] = std * radius * Math.cos(angle);
    if (i + 1 < size) values[i + 1] = std * radius * Math.sin(angle);
  }
  return values;
}

export class ProbeModel {
  private constructor(
    readonly config: ProbeModelConfig,
    private readonly params: Map<string, tf.Variable>,
  ) {}

  /** Weights drawn from a seeded generator (normal, std 0.02; norms at 1), stored [out, in] as PyTorch's Linear does. */
  static create(config: ProbeModelConfig, seed: number): ProbeModel {
    const random = seededRandom(seed);
    const params = new Map<string, tf.Variable>();
    const add = (name: string, shape: number[], values?: Float32Array) => {
      const size = shape.reduce((a, b) => a * b, 1);
      params.set(name, tf.variable(tf.tensor(values ?? normalValues(size, 0.02, random), shape), true, `${name}#${seed}#${Math.random()}`));
    };
    const d = config.hiddenSize;
    add('embed', [config.vocabSize, d]);
    for (let layer = 0; layer < config.layers; layer++) {
      add(`${layer}.norm1`, [d], new Float32Array(d).fill(1));
      add(`${layer}.q`, [d, d]);
      add(`${layer}.k`, [d, d]);
      add(`${layer}.v`, [d, d]);
      add(`${layer}.o`, [d, d]);
      add(`${layer}.norm2`, [d], new Float32Array(d).fill(1));
      add(`${layer}.gate`, [config.intermediateSize, d]);
      add(`${layer}.up`, [config.intermediateSize, d]);
      add(`${layer}.down`, [d, config.intermediateSize]);
    }
    add('norm', [d], new Float32Array(d).fill(1));
    return new ProbeModel(config, params);
  }

  get variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  /** The weights as plain arrays, to build the same model elsewhere (another backend, PyTorch). */
  async weights(): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
    const out = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const [name, variable] of this.params) out.set(name, { shape: variable.shape, values: (await variable.data()) as Float32Array });
    return out;
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
  }

  private param(name: string): tf.Tensor {
    const value = this.params.get(name);
    if (!value) throw new Error(`probe model: no parameter ${name}`);
    return value;
  }

  /** Logits [B, T, V] for int32 ids [B, T]; with a cache the ids continue its positions. */
  forward(ids: tf.Tensor, ops: FusedOps, cache?: KvCache): { logits: tf.Tensor; cache: KvCache } {
    const { config } = this;
    const [batch, length] = ids.shape as [number, number];
    const headDim = config.hiddenSize / config.heads;
    const offset = cache?.length ?? 0;
    const linear = (x: tf.Tensor, weight: tf.Tensor) => {
      const flat = tf.reshape(x, [-1, x.shape[x.shape.length - 1]!]);
      return tf.reshape(tf.matMul(flat, weight, false, true), [...x.shape.slice(0, -1), weight.shape[0]!]);
    };
    const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [batch, length, config.heads, headDim]), [0, 2, 1, 3]);
    const newCache: KvCache = { layers: [], length: offset + length };
    let x = ops.embed(this.param('embed'), ids);
    for (let layer = 0; layer < config.layers; layer++) {
      const normed = ops.rmsNorm(x, this.param(`${layer}.norm1`), config.rmsNormEps);
      const q = ops.rope(split(linear(normed, this.param(`${layer}.q`))), offset, config.ropeTheta);
      let k = ops.rope(split(linear(normed, this.param(`${layer}.k`))), offset, config.ropeTheta);
      let v = split(linear(normed, this.param(`${layer}.v`)));
      const past = cache?.layers[layer];
      if (past) {
        k = tf.concat([past.k, k], 2);
        v = tf.concat([past.v, v], 2);
      }
      newCache.layers.push({ k, v });
      const attended = tf.reshape(tf.transpose(ops.causalAttention(q, k, v), [0, 2, 1, 3]), [batch, length, config.hiddenSize]);
      x = tf.add(x, linear(attended, this.param(`${layer}.o`)));
      const normed2 = ops.rmsNorm(x, this.param(`${layer}.norm2`), config.rmsNormEps);
      const gate = ops.silu(linear(normed2, this.param(`${layer}.gate`)));
      x = tf.add(x, linear(tf.mul(gate, linear(normed2, this.param(`${layer}.up`))), this.param(`${layer}.down`)));
    }
    const final = ops.rmsNorm(x, this.param('norm'), config.rmsNormEps);
    return { logits: linear(final, this.param('embed')), cache: newCache };
  }

  /** Mean next-token cross-entropy over ids [B, T] (the trainer's one-hot form, differentiable on every backend). */
  loss(ids: tf.Tensor, ops: FusedOps): tf.Scalar {
    const [batch, length] = ids.shape as [number, number];
    const vocab = this.config.vocabSize;
    const inputs = tf.slice(ids, [0, 0], [batch, length - 1]);
    const targets = tf.slice(ids, [0, 1], [batch, length - 1]);
    const { logits } = this.forward(inputs, ops);
    const logp = ops.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logp, tf.cast(tf.oneHot(tf.cast(targets, 'int32') as tf.Tensor2D, vocab), 'float32')), -1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  }

  /**
   * Samples maxNewTokens greedy tokens after each prompt row of ids [B, T], one position per step
   * with the KV cache. Greedy keeps the comparison deterministic; sampling with temperature is
   * the trainer's, and costs the same per step.
   */
  generate(ids: tf.Tensor, maxNewTokens: number, ops: FusedOps): number[][] {
    const [batch] = ids.shape as [number, number];
    const produced: number[][] = Array.from({ length: batch }, () => []);
    let cache: KvCache | undefined;
    let next = ids;
    for (let step = 0; step < maxNewTokens; step++) {
      const previous = cache;
      // tidy keeps the tensors it finds inside the returned object: the new cache and the tokens.
      const result = tf.tidy(() => {
        const { logits, cache: grown } = this.forward(next, ops, previous);
        const last = tf.squeeze(tf.slice(logits, [0, logits.shape[1]! - 1, 0], [-1, 1, -1]), [1]);
        return { tokens: tf.argMax(last, -1), cache: grown } as unknown as tf.TensorContainer;
      }) as unknown as { tokens: tf.Tensor; cache: KvCache };
      if (previous) for (const { k, v } of previous.layers) tf.dispose([k, v]);
      if (next !== ids) next.dispose();
      cache = result.cache;
      const tokens = result.tokens.dataSync();
      result.tokens.dispose();
      tokens.forEach((token, row) => produced[row]!.push(token));
      next = tf.tensor2d(Int32Array.from(tokens), [batch, 1], 'int32');
    }
    if (cache) for (const { k, v } of cache.layers) tf.dispose([k, v]);
    if (next !== ids) next.dispose();
    return produced;
  }
}
