// The trainer's fast CPU path: a tfjs backend named 'native' whose hot kernels run in a Node
// addon over OpenBLAS (see README, "Native CPU backend").
//
//   const loaded = await loadNativeBackend();   // registers the backend and its kernels
//   if (loaded.ok) await tf.setBackend(loaded.name);
//   const ops = fusedOps();                     // fused layer norm, GELU/SiLU, attention, or undefined
import * as tf from '@tensorflow/tfjs';

import { loadAddon, type NativeAddon } from './addon.js';
import { NATIVE_BACKEND, NativeBackend, nativeKernel } from './backend.js';
import { nativeFusedOps, type FusedOps } from './fused-ops.js';
import { decoderKernels } from './kernels/decoder.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { fusedKernels } from './kernels/fused.js';
import { layoutKernels } from './kernels/layout.js';
import { matMulKernels } from './kernels/matmul.js';
import { reductionKernels } from './kernels/reductions.js';
import type { KernelTime } from './kernel-timer.js';

export { NATIVE_BACKEND } from './backend.js';
export type { FusedOps, AttentionOptions } from './fused-ops.js';
export type { KernelTime } from './kernel-timer.js';

/**
 * Above wasm (2) and cpu (1), so tfjs picks it by itself once registered; below tfjs-node (3),
 * which is faster where it installs.
 */
export const NATIVE_BACKEND_PRIORITY = 2.5;

export type NativeBackendLoad = { ok: true; name: string } | { ok: false; reason: string };

/** The kernels the native backend runs itself; every other kernel is the cpu backend's. */
export const nativeKernelNames: readonly string[] = [...matMulKernels, ...elementwiseKernels, ...reductionKernels, ...layoutKernels, ...fusedKernels, ...decoderKernels].map(
  (config) => config.kernelName,
);

function registerKernels(): void {
  const own = new Set(nativeKernelNames);
  // Everything else is the cpu backend's kernel, registered again under our name (wrapped so the
  // kernel timer sees it too): the two backends share the tensor storage those kernels expect.
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (own.has(config.kernelName)) continue;
    const cpuFunc = config.kernelFunc as unknown as Parameters<typeof nativeKernel>[1];
    tf.registerKernel(nativeKernel(config.kernelName, cpuFunc));
  }
  for (const config of [...matMulKernels, ...elementwiseKernels, ...reductionKernels, ...layoutKernels, ...fusedKernels, ...decoderKernels]) {
    tf.registerKernel(config);
  }
}

let registration: NativeBackendLoad | undefined;

/**
 * Registers the native backend when the addon loads. Does not switch to it: tfjs chooses it by
 * priority when no backend was set, and tf.setBackend('native') selects it explicitly.
 * SWE_SRL_NATIVE=0 turns it off (the result then says so).
 */
export async function loadNativeBackend(): Promise<NativeBackendLoad> {
  if (process.env.SWE_SRL_NATIVE === '0') return { ok: false, reason: 'native backend turned off by SWE_SRL_NATIVE=0' };
  if (registration) return registration;
  const loaded = loadAddon();
  if (!loaded.ok) {
    registration = { ok: false, reason: loaded.reason };
    return registration;
  }
  const addon: NativeAddon = loaded.addon;
  registerKernels();
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(addon), NATIVE_BACKEND_PRIORITY);
  registration = { ok: true, name: NATIVE_BACKEND };
  return registration;
}

function activeNativeBackend(): NativeBackend | undefined {
  if (tf.getBackend() !== NATIVE_BACKEND) return undefined;
  const backend = tf.backend();
  return backend instanceof NativeBackend ? backend : undefined;
}

/** The fused ops, when the active tfjs backend is the native one; otherwise undefined. */
export function fusedOps(): FusedOps | undefined {
  return activeNativeBackend() ? nativeFusedOps : undefined;
}

/** Per-kernel timing on the native backend, for profiles: start, read, stop. */
export const nativeKernelTimer = {
  start(): void {
    const backend = activeNativeBackend();
    if (!backend) throw new Error('nativeKernelTimer: the native backend is not the active tfjs backend');
    backend.timer.reset();
    backend.timer.enabled = true;
  },
  report(): KernelTime[] {
    return activeNativeBackend()?.timer.report() ?? [];
  },
  stop(): void {
    const backend = activeNativeBackend();
    if (backend) backend.timer.enabled = false;
  },
};

/** What the addon runs on (OpenBLAS build and core, thread counts), when it loads. */
export function nativeRuntimeInfo(): ReturnType<NativeAddon['info']> | undefined {
  const loaded = loadAddon();
  return loaded.ok ? loaded.addon.info() : undefined;
}

/** Multiplies two row-major matrices through the addon's gemm, for the benchmark's BLAS peak. */
export function nativeGemm(a: Float32Array, b: Float32Array, out: Float32Array, m: number, n: number, k: number): void {
  const loaded = loadAddon();
  if (!loaded.ok) throw new Error(loaded.reason);
  loaded.addon.gemm(a, b, out, 1, m, n, k, false, false, null, null);
}
