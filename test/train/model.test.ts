import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { selectBackend } from '../../src/train/backends/ladder.js';
import { tf } from '../../src/train/backends/tf.js';
import { validateModelConfig, checkFitsContext, type ModelConfig } from '../../src/train/model/config.js';
import { generate } from '../../src/train/model/generate.js';
import { continuationLogprobs, nextTokenLogprobs } from '../../src/train/model/logprobs.js';
import { clearOpCaches } from '../../src/train/model/ops.js';
import { Rng } from '../../src/train/model/rng.js';
import { Transformer } from '../../src/train/model/transformer.js';

const config: ModelConfig = { vocabSize: 40, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 24, contextLength: 48, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, initStd: 0.3 };
const ids = [[1, 5, 7, 3, 9, 2, 11, 4, 30, 39], [8, 8, 2, 17, 25, 0, 1, 2, 3, 4]];

function lossOf(model: Transformer): () => tf.Scalar {
  return () => tf.neg(tf.mean(nextTokenLogprobs(model, tf.tensor2d(ids, undefined, 'int32')))) as tf.Scalar;
}

/** Logits and every gradient of the loss, on the current backend, from the same seeded weights. */
function forwardAndGradients(cfg: ModelConfig): { logits: Float32Array; grads: Map<string, Float32Array> } {
  const model = Transformer.create(cfg, 7);
  try {
    const logits = tf.tidy(() => model.forward(tf.tensor2d(ids, undefined, 'int32')).logits.dataSync() as Float32Array);
    const { grads } = model.gradients(lossOf(model));
    const values = new Map(Object.entries(grads).map(([name, grad]) => [name, grad.dataSync() as Float32Array]));
    for (const grad of Object.values(grads)) grad.dispose();
    return { logits, grads: values };
  } finally {
    model.dispose();
    clearOpCaches();
  }
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('transformer', () => {
  after(async () => {
    await selectBackend('cpu');
  });

  it('has the gradient of finite differences (cpu backend)', async () => {
    await selectBackend('cpu');
    const model = Transformer.create(config, 5);
    try {
      const loss = lossOf(model);
      const { grads } = model.gradients(loss);
      const probes: Array<[string, number]> = [['model.embed_tokens.weight', 5 * 16 + 3], ['model.layers.0.self_attn.q_proj.weight', 17], ['model.layers.1.self_attn.k_proj.weight', 40], ['model.layers.0.input_layernorm.weight', 4], ['model.layers.1.mlp.down_proj.weight', 30], ['model.norm.weight', 2]];
      for (const [name, index] of probes) {
        const variable = model.params.get(name)!;
        const original = variable.dataSync().slice();
        const at = (delta: number): number => {
          const moved = original.slice();
          moved[index] = moved[index]! + delta;
          variable.assign(tf.tensor(moved, variable.shape));
          return tf.tidy(() => loss().dataSync()[0]!);
        };
        const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
        variable.assign(tf.tensor(original, variable.shape));
        const analytic = grads[name]!.dataSync()[index]!;
        assert.ok(Math.abs(numeric - analytic) < 2e-3 + 1e-2 * Math.abs(numeric), `${name}[${index}]: numeric ${numeric} vs analytic ${analytic}`);
      }
    } finally {
      model.dispose();
    }
  });

  it('computes the same logits and gradients, every parameter included, on the cpu and wasm backends', async () => {
    await selectBackend('cpu');
    const cpu = forwardAndGradients(config);
    await selectBackend('wasm');
    const wasm = forwardAndGradients(config);
    assert.ok(maxDifference(cpu.logits, wasm.logits) < 1e-4, 'logits agree');
    assert.equal(wasm.grads.size, cpu.grads.size);
    for (const [name, grad] of cpu.grads) {
      const other = wasm.grads.get(name);
      assert.ok(other, `wasm has a gradient for ${name} (the embedding needs one without UnsortedSegmentSum)`);
      assert.ok(maxDifference(grad, other) < 1e-4, `${name} gradients agree`);
    }
    // The untied output head too.
    await selectBackend('wasm');
    assert.ok(forwardAndGradients({ ...config, tieEmbeddings: false }).grads.has('lm_head.weight'));
  });

  it('samples the same tokens with and without the KV cache, and reports the log-probabilities a full forward pass gives', async () => {
    await selectBackend('cpu');
    const model = Transformer.create(config, 11);
    try {
      const prompt = [3, 1, 4, 1, 5];
      const options = { n: 3, maxNewTokens: 12, temperature: 1, topP: 0.95, stopTokenIds: [] as number[] };
      const cached = generate(model, prompt, { ...options, rng: new Rng(9) });
      const uncached = generate(model, prompt, { ...options, rng: new Rng(9), useKvCache: false });
      assert.deepEqual(cached.map((s) => s.tokens), uncached.map((s) => s.tokens));
      assert.ok(new Set(cached.map((s) => s.tokens.join(','))).size > 1, 'samples differ from one another at temperature 1');
      const recomputed = continuationLogprobs(model, cached.map((s) => ({ prompt, continuation: s.tokens })), 0);
      cached.forEach((sample, i) => sample.logprobs.forEach((logprob, t) => assert.ok(Math.abs(logprob - recomputed[i]![t]!) < 1e-4)));
      const before = tf.memory().numTensors;
      generate(model, prompt, { ...options, rng: new Rng(1) });
      assert.equal(tf.memory().numTensors, before, 'sampling leaves no tensor behind');
    } finally {
      model.dispose();
    }
  });

  it('ends a sample at a stop token and at the context, with the finish reason', async () => {
    await selectBackend('cpu');
    const model = Transformer.create(config, 3);
    try {
      const greedy = generate(model, [1, 2, 3], { n: 1, maxNewTokens: 5, temperature: 0, topP: 1, stopTokenIds: [], rng: new Rng(0) })[0]!;
      const stop = greedy.tokens[2]!;
      const stopped = generate(model, [1, 2, 3], { n: 1, maxNewTokens: 5, temperature: 0, topP: 1, stopTokenIds: [stop], rng: new Rng(0) })[0]!;
      assert.equal(stopped.finishReason, 'stop');
      assert.equal(stopped.tokens[stopped.tokens.length - 1], stop);
      const full = generate(model, Array.from({ length: 45 }, (_, i) => i % 40), { n: 2, maxNewTokens: 10, temperature: 1, topP: 1, stopTokenIds: [], rng: new Rng(0) });
      assert.deepEqual(full.map((s) => [s.tokens.length, s.finishReason]), [[3, 'length'], [3, 'length']]);
      assert.throws(() => model.forward(tf.zeros([1, 49], 'int32')), /longer than the model's context of 48/);
    } finally {
      model.dispose();
    }
  });

  it('refuses inconsistent model configs and budgets that do not fit the context, naming the fields', () => {
    assert.throws(() => validateModelConfig({ ...config, heads: 3 }, 'cfg.yaml: model'), (e: unknown) => e instanceof InputError && e.message === 'cfg.yaml: model: heads: 3 does not divide hiddenSize 16');
    assert.throws(() => validateModelConfig({ ...config, heads: 16 }, 'm'), /head width hiddenSize\/heads = 1 must be even/);
    assert.throws(() => validateModelConfig({ ...config, layers: 0 }, 'm'), /layers: expected a positive integer, got 0/);
    assert.throws(() => checkFitsContext(config, { promptTokens: 40, responseTokens: 16 }, 'cfg.yaml: data'), /cfg.yaml: data: maxPromptTokens 40 \+ maxResponseTokens 16 = 56 does not fit the model's contextLength 48/);
  });
});
