// The trainer's own model on the native backend: an SFT run follows the cpu backend's loss curve
// (fused kernels and the fused AdamW step against ops composed of core ops), the model picks the
// fused ops by itself, and sampling through the in-place KV cache gives what full passes give.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { assertClose, NATIVE_BACKEND, skipReason } from './compare.js';
import { opsForActiveBackend } from '../../../src/train/backends/model-ops.js';
import { selectBackend } from '../../../src/train/backends/ladder.js';
import { tf } from '../../../src/train/backends/tf.js';
import { readMetrics } from '../../../src/train/metrics.js';
import { generate } from '../../../src/train/model/generate.js';
import { continuationLogprobs } from '../../../src/train/model/logprobs.js';
import { tfjsOps } from '../../../src/train/model/ops.js';
import { Rng } from '../../../src/train/model/rng.js';
import { Transformer, type KvCache } from '../../../src/train/model/transformer.js';
import { trainSft } from '../../../src/train/sft/sft-trainer.js';
import { MODEL_PRESETS, type ModelConfig } from '../../../src/train/model/config.js';
import { writeSyntheticSteps } from '../helpers/synthetic-steps.js';
import { tinyConfig } from '../helpers/tiny-config.js';

const TINY: ModelConfig = { ...MODEL_PRESETS.tiny, vocabSize: 300, contextLength: 128 };

describe('the trainer on the native backend', { skip: skipReason }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swe-srl-native-train-'));
  });
  after(async () => {
    await selectBackend('cpu');
    await rm(dir, { recursive: true, force: true });
  });

  it('runs SFT to the cpu backend’s loss curve, step for step, and the loss falls', async () => {
    const steps = await writeSyntheticSteps(join(dir, 'steps.jsonl'), 8);
    const curve = async (backend: 'native' | 'cpu') => {
      const result = await trainSft({ config: tinyConfig({ backend, sft: { steps: 8, batchSize: 4 } }), outDir: join(dir, backend), data: { kind: 'steps', path: steps } });
      assert.equal(result.backend, backend);
      return readMetrics(join(dir, backend, 'metrics.jsonl')).filter((m) => m.loss !== undefined);
    };
    const native = await curve('native');
    const cpu = await curve('cpu');
    const losses = (metrics: typeof native) => metrics.map((m) => m.loss as number);
    assertClose(losses(native), losses(cpu), { absolute: 1e-4, relative: 1e-4 }, `loss curve (native ${losses(native).map((l) => l.toFixed(5))}, cpu ${losses(cpu).map((l) => l.toFixed(5))})`);
    assertClose(
      native.map((m) => m.grad_norm as number),
      cpu.map((m) => m.grad_norm as number),
      { absolute: 1e-4, relative: 1e-3 },
      'gradient norms',
    );
    assert.ok(losses(native)[7]! < losses(native)[0]! - 0.5, `the loss falls: ${losses(native)[0]} → ${losses(native)[7]}`);
  });

  it('takes the fused ops while native is active and the core ops elsewhere, from one model', async () => {
    await selectBackend('native');
    const model = Transformer.create(TINY, 1);
    try {
      assert.notEqual(model.ops.selfAttention, tfjsOps.selfAttention);
      assert.equal(model.ops, opsForActiveBackend());
      await selectBackend('cpu');
      assert.equal(model.ops, tfjsOps);
    } finally {
      model.dispose();
    }
  });

  it('samples through the in-place KV cache what recomputing every position gives, and leaves no tensor behind', async () => {
    await selectBackend(NATIVE_BACKEND);
    const model = Transformer.create(TINY, 4);
    try {
      const prompt = [5, 9, 2, 7, 7, 1, 30, 200];
      const options = { n: 3, maxNewTokens: 14, temperature: 1, topP: 1, stopTokenIds: [] as number[] };
      const before = tf.memory().numTensors;
      const cached = generate(model, prompt, { ...options, rng: new Rng(3) });
      assert.equal(tf.memory().numTensors, before, 'sampling leaves no tensor behind');
      const uncached = generate(model, prompt, { ...options, rng: new Rng(3), useKvCache: false });
      assert.deepEqual(cached.map((s) => s.tokens), uncached.map((s) => s.tokens));
      const recomputed = continuationLogprobs(model, cached.map((s) => ({ prompt, continuation: s.tokens })), 0);
      cached.forEach((sample, i) => assertClose(sample.logprobs, recomputed[i]!, { absolute: 1e-4, relative: 1e-4 }, `sample ${i} log-probabilities`));
    } finally {
      model.dispose();
    }
  });

  it('grows a cache that runs out of room, keeping what it held', async () => {
    await selectBackend(NATIVE_BACKEND);
    const model = Transformer.create(TINY, 6);
    const ids = [[3, 1, 4, 1, 5, 9, 2, 6, 5, 3], [2, 7, 1, 8, 2, 8, 1, 8, 2, 8]];
    try {
      const stepwise = tf.tidy(() => {
        // The prompt's cache has room for exactly its 4 positions, so the next steps must grow it.
        let { cache } = model.forward(tf.tensor2d(ids.map((row) => row.slice(0, 4)), undefined, 'int32'));
        let last: tf.Tensor | undefined;
        for (let t = 4; t < 10; t++) {
          const previous: KvCache = cache;
          const step = model.forward(tf.tensor2d(ids.map((row) => [row[t]!]), undefined, 'int32'), previous);
          cache = step.cache;
          last = step.logits;
        }
        return last!;
      });
      const full = tf.tidy(() => tf.slice(model.forward(tf.tensor2d(ids, undefined, 'int32')).logits, [0, 9, 0], [2, 1, -1]));
      assertClose(await stepwise.data(), await full.data(), { absolute: 1e-4, relative: 1e-4 }, 'last-position logits');
      tf.dispose([stepwise, full]);
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
