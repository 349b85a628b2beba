import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TrainingStalledError } from '../../src/train/errors.js';
import { readMetrics } from '../../src/train/metrics.js';
import { trainSft } from '../../src/train/sft/sft-trainer.js';
import { trainSrl } from '../../src/train/srl/srl-trainer.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';
import { writeSyntheticSteps } from './helpers/synthetic-steps.js';
import { tinyConfig } from './helpers/tiny-config.js';

describe('SRL (GRPO on step rewards)', () => {
  let dir: string;
  let steps: string;
  let warm: string;
  before(async () => {
    dir = await tempDir('srl');
    steps = await writeSyntheticSteps(join(dir, 'steps.jsonl'));
    // The base checkpoint: an SFT warm-up so the policy writes the format and its samples vary.
    warm = (await trainSft({ config: tinyConfig(), outDir: join(dir, 'sft'), data: { kind: 'steps', path: steps } })).modelDir!;
  });
  after(() => removeTree(dir));

  it('samples groups, keeps those whose rewards vary, updates the policy and reports the fraction kept', async () => {
    const out = join(dir, 'srl');
    const result = await trainSrl({ config: tinyConfig({ srl: { evalEvery: 2 } }), outDir: out, init: warm, data: { kind: 'steps', path: steps }, validation: { kind: 'steps', path: steps } });
    assert.equal(result.steps, 2);
    assert.ok(result.keptFraction > 0 && result.keptFraction <= 1);
    const metrics = readMetrics(join(out, 'metrics.jsonl'));
    const training = metrics.filter((m) => m.loss !== undefined);
    assert.deepEqual(training.map((m) => m.step), [1, 2]);
    for (const m of training) {
      assert.equal(m.groups_kept, 2, 'the batch is filled with kept groups');
      assert.ok((m.groups_sampled as number) >= 2);
      assert.equal(m.kept_fraction, (m.groups_kept as number) / (m.groups_sampled as number));
      assert.ok((m.reward_mean as number) >= -1 && (m.reward_mean as number) <= 1);
      assert.ok((m.reward_std as number) > 0, 'kept groups have varying rewards');
      assert.ok((m.format_ok_fraction as number) > 0, 'the warmed-up policy writes the format at least sometimes');
      assert.equal(typeof m.grad_norm, 'number');
      assert.equal(m.kl, null, 'no KL term by default');
    }
    const validation = metrics.find((m) => m.val_reward !== undefined);
    assert.ok(validation && (validation.val_reward as number) >= -1);
    assert.ok(existsSync(join(out, 'model', 'model.safetensors')));
  });

  it('with a KL coefficient, measures the KL to the starting model', async () => {
    const out = join(dir, 'kl');
    await trainSrl({ config: tinyConfig({ srl: { steps: 1, klCoef: 0.1 } }), outDir: out, init: warm, data: { kind: 'steps', path: steps } });
    const [step] = readMetrics(join(out, 'metrics.jsonl'));
    assert.equal(typeof step!.kl, 'number');
    assert.ok(Math.abs(step!.kl as number) < 1e-3, 'the first update starts at the reference');
  });

  it('stops with a clear message when every group is dropped for too long', async () => {
    // A model that was never trained writes no format: every reward is −1, every group's std 0.
    const out = join(dir, 'stall');
    await assert.rejects(
      trainSrl({ config: tinyConfig({ srl: { maxDroppedGroups: 3, maxNewTokens: 8, groupSize: 2 } }), outDir: out, data: { kind: 'steps', path: steps } }),
      (error: unknown) => error instanceof TrainingStalledError && /dynamic sampling dropped 3 groups in a row .*mean reward -1\.000, 100% format violations.*SFT warm-up/.test(error.message),
    );
  });
});
