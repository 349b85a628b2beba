/**
 * In Docker, the trainer's stages chain in a pipeline on the built-in family with tiny settings:
 * tasks → scripted teacher → steps → SFT (a new model) → SRL (from SFT) → RLVR (from SRL, G
 * episodes per task in sandboxes, the local policy acting through the Episode, rewarded by the
 * evaluation stage), each handing its checkpoint to the next and measuring the held-out resolve
 * rate of what it hands on. Then the trained model is the `local` policy of `swe-srl rollout`,
 * and its predictions go through `swe-srl eval`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePipeline, runPipeline } from '../../src/pipeline/index.js';
import { runCli } from '../helpers/cli.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { containersOfRun } from '../eval/helpers/docker-fixture.js';

async function jsonLines(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const TRAIN = '{backend: cpu, model: {preset: tiny, contextLength: 512}, data: {validationFraction: 0}';
const RLVR = 'rlvr: {steps: 1, groupSize: 2, batchSize: 1, maxTurns: 2, maxNewTokens: 24, maxDroppedGroups: 2, onStall: stop, evalEvery: 100, learningRate: 1.0e-4}';

test('in Docker, the pipeline trains SFT → SRL → RLVR on built-in tasks, and the trained local policy goes through rollout and eval', { skip: await skipUnlessDocker(), timeout: 1_500_000 }, async () => {
  await baseImageForTests();
  await withTempDir(async (dir) => {
    const text = [
      `runDir: ${join(dir, 'run')}`,
      'sandbox: {backend: docker, maxWorkers: 2}',
      'stages:',
      '  - {stage: tasks, seed: 7, count: 1, tiers: [easy]}',
      '  - stage: teacher',
      '  - {stage: steps, history: 2}',
      '  - stage: sft',
      '    inputs: {steps: steps}',
      `    train: ${TRAIN}, sft: {steps: 8, batchSize: 4, learningRate: 3.0e-3, warmupSteps: 1, evalEvery: 100}, ${RLVR}}`,
      '  - stage: srl',
      '    inputs: {steps: steps, init: sft}',
      `    train: ${TRAIN}, srl: {steps: 1, batchSize: 1, groupSize: 4, maxNewTokens: 24, maxDroppedGroups: 3, onStall: stop, evalEvery: 100}, ${RLVR}}`,
      '  - stage: rlvr',
      '    inputs: {tasks: tasks, init: srl, heldout: tasks}',
      `    train: ${TRAIN}, ${RLVR}}`,
      '',
    ].join('\n');
    const { stages } = await runPipeline(parsePipeline(text, join(dir, 'p.yaml')));
    const named = (name: string) => stages.find((stage) => stage.name === name)!;
    for (const name of ['sft', 'srl', 'rlvr']) assert.equal(named(name).status, 'done', name);

    // Each stage starts from the one before it and hands on a model folder.
    const initOf = async (name: string) => (JSON.parse(await readFile(join(named(name).dir, 'train-config.json'), 'utf8')) as { init: string | null }).init;
    assert.equal(await initOf('sft'), null);
    assert.equal(await initOf('srl'), named('sft').outputs.checkpoint!.files.model);
    assert.equal(await initOf('rlvr'), named('srl').outputs.checkpoint!.files.model);
    const model = named('rlvr').outputs.checkpoint!.files.model!;
    for (const file of ['model.safetensors', 'config.json', 'tokenizer.json']) assert.ok(existsSync(join(model, file)), file);

    // Metrics as training went: SFT loss per step; RLVR's reward and groups, or the stall it stopped on.
    const sftMetrics = await jsonLines(join(named('sft').dir, 'metrics.jsonl'));
    assert.deepEqual(sftMetrics.filter((m) => m.loss !== undefined).map((m) => m.step), [1, 2, 3, 4, 5, 6, 7, 8]);
    const rlvrSummary = named('rlvr').summary;
    const rlvrMetrics = await jsonLines(join(named('rlvr').dir, 'metrics.jsonl'));
    if (rlvrSummary.stalled === null) {
      const step = rlvrMetrics.find((m) => m.stage === 'rlvr' && m.loss !== undefined)!;
      assert.ok(Number.isFinite(step.reward_mean) && Number.isFinite(step.reward_std) && (step.groups_kept as number) >= 1);
      assert.ok((step.sampled_tokens as number) > 0);
    } else {
      assert.match(String(rlvrSummary.stalled), /dropped 2 groups in a row/);
    }
    // Every RLVR group was G = 2 real episodes graded by the evaluation stage; the held-out rate was measured.
    const heldout = JSON.parse(await readFile(join(named('rlvr').dir, 'heldout.json'), 'utf8')) as { tasks: number; resolveRate: number; episodes: Array<{ exitStatus: string }> };
    assert.equal(heldout.tasks, 1);
    assert.ok(heldout.resolveRate === 0 || heldout.resolveRate === 1);
    assert.equal(rlvrSummary.heldout_tasks, 1);
    assert.ok(rlvrMetrics.some((m) => m.stage === 'heldout' && typeof m.heldout_resolve_rate === 'number'));
    assert.ok((rlvrSummary.sampled_tokens as number) > 0, 'the policy sampled tokens in its episodes');
    assert.deepEqual(containersOfRun('run-rlvr'), [], 'RLVR left no container');

    // The trained model as `--policy local` in a rollout, graded by `swe-srl eval`.
    const tasksDir = named('tasks').dir;
    const out = join(dir, 'rollout');
    const rollout = await runCli(['rollout', '--policy', 'local', '--model', model, '--instances', join(tasksDir, 'instances.jsonl'), '--repos', join(tasksDir, 'repos'), '--environments', join(tasksDir, 'environments'), '--backend', 'docker', '--max-steps', '2', '-o', out], { timeoutMs: 600_000 });
    assert.equal(rollout.code, 0, rollout.stderr);
    const predictions = await jsonLines(join(out, 'preds.jsonl'));
    assert.equal(predictions.length, 1);
    assert.equal(predictions[0]!.model_name_or_path, `local:${model}`);
    const episodes = await jsonLines(join(out, 'episodes.jsonl'));
    const turns = episodes[0]!.turns as Array<{ logprobs: Array<{ logprob: number }> | null }>;
    assert.ok(turns.length >= 1 && turns.every((turn) => turn.logprobs === null || turn.logprobs.every((entry) => entry.logprob <= 0)));
    const evaluation = await runCli(['eval', '--instances', join(tasksDir, 'instances.jsonl'), '--predictions', join(out, 'preds.jsonl'), '--repos', join(tasksDir, 'repos'), '--environments', join(tasksDir, 'environments'), '--run-id', 'local-policy', '--model-failures', 'unresolved', '--report-dir', dir, '--logs-dir', join(dir, 'logs')], { timeoutMs: 600_000 });
    assert.equal(evaluation.code, 0, evaluation.stderr);
    assert.match(evaluation.stdout, /Total instances: 1\n/);
    assert.match(evaluation.stdout, /Instances with errors: 0\n/, 'the local policy\'s prediction was graded');
    const resolved = Number(/Instances resolved: (\d+)/.exec(evaluation.stdout)![1]);
    const unresolved = Number(/Instances unresolved: (\d+)/.exec(evaluation.stdout)![1]);
    const empty = Number(/Instances with empty patches: (\d+)/.exec(evaluation.stdout)![1]);
    assert.equal(resolved + unresolved + empty, 1);
  }, 'trainer-pipeline');
});
