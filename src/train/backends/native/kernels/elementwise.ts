// Element-wise kernels: the binary arithmetic ops with broadcasting, the unary math ops, and
// AddN (the sum that accumulates gradients).
import * as tf from '@tensorflow/tfjs';

import { opCodes } from '../addon.js';
import { allFloat32, cpuKernel, nativeKernel, sizeOf, type NativeBackend } from '../backend.js';

/** tfjs kernel name → the addon's operation name. */
const binaryKernels: Record<string, string> = {
  Add: 'Add',
  Sub: 'Sub',
  Multiply: 'Mul',
  RealDiv: 'Div',
  Maximum: 'Maximum',
  Minimum: 'Minimum',
  SquaredDifference: 'SquaredDifference',
  Pow: 'Pow',
};

const unaryKernels = ['Neg', 'Exp', 'Log', 'Sqrt', 'Rsqrt', 'Square', 'Tanh', 'Sigmoid', 'Relu', 'Abs', 'Reciprocal', 'Erf', 'Log1p'];

const codeCache = new WeakMap<object, { binary: Map<string, number>; unary: Map<string, number> }>();

function codes(backend: NativeBackend) {
  let entry = codeCache.get(backend.addon);
  if (!entry) {
    entry = { binary: opCodes(backend.addon.binaryOps), unary: opCodes(backend.addon.unaryOps) };
    codeCache.set(backend.addon, entry);
  }
  return entry;
}

function code(table: Map<string, number>, name: string): number {
  const value = table.get(name);
  if (value === undefined) throw new Error(`native backend: the addon has no ${name} operation (rebuild it: npm run build:native)`);
  return value;
}

export function binaryInto(backend: NativeBackend, op: string, a: tf.TensorInfo, b: tf.TensorInfo, out: Float32Array, outShape: number[]): void {
  backend.addon.binary(
    code(codes(backend).binary, op),
    backend.floats(a),
    Int32Array.from(a.shape),
    backend.floats(b),
    Int32Array.from(b.shape),
    out,
    Int32Array.from(outShape),
  );
}

/** target += addend, in place; addend broadcasts to target's shape. */
export function addInto(backend: NativeBackend, target: tf.TensorInfo, addend: tf.TensorInfo): void {
  binaryInto(backend, 'Add', target, addend, backend.floats(target), target.shape);
}

export function applyUnary(backend: NativeBackend, op: string, x: Float32Array, out: Float32Array): void {
  backend.addon.unary(code(codes(backend).unary, op), x, out);
}

function binaryKernel(kernelName: string, op: string): tf.KernelConfig {
  const fallback = cpuKernel(kernelName);
  return nativeKernel(kernelName, ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (!allFloat32(a, b)) return fallback({ inputs, backend, attrs });
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.allocate(sizeOf(outShape));
    binaryInto(backend, op, a, b, out, outShape);
    return backend.output(outShape, out);
  });
}

function unaryKernel(kernelName: string): tf.KernelConfig {
  const fallback = cpuKernel(kernelName);
  return nativeKernel(kernelName, ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (!allFloat32(x)) return fallback({ inputs, backend, attrs });
    const values = backend.floats(x);
    const out = backend.allocate(values.length);
    applyUnary(backend, kernelName, values, out);
    return backend.output(x.shape, out);
  });
}

const cpuAddN = cpuKernel('AddN');

export const elementwiseKernels: tf.KernelConfig[] = [
  ...Object.entries(binaryKernels).map(([kernelName, op]) => binaryKernel(kernelName, op)),
  ...unaryKernels.map(unaryKernel),
  nativeKernel('AddN', ({ inputs, backend, attrs }) => {
    const tensors = Object.values(inputs) as tf.TensorInfo[];
    if (!allFloat32(...tensors) || tensors.length === 0) return cpuAddN({ inputs, backend, attrs });
    const first = tensors[0]!;
    const source = backend.floats(first);
    const out = backend.allocate(source.length);
    out.set(source);
    const result = backend.output(first.shape, out);
    for (const tensor of tensors.slice(1)) addInto(backend, result, tensor);
    return result;
  }),
];
