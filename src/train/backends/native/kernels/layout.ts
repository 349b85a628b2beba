// Transpose, Concat, Tile and Softmax: data movement and the row-wise softmax the model's output uses.
import type * as tf from '@tensorflow/tfjs';

import { allFloat32, cpuKernel, nativeKernel, type NativeBackend } from '../backend.js';

export function transposeValues(backend: NativeBackend, values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const out = backend.allocate(values.length);
  backend.addon.transpose(values, Int32Array.from(shape), Int32Array.from(perm), out);
  return out;
}

const cpuTranspose = cpuKernel('Transpose');
const cpuConcat = cpuKernel('Concat');
const cpuSoftmax = cpuKernel('Softmax');
const cpuTile = cpuKernel('Tile');

export const layoutKernels: tf.KernelConfig[] = [
  // Concat by row copies (the KV cache grows by one position per decoding step this way).
  nativeKernel('Concat', ({ inputs, backend, attrs }) => {
    const tensors = Object.values(inputs) as tf.TensorInfo[];
    if (tensors.length === 0 || !allFloat32(...tensors)) return cpuConcat({ inputs, backend, attrs });
    const first = tensors[0]!;
    const rank = first.shape.length;
    const axisAttr = (attrs as unknown as tf.ConcatAttrs).axis;
    const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
    const fits = tensors.every((t) => t.shape.length === rank && t.shape.every((dim, d) => d === axis || dim === first.shape[d]));
    if (!fits || axis < 0 || axis >= rank) return cpuConcat({ inputs, backend, attrs });
    const outer = first.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const rowLengths = tensors.map((t) => t.shape.slice(axis).reduce((a, b) => a * b, 1));
    const outRow = rowLengths.reduce((a, b) => a + b, 0);
    const out = backend.allocate(outer * outRow);
    let offset = 0;
    tensors.forEach((tensor, i) => {
      const values = backend.floats(tensor);
      const rowLength = rowLengths[i]!;
      for (let row = 0; row < outer; row++) out.set(values.subarray(row * rowLength, (row + 1) * rowLength), row * outRow + offset);
      offset += rowLength;
    });
    const outShape = [...first.shape];
    outShape[axis] = tensors.reduce((sum, t) => sum + t.shape[axis]!, 0);
    return backend.output(outShape, out);
  }),
  // Tile by block copies, one axis at a time from the innermost: sampling tiles the prompt's KV
  // cache across a group's samples, which tfjs's cpu kernel does one element at a time.
  nativeKernel('Tile', ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { reps } = attrs as unknown as tf.TileAttrs;
    if (!allFloat32(x) || reps.length !== x.shape.length) return cpuTile({ inputs, backend, attrs });
    const shape = [...x.shape];
    const outermost = reps.findIndex((r) => r !== 1);
    let current = backend.floats(x);
    if (outermost < 0 || current.length === 0) {
      const out = backend.allocate(current.length);
      out.set(current);
      return backend.output(shape.map((dim, d) => dim * reps[d]!), out);
    }
    for (let d = shape.length - 1; d >= outermost; d--) {
      const r = reps[d]!;
      if (r === 1) continue;
      const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
      const block = current.length / outer;
      // Only the last pass writes the output; the passes before it write scratch arrays.
      const next = d === outermost ? backend.allocate(current.length * r) : new Float32Array(current.length * r);
      for (let o = 0; o < outer; o++) {
        const source = current.subarray(o * block, (o + 1) * block);
        for (let j = 0; j < r; j++) next.set(source, (o * r + j) * block);
      }
      current = next;
      shape[d] = shape[d]! * r;
    }
    return backend.output(shape, current);
  }),
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
    const out = backend.allocate(values.length);
    backend.addon.softmax(values, out, cols === 0 ? 0 : values.length / cols, cols);
    return backend.output(logits.shape, out);
  }),
];
