// Kernels of our own for the transformer's fused steps, forward and backward: layer norm over
// the last axis, GELU/SiLU, and causal scaled dot-product attention. fused-ops.ts wraps each
// pair into a differentiable op.
import type * as tf from '@tensorflow/tfjs';

import { opCodes } from '../addon.js';
import { nativeKernel, sizeOf, type NativeBackend } from '../backend.js';

export const LAYER_NORM = 'SweNativeLayerNorm';
export const LAYER_NORM_GRAD = 'SweNativeLayerNormGrad';
export const ACTIVATION = 'SweNativeActivation';
export const ACTIVATION_GRAD = 'SweNativeActivationGrad';
export const ATTENTION = 'SweNativeAttention';
export const ATTENTION_GRAD = 'SweNativeAttentionGrad';
export const RMS_NORM = 'SweNativeRmsNorm';
export const RMS_NORM_GRAD = 'SweNativeRmsNormGrad';
export const LOG_SOFTMAX = 'SweNativeLogSoftmax';
export const LOG_SOFTMAX_GRAD = 'SweNativeLogSoftmaxGrad';
export const EMBED = 'SweNativeEmbed';
export const EMBED_GRAD = 'SweNativeEmbedGrad';
export const ROPE = 'SweNativeRope';
export const ADAM_STEP = 'SweNativeAdamStep';

export type ActivationKind = 'GeluTanh' | 'GeluErf' | 'Silu';

/** Rows and columns of a tensor normalised over its last axis. */
function rowsAndCols(x: tf.TensorInfo): [number, number] {
  const cols = x.shape[x.shape.length - 1] ?? 1;
  return [cols === 0 ? 0 : sizeOf(x.shape) / cols, cols];
}

export function int32Values(backend: NativeBackend, tensor: tf.TensorInfo, kernel: string): Int32Array {
  const values = backend.data.get(tensor.dataId).values;
  if (tensor.dtype !== 'int32' || !(values instanceof Int32Array)) throw new Error(`${kernel}: ids must be int32, not ${tensor.dtype}`);
  return values;
}

export function requireFloat32(kernel: string, tensors: Record<string, tf.TensorInfo | undefined>): void {
  for (const [name, tensor] of Object.entries(tensors)) {
    if (!tensor) throw new Error(`${kernel}: input ${name} is missing`);
    if (tensor.dtype !== 'float32') throw new Error(`${kernel}: input ${name} must be float32, not ${tensor.dtype}`);
  }
}

function activationCode(backend: NativeBackend, kind: string): number {
  const code = opCodes(backend.addon.activations).get(kind);
  if (code === undefined) throw new Error(`native backend: unknown activation ${kind}`);
  return code;
}

/** [heads, tq, tk, d, dv] for q [..., tq, d], k [..., tk, d], v [..., tk, dv] with equal leading dimensions. */
function attentionDims(q: tf.TensorInfo, k: tf.TensorInfo, v: tf.TensorInfo): [number, number, number, number, number] {
  const rank = q.shape.length;
  const lead = q.shape.slice(0, -2);
  const sameLead = (shape: number[]) => shape.length === rank && shape.slice(0, -2).every((dim, i) => dim === lead[i]);
  if (rank < 2 || !sameLead(k.shape) || !sameLead(v.shape)) {
    throw new Error(`attention: q [${q.shape}], k [${k.shape}] and v [${v.shape}] must share their leading dimensions`);
  }
  const [tq, d] = q.shape.slice(-2) as [number, number];
  const [tk, dk] = k.shape.slice(-2) as [number, number];
  const [tv, dv] = v.shape.slice(-2) as [number, number];
  if (dk !== d || tv !== tk) throw new Error(`attention: q [${q.shape}], k [${k.shape}] and v [${v.shape}] do not fit together`);
  return [sizeOf(lead), tq, tk, d, dv];
}

