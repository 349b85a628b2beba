// Kernels for whole steps of the decoder block (native/src/decoder.cc), forward and backward:
// several projections of one input side by side, causal self-attention from the packed
// projections with rotary positions and an in-place KV cache, SwiGLU, and the log-probability of
// given tokens. fused-ops.ts makes each pair one differentiable op.
import type * as tf from '@tensorflow/tfjs';

import { nativeKernel, sizeOf, type NativeBackend } from '../backend.js';
import { int32Values, requireFloat32 } from './fused.js';

export const LINEARS = 'SweNativeLinears';
export const LINEARS_GRAD = 'SweNativeLinearsGrad';
export const SELF_ATTENTION = 'SweNativeSelfAttention';
export const SELF_ATTENTION_GRAD = 'SweNativeSelfAttentionGrad';
export const SWIGLU = 'SweNativeSwiglu';
export const SWIGLU_GRAD = 'SweNativeSwigluGrad';
export const TOKEN_LOGPROBS = 'SweNativeTokenLogprobs';
export const TOKEN_LOGPROBS_GRAD = 'SweNativeTokenLogprobsGrad';

/** The weights of a LINEARS call, in order (inputs w0, w1, …). */
function weightsOf(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const weights: tf.TensorInfo[] = [];
  for (let i = 0; inputs[`w${i}`] !== undefined; i++) weights.push(inputs[`w${i}`]!);
  return weights;
}

function checkLinears(kernel: string, x: tf.TensorInfo, weights: tf.TensorInfo[]): { rows: number; width: number; total: number } {
  const width = x.shape[x.shape.length - 1]!;
  for (const [i, w] of weights.entries()) {
    if (w.shape.length !== 2 || w.shape[1] !== width) throw new Error(`${kernel}: weight ${i} [${w.shape}] must be [out, ${width}] for x [${x.shape}]`);
  }
  return { rows: width === 0 ? 0 : sizeOf(x.shape) / width, width, total: weights.reduce((sum, w) => sum + w.shape[0]!, 0) };
}

/** Dimensions of packed projections qkv [batch, length, 3 · heads · depth]. */
function attentionDims(qkv: tf.TensorInfo, heads: number): { batch: number; length: number; width: number; depth: number } {
  if (qkv.shape.length !== 3 || qkv.shape[2]! % (3 * heads) !== 0) throw new Error(`selfAttention: qkv [${qkv.shape}] must be [batch, length, 3 · ${heads} heads · head width]`);
  const [batch, length, packed] = qkv.shape as [number, number, number];
  const width = packed / 3;
  return { batch, length, width, depth: width / heads };
}

/** Keys and values [batch, heads, capacity, depth] holding `kept` positions of `old`, copied into a larger buffer. */
function grownCache(backend: NativeBackend, old: Float32Array | undefined, pairs: number, oldCapacity: number, kept: number, capacity: number, depth: number): Float32Array {
  const grown = backend.allocate(pairs * capacity * depth);
  if (old) for (let pair = 0; pair < pairs; pair++) grown.set(old.subarray(pair * oldCapacity * depth, (pair * oldCapacity + kept) * depth), pair * capacity * depth);
  return grown;
}

