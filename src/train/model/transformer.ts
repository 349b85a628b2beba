/**
 * A decoder-only transformer in the Llama layout: token embeddings, then per layer a pre-norm
 * (RMSNorm) causal self-attention with rotary positions and a pre-norm SwiGLU MLP, each added to
 * the residual stream, then a final norm and the output head (tied to the embeddings by default).
 * Parameters carry Hugging Face's Llama names and [out, in] layout, so the safetensors we write
 * load as a LlamaForCausalLM. Attention is written from core ops (tfjs has no public
 * MultiHeadAttention); the steps come from `ModelOps`, so a backend can swap in fused kernels:
 * unless a model is given its ops, it takes those of the backend active when it runs
 * (`opsForActiveBackend`), the native backend's fused kernels included.
 */
import { InputError } from '../../errors.js';
import { opsForActiveBackend } from '../backends/model-ops.js';
import { tf, type Tensor } from '../backends/tf.js';
import { validateModelConfig, type ModelConfig } from './config.js';
import type { LayerKv, ModelOps } from './ops.js';
import { Rng } from './rng.js';

/** Keys and values of every layer for the positions seen so far, `length` of them: [B, H, ≥length, D] each. */
export interface KvCache {
  layers: LayerKv[];
  length: number;
}

export interface ForwardOptions {
  /** Positions the returned cache should have room for, so decoding can write into it in place. */
  cacheCapacity?: number;
  /** Logits of the last position only ([B, 1, V]): what sampling needs after a prompt. */
  lastPositionOnly?: boolean;
}

export interface ParameterSpec {
  name: string;
  shape: number[];
  /** Normal init with this std; `ones` for norm weights. */
  init: number | 'ones';
}

