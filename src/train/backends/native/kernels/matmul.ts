// BatchMatMul and _FusedMatMul on OpenBLAS, with transposes and NumPy-style broadcasting of the
// batch dimensions (tfjs's cpu kernel indexes broadcast batches modulo their count, which is
// right only when one side has a single batch or both have the same; this one follows the
// broadcast shape).
import * as tf from '@tensorflow/tfjs';

import { allFloat32, cpuKernel, nativeKernel, sizeOf, type NativeBackend } from '../backend.js';
import { applyUnary } from './elementwise.js';
import { addInto } from './elementwise.js';

interface MatMulPlan {
  outShape: number[];
  batch: number;
  m: number;
  n: number;
  k: number;
  aIndex: Int32Array | null;
  bIndex: Int32Array | null;
}

/** Which a and b matrix each output batch item multiplies, or null where it is the item's own. */
function batchIndices(outerShape: number[], inputOuter: number[]): Int32Array | null {
  const batch = sizeOf(outerShape);
  const rank = outerShape.length;
  const padded = [...new Array<number>(rank - inputOuter.length).fill(1), ...inputOuter];
  if (padded.every((dim, d) => dim === outerShape[d])) return null;
  const strides = new Array<number>(rank).fill(0);
  let running = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : running;
    running *= padded[d]!;
  }
  const indices = new Int32Array(batch);
  for (let item = 0; item < batch; item++) {
    let rest = item;
    let index = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const dim = outerShape[d]!;
      index += (rest % dim) * strides[d]!;
      rest = Math.floor(rest / dim);
    }
    indices[item] = index;
  }
  return indices;
}

export function planMatMul(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): MatMulPlan {
  const aRank = aShape.length;
  const bRank = bShape.length;
  const m = transposeA ? aShape[aRank - 1]! : aShape[aRank - 2]!;
  const kA = transposeA ? aShape[aRank - 2]! : aShape[aRank - 1]!;
  const kB = transposeB ? bShape[bRank - 1]! : bShape[bRank - 2]!;
  const n = transposeB ? bShape[bRank - 2]! : bShape[bRank - 1]!;
  if (kA !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${aShape} and ${bShape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const aOuter = aShape.slice(0, -2);
  const bOuter = bShape.slice(0, -2);
  const outer = tf.backend_util.assertAndGetBroadcastShape(aOuter, bOuter);
  return {
    outShape: [...outer, m, n],
    batch: sizeOf(outer),
    m,
    n,
    k: kA,
    aIndex: batchIndices(outer, aOuter),
    bIndex: batchIndices(outer, bOuter),
  };
}

export function matMulInto(
  backend: NativeBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const plan = planMatMul(a.shape, b.shape, transposeA, transposeB);
  const out = backend.allocate(plan.batch * plan.m * plan.n);
  const aValues = backend.floats(a);
  const bValues = backend.floats(b);
  const bShared = plan.bIndex !== null && plan.bIndex.every((index) => index === 0);
  if (plan.aIndex === null && bShared && !transposeA) {
    // Every a matrix meets the same b (activations × weights): one gemm over all rows at once.
    backend.addon.gemm(aValues, bValues, out, 1, plan.batch * plan.m, plan.n, plan.k, false, transposeB, null, null);
  } else {
    backend.addon.gemm(aValues, bValues, out, plan.batch, plan.m, plan.n, plan.k, transposeA, transposeB, plan.aIndex, plan.bIndex);
  }
  return backend.output(plan.outShape, out);
}

const cpuBatchMatMul = cpuKernel('BatchMatMul');
const cpuFusedMatMul = cpuKernel('_FusedMatMul');

export const matMulKernels: tf.KernelConfig[] = [
  nativeKernel('BatchMatMul', ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (!allFloat32(a, b)) return cpuBatchMatMul({ inputs, backend, attrs });
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    return matMulInto(backend, a, b, transposeA, transposeB);
  }),
  nativeKernel('_FusedMatMul', ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { transposeA, transposeB, activation } = attrs as unknown as tf._FusedMatMulAttrs;
    const nativeActivation = activation === undefined || activation === 'linear' || activation === 'relu' || activation === 'sigmoid';
    if (!allFloat32(a, b, bias) || preluActivationWeights !== undefined || !nativeActivation) {
      return cpuFusedMatMul({ inputs, backend, attrs });
    }
    const product = matMulInto(backend, a, b, transposeA, transposeB);
    if (bias) addInto(backend, product, bias);
    if (activation === 'relu' || activation === 'sigmoid') {
      const values = backend.floats(product);
      applyUnary(backend, activation === 'relu' ? 'Relu' : 'Sigmoid', values, values);
    }
    return product;
  }),
];
