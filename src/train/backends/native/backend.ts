// The native backend: tfjs's cpu backend (same tensor storage, same kernels for everything not
// overridden) with the hot kernels replaced by OpenBLAS and the addon's loops. A float32
// tensor's values are a Float32Array owned by the backend; the addon reads and writes those
// arrays in place, so data stays in one buffer from kernel to kernel and never goes through a
// JavaScript loop.
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

import type { NativeAddon } from './addon.js';
import { KernelTimer } from './kernel-timer.js';

export const NATIVE_BACKEND = 'native';

export class NativeBackend extends MathBackendCPU {
  readonly timer = new KernelTimer();

  constructor(readonly addon: NativeAddon) {
    super();
  }

  /** The values of a float32 tensor, as the Float32Array the backend stores. */
  floats(tensor: tf.TensorInfo): Float32Array {
    const entry = this.data.get(tensor.dataId);
    const values = entry.values;
    if (values instanceof Float32Array) return values;
    // Some cpu kernels (Cast from bool, for one) leave a float32 tensor's values in another
    // array type; they are converted once and stored back, so later kernels read them in place.
    if (tensor.dtype === 'float32' && values !== undefined && (ArrayBuffer.isView(values) || Array.isArray(values))) {
      const converted = Float32Array.from(values as ArrayLike<number>);
      entry.values = converted;
      return converted;
    }
    throw new Error(`native backend: expected float32 values for a ${tensor.dtype} tensor of shape [${tensor.shape}]`);
  }

  /** A new float32 tensor owning values. */
  output(shape: number[], values: Float32Array): tf.TensorInfo {
    return this.makeTensorInfo(shape, 'float32', values);
  }
}

export type NativeKernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: NativeBackend; attrs?: tf.NamedAttrMap }) => tf.TensorInfo | tf.TensorInfo[];

/** A kernel of the native backend, timed by the backend's kernel timer. */
export function nativeKernel(kernelName: string, kernelFunc: NativeKernelFunc): tf.KernelConfig {
  return {
    kernelName,
    backendName: NATIVE_BACKEND,
    kernelFunc: (args) => {
      const backend = args.backend as NativeBackend;
      return backend.timer.time(kernelName, () => kernelFunc({ inputs: args.inputs, backend, attrs: args.attrs }));
    },
  };
}

/** The cpu backend's implementation of a kernel, for inputs the native one does not take (int32, complex). */
export function cpuKernel(kernelName: string): NativeKernelFunc {
  return (args) => {
    const config = tf.getKernel(kernelName, 'cpu');
    if (!config) throw new Error(`native backend: the cpu backend has no ${kernelName} kernel to fall back on`);
    return (config.kernelFunc as unknown as NativeKernelFunc)(args);
  };
}

export function allFloat32(...tensors: (tf.TensorInfo | undefined)[]): boolean {
  return tensors.every((tensor) => tensor === undefined || tensor.dtype === 'float32');
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}
