// Runs one computation on the native backend and on tfjs's cpu backend from the same input
// values, and compares the outputs and the gradients of every differentiable input.
import assert from 'node:assert/strict';

import * as tf from '@tensorflow/tfjs';

import { fusedOps, loadNativeBackend, NATIVE_BACKEND, nativeKernelNames, type FusedOps } from '../../../src/train/backends/native/index.js';

export { fusedOps, NATIVE_BACKEND, nativeKernelNames };
import { Rng } from '../../../src/train/model/rng.js';
import { referenceOps } from './reference.js';

export const nativeLoad = await loadNativeBackend();

/** CI builds the addon, so there a missing backend fails the tests instead of skipping them. */
export const nativeRequired = process.env.CI === 'true' || process.env.REQUIRE_NATIVE === '1';
export const skipReason: string | false = nativeLoad.ok || nativeRequired ? false : `native backend unavailable: ${nativeLoad.reason}`;

export interface Input {
  shape: number[];
  values: Float32Array | Int32Array;
  /** Inputs that are not differentiable (int32 ids) get no gradient. */
  differentiable?: boolean;
}

export type Computation = (ops: FusedOps, ...inputs: tf.Tensor[]) => tf.Tensor;

export interface Outcome {
  shape: number[];
  value: Float32Array;
  grads: Float32Array[];
}

export class Random {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  private next(): number {
    return this.rng.next();
  }
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }
  int(low: number, high: number): number {
    return Math.floor(this.uniform(low, high + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  floats(shape: number[], low = -2, high = 2): Input {
    const size = shape.reduce((a, b) => a * b, 1);
    return { shape, values: Float32Array.from({ length: size }, () => this.uniform(low, high)) };
  }
  /** Values whose magnitude stays in [low, high], with a random sign. */
  awayFromZero(shape: number[], low = 0.3, high = 2): Input {
    const input = this.floats(shape, low, high);
    input.values = (input.values as Float32Array).map((v) => (this.next() < 0.5 ? -v : v));
    return input;
  }
  ids(shape: number[], vocab: number): Input {
    const size = shape.reduce((a, b) => a * b, 1);
    return { shape, values: Int32Array.from({ length: size }, () => this.int(0, vocab - 1)), differentiable: false };
  }
}

async function evaluate(backend: string, computation: Computation, inputs: Input[], upstreamSeed: number): Promise<Outcome> {
  await tf.setBackend(backend);
  const ops = fusedOps() ?? referenceOps;
  if (backend === NATIVE_BACKEND) assert.ok(fusedOps(), 'the native backend offers its fused ops');
  const tensors = inputs.map((input) => tf.tensor(input.values, input.shape, input.values instanceof Int32Array ? 'int32' : 'float32'));
  const differentiable = tensors.filter((_, i) => inputs[i]!.differentiable !== false);
  try {
    const output = tf.tidy(() => computation(ops, ...tensors));
    const value = (await output.data()) as Float32Array;
    const shape = output.shape;
    output.dispose();
    // The gradient of Σ f(x)·w for one fixed random w, so every output element matters.
    const random = new Random(upstreamSeed);
    const weights = Float32Array.from({ length: value.length }, () => random.uniform(-1, 1));
    let grads: Float32Array[] = [];
    if (differentiable.length > 0) {
      const gradTensors = tf.tidy(() =>
        tf.grads((...xs: tf.Tensor[]) => {
          let i = 0;
          const all = tensors.map((t, index) => (inputs[index]!.differentiable === false ? t : xs[i++]!));
          return tf.sum(tf.mul(computation(ops, ...all), tf.tensor(weights, shape)));
        })(differentiable),
      );
      grads = await Promise.all(gradTensors.map(async (g) => (await g.data()) as Float32Array));
      tf.dispose(gradTensors);
    }
    return { shape, value: Float32Array.from(value), grads };
  } finally {
    tf.dispose(tensors);
  }
}

export interface Tolerance {
  /** |native − reference| ≤ absolute + relative · |reference| element by element. */
  absolute: number;
  relative: number;
}

export const FLOAT_TOLERANCE: Tolerance = { absolute: 1e-5, relative: 1e-4 };

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const excess = Math.abs(a - e) - (tolerance.absolute + tolerance.relative * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) assert.fail(`${what}: element ${worst} is ${actual[worst]}, the reference ${expected[worst]}`);
}

/**
 * Checks the native backend against the cpu backend: same output shape and values, same
 * gradients. `expected` replaces the cpu forward result where tfjs's own kernel is wrong
 * (broadcast batch matmul).
 */
export async function compareWithCpu(
  what: string,
  computation: Computation,
  inputs: Input[],
  options: { tolerance?: Tolerance; gradients?: boolean; reference?: Computation } = {},
): Promise<void> {
  const tolerance = options.tolerance ?? FLOAT_TOLERANCE;
  const withGradients = options.gradients ?? true;
  const usedInputs = withGradients ? inputs : inputs.map((input) => ({ ...input, differentiable: false }));
  const native = await evaluate(NATIVE_BACKEND, computation, usedInputs, 99);
  const cpu = await evaluate('cpu', options.reference ?? computation, usedInputs, 99);
  assert.deepEqual(native.shape, cpu.shape, `${what}: output shape`);
  assertClose(native.value, cpu.value, tolerance, `${what}: forward`);
  assert.equal(native.grads.length, cpu.grads.length);
  native.grads.forEach((grad, i) => assertClose(grad, cpu.grads[i]!, tolerance, `${what}: gradient of input ${i}`));
}
