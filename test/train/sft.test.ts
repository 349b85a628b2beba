import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { tf } from '../../src/train/backends/tf.js';
import { loadModelDir } from '../../src/train/checkpoint/model-dir.js';
import { TrainingDivergedError } from '../../src/train/errors.js';
import { readMetrics } from '../../src/train/metrics.js';
import { trainSft } from '../../src/train/sft/sft-trainer.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';
import { writeSyntheticSteps } from './helpers/synthetic-steps.js';
import { tinyConfig } from './helpers/tiny-config.js';

async function logitsOf(modelDir: string): Promise<Float32Array> {
  const { model } = await loadModelDir(modelDir);
  try {
    return tf.tidy(() => model.forward(tf.tensor2d([[1, 2, 3, 4, 5]], undefined, 'int32')).logits.dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

describe('SFT', () => {
  let dir: string;
  let steps: string;
  before(async () => {
    dir = await tempDir('sft');
    steps = await writeSyntheticSteps(join(dir, 'steps.jsonl'));
  });
  after(() => removeTree(dir));

  it('learns the expert answers: the loss falls, metrics are written per step, the model and its best are saved', async () => {
    const out = join(dir, 'learn');
    const events: string[] = [];
    const result = await trainSft({
      config: tinyConfig({ sft: { steps: 24, evalEvery: 8 } }),
      outDir: out,
      data: { kind: 'steps', path: steps },
      validation: { kind: 'steps', path: steps },
      onEvent: (event) => void events.push(event.type),
    });
    assert.equal(result.steps, 24);
    assert.equal(result.interrupted, false);
    const metrics = readMetrics(join(out, 'metrics.jsonl'));
    const training = metrics.filter((m) => m.loss !== undefined);
    assert.deepEqual(training.map((m) => m.step), Array.from({ length: 24 }, (_, i) => i + 1));
    assert.ok((training[23]!.loss as number) < (training[0]!.loss as number) / 2, `loss ${training[0]!.loss} → ${training[23]!.loss}`);
    for (const m of training) for (const field of ['lr', 'grad_norm', 'tokens_per_s', 'learned_tokens']) assert.equal(typeof m[field], 'number', field);
    const validation = metrics.filter((m) => m.val_loss !== undefined);
    assert.deepEqual(validation.map((m) => m.step), [8, 16, 24]);
    assert.ok(existsSync(join(out, 'model', 'model.safetensors')) && existsSync(join(out, 'best', 'tokenizer.json')));
    assert.ok(result.bestValidationLoss! <= Math.min(...validation.map((m) => m.val_loss as number)) + 1e-9);
    assert.deepEqual([...new Set(events)], ['backend', 'tokenizer', 'model', 'data', 'step', 'validation', 'checkpoint', 'done']);
  });

  it('resumes an interrupted run from its checkpoint to the same weights as an uninterrupted one', async () => {
    const config = tinyConfig({ sft: { steps: 6 } });
    const straight = await trainSft({ config, outDir: join(dir, 'straight'), data: { kind: 'steps', path: steps } });

    const out = join(dir, 'interrupted');
    const controller = new AbortController();
    const first = await trainSft({
      config,
      outDir: out,
      data: { kind: 'steps', path: steps },
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step' && event.metrics.step === 3) controller.abort();
      },
    });
    assert.equal(first.interrupted, true);
    assert.equal(first.steps, 3);
    assert.ok(existsSync(join(out, 'checkpoints', 'step-000003', 'optimizer.safetensors')));
    // A metrics line from a step that was lost with the process is not kept twice.
    await writeFile(join(out, 'metrics.jsonl'), `${await readFile(join(out, 'metrics.jsonl'), 'utf8')}{"stage":"sft","step":4,"loss":9}\n{"stage":"sft","st`);

    const resumed = await trainSft({ config, outDir: out, data: { kind: 'steps', path: steps } });
    assert.equal(resumed.steps, 6);
    assert.deepEqual(readMetrics(join(out, 'metrics.jsonl')).map((m) => m.step), [1, 2, 3, 4, 5, 6]);
    const a = await logitsOf(straight.modelDir!);
    const b = await logitsOf(resumed.modelDir!);
    let max = 0;
    for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    assert.ok(max < 1e-5, `resumed weights match (max logit difference ${max})`);
  });

  it('refuses to resume with other settings, naming the field', async () => {
    const out = join(dir, 'settings');
    await trainSft({ config: tinyConfig({ sft: { steps: 4 } }), outDir: out, maxSteps: 1, data: { kind: 'steps', path: steps } });
    await assert.rejects(
      trainSft({ config: tinyConfig({ sft: { steps: 4, batchSize: 2 } }), outDir: out, data: { kind: 'steps', path: steps } }),
      (error: unknown) => error instanceof InputError && /trainer-state.json: the run was started with other settings \(sft.batchSize: was 4, now 2\)/.test(error.message),
    );
  });

  it('stops on a non-finite loss, names the step, and keeps the last good checkpoint', async () => {
    const out = join(dir, 'diverge');
    // A learning rate this large sends the weights to infinity within a few updates.
    const config = tinyConfig({ sft: { steps: 30, learningRate: 1e30, warmupSteps: 0, checkpointEvery: 1, keepCheckpoints: 1 } });
    const error = await trainSft({ config, outDir: out, data: { kind: 'steps', path: steps } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof TrainingDivergedError, `diverged: ${String(error)}`);
    assert.match(error.message, new RegExp(`^sft step ${error.step}: the (loss|gradient norm) is (NaN|Infinity|-Infinity); stopped without applying the update; the last good checkpoint is .*step-${String(error.step - 1).padStart(6, '0')}$`));
    const { model } = await loadModelDir(error.lastGoodCheckpoint!);
    for (const variable of model.variables) assert.ok(tf.tidy(() => tf.all(tf.isFinite(variable)).dataSync()[0] === 1), 'the kept checkpoint has finite weights');
    model.dispose();
  });

  it('refuses raw step rows and empty data, naming the file and line', async () => {
    const raw = join(dir, 'raw.jsonl');
    await writeFile(raw, `${JSON.stringify({ step_id: 'a#0', instance_id: 'a', step_index: 0, problem_statement: 'p', history: [], target_action: 'ls', target_parsed: { tool: 'bash', args: { command: 'ls' } }, tool_format: 'thought_action' })}\n`);
    await assert.rejects(trainSft({ config: tinyConfig(), outDir: join(dir, 'raw'), data: { kind: 'steps', path: raw } }), new RegExp(`^InputError: ${raw}:1: a raw step row; the trainer needs chat-form rows`));
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '\n');
    await assert.rejects(trainSft({ config: tinyConfig(), outDir: join(dir, 'empty'), data: { kind: 'steps', path: empty } }), /empty.jsonl: no step rows/);
  });
});
