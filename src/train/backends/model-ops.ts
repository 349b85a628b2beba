/**
 * Which ops the model and the optimizer run with, decided in one place: on the native backend its
 * fused kernels (each block step one kernel, the Adam(W) update one pass per parameter), on every
 * other backend the ops composed of TensorFlow.js core ops. Decided when an op runs, from the
 * backend active then, so a model made under one backend runs under another.
 */
import { tfjsOps, type ModelOps } from '../model/ops.js';
import { fusedOps, type FusedOps } from './native/index.js';

let nativeModelOps: ModelOps | undefined;

export function opsForActiveBackend(): ModelOps {
  const fused = fusedOps();
  if (!fused) return tfjsOps;
  nativeModelOps ??= { ...tfjsOps, ...fused };
  return nativeModelOps;
}

/** The fused Adam(W) step, where the active backend has one. */
export function fusedAdamStep(): FusedOps['adamStep'] | undefined {
  return fusedOps()?.adamStep;
}
