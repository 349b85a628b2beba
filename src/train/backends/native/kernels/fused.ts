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

export type ActivationKind = 'GeluTanh' | 'GeluErf' | 'Silu';

function requireFloat32(kernel: string, tensors: Record<string, tf.TensorInfo | undefined>): void {
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
    const y = new Float32Array(rows * cols);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
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
    const dx = new Float32Array(rows * cols);
    const dgamma = new Float32Array(cols);
    const dbeta = new Float32Array(cols);
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
    const y = new Float32Array(values.length);
    backend.addon.activation(activationCode(backend, (attrs as { kind: string }).kind), values, y);
    return backend.output(x!.shape, y);
  }),
  nativeKernel(ACTIVATION_GRAD, ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ACTIVATION_GRAD, { x, dy });
    const values = backend.floats(x!);
    const dx = new Float32Array(values.length);
    backend.addon.activationGrad(activationCode(backend, (attrs as { kind: string }).kind), values, backend.floats(dy!), dx);
    return backend.output(x!.shape, dx);
  }),
  nativeKernel(ATTENTION, ({ inputs, backend, attrs }) => {
    const { q, k, v } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ATTENTION, { q, k, v });
    const [heads, tq, tk, d, dv] = attentionDims(q!, k!, v!);
    const { scale, causal } = attrs as { scale: number; causal: boolean };
    if (causal && tq > tk) throw new Error(`attention: a causal mask needs at least as many keys (${tk}) as queries (${tq})`);
    const out = new Float32Array(heads * tq * dv);
    const probs = new Float32Array(heads * tq * tk);
    backend.addon.attention(backend.floats(q!), backend.floats(k!), backend.floats(v!), out, probs, heads, tq, tk, d, dv, scale, causal);
    const lead = q!.shape.slice(0, -2);
    return [backend.output([...lead, tq, dv], out), backend.output([...lead, tq, tk], probs)];
  }),
  nativeKernel(ATTENTION_GRAD, ({ inputs, backend, attrs }) => {
    const { dy, q, k, v, probs } = inputs as Record<string, tf.TensorInfo>;
    requireFloat32(ATTENTION_GRAD, { dy, q, k, v, probs });
    const [heads, tq, tk, d, dv] = attentionDims(q!, k!, v!);
    const dq = new Float32Array(heads * tq * d);
    const dk = new Float32Array(heads * tk * d);
    const dvValues = new Float32Array(heads * tk * dv);
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
];