export const decoderKernels: tf.KernelConfig[] = [
  nativeKernel(LINEARS, ({ inputs, backend }) => {
    const { x } = inputs as Record<string, tf.TensorInfo>;
    const weights = weightsOf(inputs);
    requireFloat32(LINEARS, { x, ...Object.fromEntries(weights.map((w, i) => [`w${i}`, w])) });
    const { rows, width, total } = checkLinears(LINEARS, x!, weights);
    const out = backend.allocate(rows * total);
    const xValues = backend.floats(x!);
    let column = 0;
    for (const w of weights) {
      const outFeatures = w.shape[0]!;
      backend.addon.gemmView(xValues, 0, width, backend.floats(w), 0, width, out, column, total, rows, outFeatures, width, false, true, 1, 0);
      column += outFeatures;
    }
    return backend.output([...x!.shape.slice(0, -1), total], out);
  }),
  nativeKernel(LINEARS_GRAD, ({ inputs, backend }) => {
    const { dy, x } = inputs as Record<string, tf.TensorInfo>;
    const weights = weightsOf(inputs);
    requireFloat32(LINEARS_GRAD, { dy, x });
    const { rows, width, total } = checkLinears(LINEARS_GRAD, x!, weights);
    const dyValues = backend.floats(dy!);
    const xValues = backend.floats(x!);
    const dx = backend.allocate(rows * width);
    const outputs: tf.TensorInfo[] = [];
    let column = 0;
    for (const [i, w] of weights.entries()) {
      const outFeatures = w.shape[0]!;
      // dx += dyᵢ Wᵢ; dWᵢ = dyᵢᵀ x, where dyᵢ is the block of columns weight i wrote.
      backend.addon.gemmView(dyValues, column, total, backend.floats(w), 0, width, dx, 0, width, rows, width, outFeatures, false, false, 1, i === 0 ? 0 : 1);
      const dw = backend.allocate(outFeatures * width);
      backend.addon.gemmView(dyValues, column, total, xValues, 0, width, dw, 0, width, outFeatures, width, rows, true, false, 1, 0);
      outputs.push(backend.output(w.shape, dw));
      column += outFeatures;
    }
    if (weights.length === 0) dx.fill(0);
    return [backend.output(x!.shape, dx), ...outputs];
  }),
  nativeKernel(SELF_ATTENTION, ({ inputs, backend, attrs }) => {
    const { qkv, keys, values } = inputs as Record<string, tf.TensorInfo | undefined>;
    requireFloat32(SELF_ATTENTION, { qkv });
    const { heads, offset, theta, capacity: wanted, inPlace } = attrs as { heads: number; offset: number; theta: number; capacity: number; inPlace: boolean };
    const { batch, length, width, depth } = attentionDims(qkv!, heads);
    const pairs = batch * heads;
    const keysNeeded = offset + length;
    let capacity = Math.max(wanted, keysNeeded);
    let keyValues: Float32Array;
    let valueValues: Float32Array;
    let reused = false;
    if (keys && values) {
      requireFloat32(SELF_ATTENTION, { keys, values });
      const expected = [batch, heads, keys.shape[2]!, depth];
      if (keys.shape.some((dim, i) => dim !== expected[i]) || values.shape.some((dim, i) => dim !== expected[i])) {
        throw new Error(`selfAttention: the cache [${keys.shape}] / [${values.shape}] does not fit qkv [${qkv!.shape}] with ${heads} heads`);
      }
      const oldCapacity = keys.shape[2]!;
      if (oldCapacity < offset) throw new Error(`selfAttention: the cache holds ${oldCapacity} positions, fewer than the offset ${offset}`);
      if (inPlace && oldCapacity >= keysNeeded) {
        // The new positions are written into the cache's own buffers; the outputs share them.
        capacity = oldCapacity;
        keyValues = backend.floats(keys);
        valueValues = backend.floats(values);
        reused = true;
      } else {
        // Doubling keeps a cache that outgrows its room from being copied at every step.
        capacity = Math.max(capacity, inPlace ? 2 * oldCapacity : keysNeeded);
        keyValues = grownCache(backend, backend.floats(keys), pairs, oldCapacity, offset, capacity, depth);
        valueValues = grownCache(backend, backend.floats(values), pairs, oldCapacity, offset, capacity, depth);
      }
    } else {
      if (offset !== 0) throw new Error(`selfAttention: offset ${offset} without a cache`);
      keyValues = backend.allocate(pairs * capacity * depth);
      valueValues = backend.allocate(pairs * capacity * depth);
    }
    const q = backend.allocate(pairs * length * depth);
    const probs = backend.allocate(pairs * length * keysNeeded);
    const out = backend.allocate(batch * length * width);
    backend.addon.selfAttention(backend.floats(qkv!), q, keyValues, valueValues, probs, out, batch, heads, length, depth, capacity, offset, theta, 1 / Math.sqrt(depth));
    const cacheShape = [batch, heads, capacity, depth];
    const shared = (tensor: tf.TensorInfo): tf.TensorInfo => {
      backend.incRef(tensor.dataId);
      return { dataId: tensor.dataId, shape: cacheShape, dtype: 'float32' };
    };
    return [
      backend.output([batch, length, width], out),
      reused ? shared(keys!) : backend.output(cacheShape, keyValues),
      reused ? shared(values!) : backend.output(cacheShape, valueValues),
      backend.output([batch, heads, length, depth], q),
      backend.output([batch, heads, length, keysNeeded], probs),
    ];
  }),
  nativeKernel(SELF_ATTENTION_GRAD, ({ inputs, backend, attrs }) => {
    const { dy, q, keys, values, probs } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(SELF_ATTENTION_GRAD, { dy, q, keys, values, probs });
    const { heads, theta } = attrs as { heads: number; theta: number };
    const [batch, length, width] = dy!.shape as [number, number, number];
    const depth = width / heads;
    if (keys!.shape[2] !== length) throw new Error(`selfAttention gradient: only for a pass without a cache (keys [${keys!.shape}], ${length} positions)`);
    const dqkv = backend.allocate(batch * length * 3 * width);
    backend.addon.selfAttentionGrad(backend.floats(dy!), backend.floats(q!), backend.floats(keys!), backend.floats(values!), backend.floats(probs!), dqkv, batch, heads, length, depth, theta, 1 / Math.sqrt(depth));
    return backend.output([batch, length, 3 * width], dqkv);
  }),
  nativeKernel(SWIGLU, ({ inputs, backend }) => {
    const { x } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(SWIGLU, { x });
    const packed = x!.shape[x!.shape.length - 1]!;
    if (packed % 2 !== 0) throw new Error(`swiglu: the last dimension of x [${x!.shape}] must be even (gate and up side by side)`);
    const features = packed / 2;
    const rows = packed === 0 ? 0 : sizeOf(x!.shape) / packed;
    const y = backend.allocate(rows * features);
    backend.addon.swiglu(backend.floats(x!), y, rows, features);
    return backend.output([...x!.shape.slice(0, -1), features], y);
  }),
  nativeKernel(SWIGLU_GRAD, ({ inputs, backend }) => {
    const { x, dy } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(SWIGLU_GRAD, { x, dy });
    const packed = x!.shape[x!.shape.length - 1]!;
    const rows = packed === 0 ? 0 : sizeOf(x!.shape) / packed;
    const dx = backend.allocate(rows * packed);
    backend.addon.swigluGrad(backend.floats(x!), backend.floats(dy!), dx, rows, packed / 2);
    return backend.output(x!.shape, dx);
  }),
  nativeKernel(TOKEN_LOGPROBS, ({ inputs, backend }) => {
    const { logits, ids } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(TOKEN_LOGPROBS, { logits });
    const vocab = logits!.shape[logits!.shape.length - 1]!;
    const lead = logits!.shape.slice(0, -1);
    if (ids!.shape.length !== lead.length || ids!.shape.some((dim, i) => dim !== lead[i])) throw new Error(`tokenLogprobs: ids [${ids!.shape}] must have the leading shape of logits [${logits!.shape}]`);
    const rows = sizeOf(lead);
    const out = backend.allocate(rows);
    const logSums = backend.allocate(rows);
    backend.addon.tokenLogprobs(backend.floats(logits!), int32Values(backend, ids!, TOKEN_LOGPROBS), out, logSums, vocab);
    return [backend.output(lead, out), backend.output(lead, logSums)];
  }),
  nativeKernel(TOKEN_LOGPROBS_GRAD, ({ inputs, backend }) => {
    const { dy, logits, ids, logSums } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(TOKEN_LOGPROBS_GRAD, { dy, logits, logSums });
    const vocab = logits!.shape[logits!.shape.length - 1]!;
    const dlogits = backend.allocate(sizeOf(logits!.shape));
    backend.addon.tokenLogprobsGrad(backend.floats(dy!), backend.floats(logits!), int32Values(backend, ids!, TOKEN_LOGPROBS_GRAD), backend.floats(logSums!), dlogits, vocab);
    return backend.output(logits!.shape, dlogits);
  }),
];