export const fusedKernels: tf.KernelConfig[] = [
  nativeKernel(LAYER_NORM, ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(LAYER_NORM, { x, gamma, beta });
    const cols = x!.shape[x!.shape.length - 1]!;
    if (sizeOf(gamma!.shape) !== cols || sizeOf(beta!.shape) !== cols) {
      throw new Error(`layerNorm: gamma [${gamma!.shape}] and beta [${beta!.shape}] must have the last dimension of x [${x!.shape}]`);
    }
    const rows = sizeOf(x!.shape) / Math.max(1, cols);
    const y = backend.allocate(rows * cols);
    const mean = backend.allocate(rows);
    const rstd = backend.allocate(rows);
    const epsilon = (attrs as { epsilon: number }).epsilon;
    backend.addon.layerNorm(backend.floats(x!), backend.floats(gamma!), backend.floats(beta!), y, mean, rstd, rows, cols, epsilon);
    const rowShape = x!.shape.slice(0, -1);
    return [backend.output(x!.shape, y), backend.output(rowShape, mean), backend.output(rowShape, rstd)];
  }),
  nativeKernel(LAYER_NORM_GRAD, ({ inputs, backend }) => {
    const { dy, x, gamma, mean, rstd } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(LAYER_NORM_GRAD, { dy, x, gamma, mean, rstd });
    const cols = x!.shape[x!.shape.length - 1]!;
    const rows = sizeOf(x!.shape) / Math.max(1, cols);
    const dx = backend.allocate(rows * cols);
    const dgamma = backend.allocate(cols);
    const dbeta = backend.allocate(cols);
    backend.addon.layerNormGrad(
      backend.floats(dy!),
      backend.floats(x!),
      backend.floats(gamma!),
      backend.floats(mean!),
      backend.floats(rstd!),
      dx,
      dgamma,
      dbeta,
      rows,
      cols,
    );
    return [backend.output(x!.shape, dx), backend.output(gamma!.shape, dgamma), backend.output(gamma!.shape, dbeta)];
  }),
  nativeKernel(ACTIVATION, ({ inputs, backend, attrs }) => {
    const { x } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ACTIVATION, { x });
    const values = backend.floats(x!);
    const y = backend.allocate(values.length);
    backend.addon.activation(activationCode(backend, (attrs as { kind: string }).kind), values, y);
    return backend.output(x!.shape, y);
  }),
  nativeKernel(ACTIVATION_GRAD, ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ACTIVATION_GRAD, { x, dy });
    const values = backend.floats(x!);
    const dx = backend.allocate(values.length);
    backend.addon.activationGrad(activationCode(backend, (attrs as { kind: string }).kind), values, backend.floats(dy!), dx);
    return backend.output(x!.shape, dx);
  }),
  nativeKernel(ATTENTION, ({ inputs, backend, attrs }) => {
    const { q, k, v } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ATTENTION, { q, k, v });
    const [heads, tq, tk, d, dv] = attentionDims(q!, k!, v!);
    const { scale, causal } = attrs as { scale: number; causal: boolean };
    if (causal && tq > tk) throw new Error(`attention: a causal mask needs at least as many keys (${tk}) as queries (${tq})`);
    const out = backend.allocate(heads * tq * dv);
    const probs = backend.allocate(heads * tq * tk);
    backend.addon.attention(backend.floats(q!), backend.floats(k!), backend.floats(v!), out, probs, heads, tq, tk, d, dv, scale, causal);
    const lead = q!.shape.slice(0, -2);
    return [backend.output([...lead, tq, dv], out), backend.output([...lead, tq, tk], probs)];
  }),
  nativeKernel(ATTENTION_GRAD, ({ inputs, backend, attrs }) => {
    const { dy, q, k, v, probs } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ATTENTION_GRAD, { dy, q, k, v, probs });
    const [heads, tq, tk, d, dv] = attentionDims(q!, k!, v!);
    const dq = backend.allocate(heads * tq * d);
    const dk = backend.allocate(heads * tk * d);
    const dvValues = backend.allocate(heads * tk * dv);
    const { scale } = attrs as { scale: number };
    backend.addon.attentionGrad(
      backend.floats(dy!),
      backend.floats(q!),
      backend.floats(k!),
      backend.floats(v!),
      backend.floats(probs!),
      dq,
      dk,
      dvValues,
      heads,
      tq,
      tk,
      d,
      dv,
      scale,
    );
    return [backend.output(q!.shape, dq), backend.output(k!.shape, dk), backend.output(v!.shape, dvValues)];
  }),
  nativeKernel(RMS_NORM, ({ inputs, backend, attrs }) => {
    const { x, weight } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(RMS_NORM, { x, weight });
    const [rows, cols] = rowsAndCols(x!);
    if (sizeOf(weight!.shape) !== cols) throw new Error(`rmsNorm: weight [${weight!.shape}] must have the last dimension of x [${x!.shape}]`);
    const y = backend.allocate(rows * cols);
    const rrms = backend.allocate(rows);
    backend.addon.rmsNorm(backend.floats(x!), backend.floats(weight!), y, rrms, rows, cols, (attrs as { epsilon: number }).epsilon);
    return [backend.output(x!.shape, y), backend.output(x!.shape.slice(0, -1), rrms)];
  }),
  nativeKernel(RMS_NORM_GRAD, ({ inputs, backend }) => {
    const { dy, x, weight, rrms } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(RMS_NORM_GRAD, { dy, x, weight, rrms });
    const [rows, cols] = rowsAndCols(x!);
    const dx = backend.allocate(rows * cols);
    const dweight = backend.allocate(cols);
    backend.addon.rmsNormGrad(backend.floats(dy!), backend.floats(x!), backend.floats(weight!), backend.floats(rrms!), dx, dweight, rows, cols);
    return [backend.output(x!.shape, dx), backend.output(weight!.shape, dweight)];
  }),
  nativeKernel(LOG_SOFTMAX, ({ inputs, backend }) => {
    const { x } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(LOG_SOFTMAX, { x });
    const [rows, cols] = rowsAndCols(x!);
    const out = backend.allocate(rows * cols);
    backend.addon.logSoftmax(backend.floats(x!), out, rows, cols);
    return backend.output(x!.shape, out);
  }),
  nativeKernel(LOG_SOFTMAX_GRAD, ({ inputs, backend }) => {
    const { dy, y } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(LOG_SOFTMAX_GRAD, { dy, y });
    const [rows, cols] = rowsAndCols(y!);
    const dx = backend.allocate(rows * cols);
    backend.addon.logSoftmaxGrad(backend.floats(dy!), backend.floats(y!), dx, rows, cols);
    return backend.output(y!.shape, dx);
  }),
  nativeKernel(EMBED, ({ inputs, backend }) => {
    const { table, ids: idTensor } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(EMBED, { table });
    const [vocab, width] = table!.shape as [number, number];
    const values = int32Values(backend, idTensor!, EMBED);
    const out = backend.allocate(values.length * width);
    backend.addon.gatherRows(backend.floats(table!), values, out, vocab, width);
    return backend.output([...idTensor!.shape, width], out);
  }),
  nativeKernel(EMBED_GRAD, ({ inputs, backend, attrs }) => {
    const { dy, ids: idTensor } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(EMBED_GRAD, { dy });
    const { vocab } = attrs as { vocab: number };
    const width = dy!.shape[dy!.shape.length - 1]!;
    // Rows no id names get no gradient: the buffer starts at zero.
    const dtable = backend.allocate(vocab * width, true);
    backend.addon.scatterAddRows(backend.floats(dy!), int32Values(backend, idTensor!, EMBED_GRAD), dtable, vocab, width);
    return backend.output([vocab, width], dtable);
  }),
  nativeKernel(ROPE, ({ inputs, backend, attrs }) => {
    const { x } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ROPE, { x });
    const { offset, theta, inverse } = attrs as { offset: number; theta: number; inverse: boolean };
    const rank = x!.shape.length;
    if (rank < 2) throw new Error(`rope: x [${x!.shape}] needs a position and a feature axis`);
    const [length, dim] = x!.shape.slice(-2) as [number, number];
    const rows = sizeOf(x!.shape.slice(0, -2));
    const out = backend.allocate(rows * length * dim);
    backend.addon.rope(backend.floats(x!), out, rows, length, dim, offset, theta, inverse);
    return backend.output(x!.shape, out);
  }),
  nativeKernel(ADAM_STEP, ({ inputs, backend, attrs }) => {
    const { param, grad, m, v } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ADAM_STEP, { param, grad, m, v });
    const size = sizeOf(param!.shape);
    for (const [name, tensor] of [['grad', grad], ['m', m], ['v', v]] as const) {
      if (sizeOf(tensor!.shape) !== size) throw new Error(`adamStep: ${name} [${tensor!.shape}] does not match the parameter [${param!.shape}]`);
    }
    const { lr, beta1, beta2, epsilon, weightDecay, step } = attrs as { lr: number; beta1: number; beta2: number; epsilon: number; weightDecay: number; step: number };
    const paramOut = backend.allocate(size);
    const mOut = backend.allocate(size);
    const vOut = backend.allocate(size);
    backend.addon.adamStep(
      backend.floats(param!),
      backend.floats(grad!),
      backend.floats(m!),
      backend.floats(v!),
      paramOut,
      mOut,
      vOut,
      lr,
      beta1,
      beta2,
      epsilon,
      weightDecay,
      1 - beta1 ** step,
      1 - beta2 ** step,
    );
    return [backend.output(param!.shape, paramOut), backend.output(param!.shape, mOut), backend.output(param!.shape, vOut)];
  }),
];
