// Transpose and Softmax: data movement and the row-wise softmax the model's output uses.
import type * as tf from '@tensorflow/tfjs';

import { allFloat32, cpuKernel, nativeKernel, type NativeBackend } from '../backend.js';

export function transposeValues(backend: NativeBackend, values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const out = new Float32Array(values.length);
  backend.addon.transpose(values, Int32Array.from(shape), Int32Array.from(perm), out);
  return out;
}

const cpuTranspose = cpuKernel('Transpose');
const cpuSoftmax = cpuKernel('Softmax');

export const layoutKernels: tf.KernelConfig[] = [
  nativeKernel('Transpose', ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (!allFloat32(x)) return cpuTranspose({ inputs, backend, attrs });
    const { perm } = attrs as unknown as tf.TransposeAttrs;
    const outShape = perm.map((axis) => x.shape[axis]!);
    return backend.output(outShape, transposeValues(backend, backend.floats(x), x.shape, perm));
  }),
  nativeKernel('Softmax', ({ inputs, backend, attrs }) => {
    const { logits } = inputs as { logits: tf.TensorInfo };
    const { dim } = attrs as unknown as tf.SoftmaxAttrs;
    const rank = logits.shape.length;
    if (!allFloat32(logits) || (dim !== -1 && dim !== rank - 1) || rank === 0) return cpuSoftmax({ inputs, backend, attrs });
    const cols = logits.shape[rank - 1]!;
    const values = backend.floats(logits);
    const out = new Float32Array(values.length);
    backend.addon.softmax(values, out, cols === 0 ? 0 : values.length / cols, cols);
    return backend.output(logits.shape, out);
  }),
];
