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

/** Recycled output buffers are kept up to this many bytes; past it they are left to the GC. */
const MAX_POOLED_BYTES = 512 * 1024 * 1024;

export class NativeBackend extends MathBackendCPU {
  readonly timer = new KernelTimer();
  /**
   * Output buffers of disposed tensors, by length, for the next kernel to fill. A fresh
   * Float32Array costs more than the kernel writing it: its pages fault in on first touch, and
   * the garbage makes V8 run full collections in the middle of a training step.
   */
  private readonly pool = new Map<number, Float32Array[]>();
  private pooledBytes = 0;
  /** Buffers this backend allocated and nothing outside it has seen: only these are recycled. */
  private readonly recyclable = new WeakSet<Float32Array>();
  /** Buffers that some tensor holds; one that a second tensor takes is shared and never recycled. */
  private readonly attached = new WeakSet<Float32Array>();

  constructor(readonly addon: NativeAddon) {
    super();
  }

  /** A Float32Array for a kernel's output, recycled when one of this length is free; zeroed only when asked. */
  allocate(length: number, zeroed = false): Float32Array {
    const reused = this.pool.get(length)?.pop();
    if (reused) {
      this.pooledBytes -= reused.byteLength;
      if (zeroed) reused.fill(0);
      this.recyclable.add(reused);
      return reused;
    }
    const fresh = new Float32Array(length);
    this.recyclable.add(fresh);
    return fresh;
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object {
    this.track(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: object, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.track(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  // What read and readSync return is the caller's to keep (tfjs hands out the stored array
  // itself), so it can never be recycled.
  override readSync(dataId: object): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    if (values instanceof Float32Array) this.recyclable.delete(values);
    return values;
  }

  override disposeData(dataId: object, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const released = super.disposeData(dataId, force);
    if (released && values instanceof Float32Array && this.recyclable.has(values)) {
      this.recyclable.delete(values);
      this.attached.delete(values);
      if (this.pooledBytes + values.byteLength <= MAX_POOLED_BYTES) {
        const stack = this.pool.get(values.length) ?? [];
        stack.push(values);
        this.pool.set(values.length, stack);
        this.pooledBytes += values.byteLength;
      }
    }
    return released;
  }

  override dispose(): void {
    this.pool.clear();
    this.pooledBytes = 0;
    super.dispose();
  }

  private track(values: tf.backend_util.BackendValues): void {
    if (!(values instanceof Float32Array)) return;
    if (this.attached.has(values)) this.recyclable.delete(values);
    else this.attached.add(values);
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