/** Every parameter the config implies, in a fixed order (the order of the safetensors file and the optimizer state). */
export function parameterSpecs(config: ModelConfig): ParameterSpec[] {
  const d = config.hiddenSize;
  const ff = config.intermediateSize;
  // Residual-branch outputs start smaller so the stream's variance does not grow with depth (GPT-2's scaling).
  const residualStd = config.initStd / Math.sqrt(2 * config.layers);
  const specs: ParameterSpec[] = [{ name: 'model.embed_tokens.weight', shape: [config.vocabSize, d], init: config.initStd }];
  for (let layer = 0; layer < config.layers; layer += 1) {
    const p = `model.layers.${layer}`;
    specs.push(
      { name: `${p}.input_layernorm.weight`, shape: [d], init: 'ones' },
      { name: `${p}.self_attn.q_proj.weight`, shape: [d, d], init: config.initStd },
      { name: `${p}.self_attn.k_proj.weight`, shape: [d, d], init: config.initStd },
      { name: `${p}.self_attn.v_proj.weight`, shape: [d, d], init: config.initStd },
      { name: `${p}.self_attn.o_proj.weight`, shape: [d, d], init: residualStd },
      { name: `${p}.post_attention_layernorm.weight`, shape: [d], init: 'ones' },
      { name: `${p}.mlp.gate_proj.weight`, shape: [ff, d], init: config.initStd },
      { name: `${p}.mlp.up_proj.weight`, shape: [ff, d], init: config.initStd },
      { name: `${p}.mlp.down_proj.weight`, shape: [d, ff], init: residualStd },
    );
  }
  specs.push({ name: 'model.norm.weight', shape: [d], init: 'ones' });
  if (!config.tieEmbeddings) specs.push({ name: 'lm_head.weight', shape: [config.vocabSize, d], init: config.initStd });
  return specs;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

export class Transformer {
  readonly params: Map<string, tf.Variable>;

  private constructor(
    readonly config: ModelConfig,
    params: Map<string, tf.Variable>,
    private readonly fixedOps: ModelOps | undefined,
  ) {
    this.params = params;
  }

  /** The ops the model runs with: the ones it was given, else the active backend's. */
  get ops(): ModelOps {
    return this.fixedOps ?? opsForActiveBackend();
  }

  /** A freshly initialised model; the same seed gives the same weights on every backend. */
  static create(config: ModelConfig, seed: number, ops?: ModelOps): Transformer {
    validateModelConfig(config, 'model');
    const rng = new Rng(seed);
    const params = new Map<string, tf.Variable>();
    for (const spec of parameterSpecs(config)) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(size);
      if (spec.init === 'ones') values.fill(1);
      else for (let i = 0; i < size; i += 1) values[i] = rng.normal() * spec.init;
      params.set(spec.name, tf.variable(tf.tensor(values, spec.shape, 'float32'), true));
    }
    return new Transformer(config, params, ops);
  }

  /**
   * A model from named tensors (a loaded checkpoint). Every tensor the config needs must be there
   * with its shape; `source` names the file in the error otherwise. The tensors are copied.
   */
  static fromTensors(config: ModelConfig, tensors: ReadonlyMap<string, Tensor>, source: string, ops?: ModelOps): Transformer {
    validateModelConfig(config, source);
    const specs = parameterSpecs(config);
    const wanted = new Set(specs.map((spec) => spec.name));
    for (const spec of specs) {
      const tensor = tensors.get(spec.name);
      if (!tensor) throw new InputError(`${source}: missing tensor "${spec.name}" that the model config needs`);
      if (!sameShape(tensor.shape, spec.shape)) {
        throw new InputError(`${source}: tensor "${spec.name}" has shape [${tensor.shape.join(', ')}] but the model config needs [${spec.shape.join(', ')}]`);
      }
    }
    const extra = [...tensors.keys()].filter((name) => !wanted.has(name) && !(config.tieEmbeddings && name === 'lm_head.weight'));
    if (extra.length > 0) throw new InputError(`${source}: tensor "${extra[0]}" is not part of this model config (${extra.length} unexpected tensor${extra.length === 1 ? '' : 's'})`);
    const params = new Map<string, tf.Variable>();
    for (const spec of specs) params.set(spec.name, tf.variable(tensors.get(spec.name)!.toFloat(), true));
    return new Transformer(config, params, ops);
  }

  get variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  /**
   * Gradients of `loss` with respect to every parameter, keyed by parameter name. (Variables keep
   * tfjs's own unique names, so several models can live in one process.)
   */
  gradients(loss: () => tf.Scalar): { value: number; grads: Record<string, Tensor> } {
    const byVariable = new Map([...this.params].map(([name, variable]) => [variable.name, name]));
    const { value, grads } = tf.variableGrads(loss, this.variables);
    const named: Record<string, Tensor> = {};
    for (const [variableName, grad] of Object.entries(grads)) named[byVariable.get(variableName)!] = grad;
    const loss0 = value.dataSync()[0]!;
    value.dispose();
    return { value: loss0, grads: named };
  }

  private param(name: string): Tensor {
    const value = this.params.get(name);
    if (!value) throw new Error(`no parameter ${name}`);
    return value;
  }

  /**
   * Logits [B, T, V] for token ids [B, T] (int32). With a cache, the ids continue the cached
   * positions and the returned cache holds them too; the old cache belongs to the call (the
   * caller disposes it, and uses only the returned one: its tensors may share buffers).
   */
  forward(ids: Tensor, cache?: KvCache, options: ForwardOptions = {}): { logits: Tensor; cache: KvCache } {
    const { config } = this;
    const ops = this.ops;
    const [batch, length] = ids.shape as [number, number];
    const offset = cache?.length ?? 0;
    if (offset + length > config.contextLength) {
      throw new InputError(`a sequence of ${offset + length} tokens is longer than the model's context of ${config.contextLength}`);
    }
    const newCache: KvCache = { layers: [], length: offset + length };
    const attention = { heads: config.heads, offset, theta: config.ropeTheta, ...(options.cacheCapacity !== undefined ? { capacity: options.cacheCapacity } : {}) };
    let x = ops.embed(this.param('model.embed_tokens.weight'), ids);
    for (let layer = 0; layer < config.layers; layer += 1) {
      const p = `model.layers.${layer}`;
      const normed = ops.rmsNorm(x, this.param(`${p}.input_layernorm.weight`), config.rmsNormEps);
      const qkv = ops.linears(normed, [this.param(`${p}.self_attn.q_proj.weight`), this.param(`${p}.self_attn.k_proj.weight`), this.param(`${p}.self_attn.v_proj.weight`)]);
      const past = cache?.layers[layer];
      const { out, kv } = ops.selfAttention(qkv, { ...attention, ...(past ? { past } : {}) });
      newCache.layers.push(kv);
      x = tf.add(x, ops.linear(out, this.param(`${p}.self_attn.o_proj.weight`)));
      const normed2 = ops.rmsNorm(x, this.param(`${p}.post_attention_layernorm.weight`), config.rmsNormEps);
      const gateUp = ops.linears(normed2, [this.param(`${p}.mlp.gate_proj.weight`), this.param(`${p}.mlp.up_proj.weight`)]);
      x = tf.add(x, ops.linear(ops.swiglu(gateUp), this.param(`${p}.mlp.down_proj.weight`)));
    }
    if (options.lastPositionOnly && length > 1) x = tf.slice(x, [0, length - 1, 0], [batch, 1, config.hiddenSize]);
    const final = ops.rmsNorm(x, this.param('model.norm.weight'), config.rmsNormEps);
    const head = this.param(config.tieEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
    return { logits: ops.linear(final, head), cache: newCache };
  }

  /** The parameters as plain named tensors (views of the variables: do not dispose). */
  namedTensors(): Map<string, Tensor> {
    return new Map(this.params);
  }

  /** Overwrites every parameter with another model's values (same config). */
  copyFrom(other: Transformer): void {
    for (const [name, variable] of this.params) variable.assign(other.params.get(name)!);
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
  }
}

export function disposeCache(cache: KvCache | undefined): void {
  if (!cache) return;
  for (const { k, v } of cache.layers) {
    k.dispose();
    v.dispose();
  }
}
