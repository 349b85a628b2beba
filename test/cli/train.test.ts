import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { writeSyntheticSteps } from '../train/helpers/synthetic-steps.js';

describe('swe-srl train', () => {
  it('trains SFT from a steps file with progress on stderr, and resumes when run again', async () => {
    await withTempDir(async (dir) => {
      const steps = await writeSyntheticSteps(join(dir, 'steps.jsonl'));
      // The training config is the `train` section of the run configuration every command reads.
      const config = join(dir, 'run.yaml');
      await writeFile(config, 'train:\n  model: {preset: tiny, contextLength: 128}\n  tokenizer: {vocabSize: 300}\n  data: {validationFraction: 0}\n  sft: {steps: 3, batchSize: 2, checkpointEvery: 1}\n');
      const out = join(dir, 'run');
      const first = await runCli(['train', 'sft', '--steps', steps, '--out', out, '--config', config, '--max-steps', '2', '--backend', 'wasm']);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /^backend: wasm \(forced\)$/m);
      assert.match(first.stderr, /^model: new, 0\.\d\dM parameters$/m);
      assert.match(first.stderr, /^sft step 2\/2: loss \d+\.\d{4}, lr /m);
      assert.match(first.stderr, /^done: step 2, model in .*run\/model$/m);
      const second = await runCli(['train', 'sft', '--steps', steps, '--out', out, '--config', config, '--backend', 'wasm']);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /^model: resume from .*step-000002, .* at step 2$/m);
      assert.match(second.stderr, /^sft step 3\/3:/m);
      assert.doesNotMatch(second.stderr, /^sft step 1\//m);
      assert.ok(existsSync(join(out, 'model', 'tokenizer_config.json')));
    }, 'cli-train');
  });

  it('names the config file and field of a bad setting, with exit status 2', async () => {
    await withTempDir(async (dir) => {
      const config = join(dir, 'bad.yaml');
      await writeFile(config, 'train:\n  sft: {learningRate: -1}\n');
      const result = await runCli(['train', 'sft', '--steps', join(dir, 'none.jsonl'), '--out', join(dir, 'o'), '--config', config]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^swe-srl: .*bad\.yaml:2: train\.sft\.learningRate: /m);
      const both = await runCli(['train', 'srl', '--out', join(dir, 'o')]);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /give exactly one of --steps and --trajectories/);
    }, 'cli-train-bad');
  });

  it('says which backend it would use and why not the others', async () => {
    const result = await runCli(['train', 'backend']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^(tfjs-node-gpu|tfjs-node|native|wasm|cpu)\n$/);
    assert.match(result.stderr, /tfjs-node-gpu/);
    assert.match(result.stderr, /→ .*chosen/);
  });
});
