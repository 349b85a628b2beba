// Sum, Mean, Max, Min and Prod over any axes. Reduced axes that sit next to each other are
// reduced in place as [outer, reduced, inner]; otherwise they are moved last by a transpose
// first, as tfjs's cpu kernels do.
import * as tf from '@tensorflow/tfjs';

import { opCodes } from '../addon.js';
import { allFloat32, cpuKernel, nativeKernel, sizeOf, type NativeBackend } from '../backend.js';
import { transposeValues } from './layout.js';

/** tfjs kernel name → [addon operation, the attribute naming the axes]. */
const reductionOps: Record<string, [string, 'axis' | 'reductionIndices']> = {
  Sum: ['Sum', 'axis'],
  Mean: ['Mean', 'axis'],
  Max: ['Max', 'reductionIndices'],
  Min: ['Min', 'axis'],
  Prod: ['Prod', 'axis'],
};

export function reduceValues(backend: NativeBackend, op: string, x: tf.TensorInfo, axes: number[]): { values: Float32Array; keptShape: number[] } {
  const shape = x.shape;
  const sorted = [...new Set(axes)].sort((p, q) => p - q);
  const keptShape = shape.map((dim, d) => (sorted.includes(d) ? 1 : dim));
  const code = opCodes(backend.addon.reduceOps).get(op);
  if (code === undefined) throw new Error(`native backend: the addon has no ${op} reduction`);
  let source = backend.floats(x);
  let outer: number;
  let reduced: number;
  let inner: number;
  const contiguous = sorted.length === 0 || sorted[sorted.length - 1]! - sorted[0]! === sorted.length - 1;
  if (contiguous && sorted.length > 0) {
    outer = sizeOf(shape.slice(0, sorted[0]));
    reduced = sizeOf(sorted.map((d) => shape[d]!));
    inner = sizeOf(shape.slice(sorted[sorted.length - 1]! + 1));
  } else if (sorted.length === 0) {
    outer = sizeOf(shape);
    reduced = 1;
    inner = 1;
  } else {
    const perm = [...shape.keys()].filter((d) => !sorted.includes(d)).concat(sorted);
    source = transposeValues(backend, source, shape, perm);
    reduced = sizeOf(sorted.map((d) => shape[d]!));
    outer = sizeOf(shape) / Math.max(1, reduced);
    inner = 1;
  }
  const values = backend.allocate(outer * inner);
  backend.addon.reduce(code, source, values, outer, reduced, inner);
  return { values, keptShape };
}

function reductionKernel(kernelName: string, op: string, axisAttr: 'axis' | 'reductionIndices'): tf.KernelConfig {
  const fallback = cpuKernel(kernelName);
  return nativeKernel(kernelName, ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (!allFloat32(x) || sizeOf(x.shape) === 0) return fallback({ inputs, backend, attrs });
    const axisParam = (attrs as Record<string, number | number[] | null | undefined>)[axisAttr];
    const keepDims = Boolean((attrs as { keepDims?: boolean }).keepDims);
    const axes = tf.util.parseAxisParam(axisParam ?? [...x.shape.keys()], x.shape);
    const { values, keptShape } = reduceValues(backend, op, x, axes);
    const outShape = keepDims ? keptShape : x.shape.filter((_, d) => !axes.includes(d));
    return backend.output(outShape, values);
  });
}

export const reductionKernels: tf.KernelConfig[] = Object.entries(reductionOps).map(([kernelName, [op, axisAttr]]) =>
  reductionKernel(kernelName, op, axisAttr),
);
