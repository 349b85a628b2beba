// A short training run of a Llama-layout model on the native backend (fused ops) and on tfjs's
// cpu backend (core ops), from the same weights and data: the loss curves agree.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { assertClose, fusedOps, NATIVE_BACKEND, Random, skipReason } from './compare.js';
import { FusedAdam } from '../../../src/train/backends/native/adam.js';
import { referenceOps } from '../../../src/train/backends/native/reference-ops.js';
import { ProbeModel, TINY_MODEL } from '../../../src/train/backends/native/probe-model.js';

const STEPS = 8;
const BATCH = 4;
const LENGTH = 33;

async function lossCurve(backend: string, ids: Int32Array): Promise<number[]> {
  await tf.setBackend(backend);
  const ops = fusedOps() ?? referenceOps;
  const model = ProbeModel.create(TINY_MODEL, 7);
  // The native run updates with the fused Adam kernel, the cpu run with tfjs's own adam.
  const fused = backend === NATIVE_BACKEND ? new FusedAdam(ops, { lr: 3e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 }) : undefined;
  const optimizer = tf.train.adam(3e-3);
  const losses: number[] = [];
  try {
    for (let step = 0; step < STEPS; step++) {
      const { value, grads } = tf.variableGrads(() => model.loss(tf.tensor2d(ids, [BATCH, LENGTH], 'int32'), ops));
      if (fused) fused.apply(model.variables, grads);
      else optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      losses.push((await value.data())[0]!);
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    fused?.dispose();
    optimizer.dispose();
    model.dispose();
  }
  return losses;
}

describe('training on the native backend', { skip: skipReason }, () => {
  it('follows the cpu backend’s loss curve step for step (fused ops and fused Adam against core ops and tfjs adam), and the loss falls', async () => {
    const random = new Random(5);
    // A repeating pattern, so a few steps visibly lower the loss.
    const ids = Int32Array.from({ length: BATCH * LENGTH }, (_, i) => (i % 11 === 0 ? random.int(0, 511) : (i * 7) % 23));
    const native = await lossCurve(NATIVE_BACKEND, ids);
    const cpu = await lossCurve('cpu', ids);
    assertClose(native, cpu, { absolute: 1e-4, relative: 1e-4 }, `loss curve (native ${native.map((l) => l.toFixed(5))}, cpu ${cpu.map((l) => l.toFixed(5))})`);
    assert.ok(native[STEPS - 1]! < native[0]! - 0.5, `the loss falls: ${native[0]} → ${native[STEPS - 1]}`);
  });

  it('decodes with the KV cache to the logits a full forward pass gives', async () => {
    await tf.setBackend(NATIVE_BACKEND);
    const ops = fusedOps()!;
    const model = ProbeModel.create(TINY_MODEL, 3);
    const random = new Random(9);
    const ids = Int32Array.from({ length: 2 * 12 }, () => random.int(0, 511));
    try {
      const [cached, full] = tf.tidy(() => {
        const all = tf.tensor2d(ids, [2, 12], 'int32');
        const prompt = tf.slice(all, [0, 0], [2, 11]);
        const { cache } = model.forward(prompt, ops);
        const step = model.forward(tf.slice(all, [0, 11], [2, 1]), ops, cache).logits;
        const whole = tf.slice(model.forward(all, ops).logits, [0, 11, 0], [2, 1, -1]);
        return [step, whole];
      });
      assertClose(await cached!.data(), await full!.data(), { absolute: 1e-4, relative: 1e-4 }, 'last-position logits');
      tf.dispose([cached!, full!]);
    } finally {
      model.dispose();
    }
  });
});

describe('choosing the native backend', { skip: skipReason }, () => {
  const indexModule = fileURLToPath(new URL('../../../src/train/backends/native/index.ts', import.meta.url));
  const probe = (env: NodeJS.ProcessEnv) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import * as tf from '@tensorflow/tfjs'; import { loadNativeBackend } from ${JSON.stringify(indexModule)};
         const load = await loadNativeBackend(); await tf.ready();
         console.log(JSON.stringify({ load, chosen: tf.getBackend() }));`,
      ],
      { encoding: 'utf8', env: { ...process.env, ...env } },
    );

  it('is what tfjs picks by itself once loaded', () => {
    const result = probe({});
    assert.equal(result.status, 0, result.stderr);
    const outcome = JSON.parse(result.stdout.trim().split('\n').pop()!);
    assert.deepEqual(outcome, { load: { ok: true, name: 'native' }, chosen: 'native' });
  });

  it('can be turned off, and then says so and tfjs picks another backend', () => {
    const result = probe({ SWE_SRL_NATIVE: '0' });
    assert.equal(result.status, 0, result.stderr);
    const outcome = JSON.parse(result.stdout.trim().split('\n').pop()!);
    assert.equal(outcome.load.ok, false);
    assert.match(outcome.load.reason, /turned off by SWE_SRL_NATIVE=0/);
    assert.notEqual(outcome.chosen, 'native');
  });
});
