/**
 * The math setting through the pipeline on a 2-problem setting: math-tasks (train and held-out
 * splits) → math-steps (step and whole-solution rows) → sft → math-rlvr, each trainer stage's
 * handed-on model answering the held-out problems through the local policy (greedy and k samples)
 * graded as eval-math grades, the figures in its summary and metrics.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { registerMathCommand } from '../../src/cli/math.js';
import { gradeMathPredictions } from '../../src/math/index.js';
import { parsePipeline, runPipeline } from '../../src/pipeline/index.js';
import { runInProcess } from '../helpers/cli.js';
import { readJsonlFile } from '../helpers/jsonl-files.js';
import { withTempDir } from '../helpers/temp-dir.js';

const TRAIN = '{model: {preset: tiny, contextLength: 256}, tokenizer: {vocabSize: 300}, data: {validationFraction: 0}';

function pipelineText(dir: string): string {
  return [
    `runDir: ${join(dir, 'run')}`,
    'stages:',
    '  - {stage: math-tasks, name: problems, seed: 3, count: 2, tiers: [easy], kinds: [modular]}',
    '  - {stage: math-tasks, name: heldout, seed: 3, count: 1, tiers: [easy], kinds: [modular], split: held-out}',
    '  - {stage: math-steps, name: rows, rows: both, inputs: {problems: problems}}',
    '  - {stage: math-steps, name: solutions, rows: solutions, inputs: {problems: problems}}',
    '  - stage: sft',
    '    inputs: {steps: rows, heldoutProblems: heldout}',
    '    heldoutMath: {samples: 2, maxNewTokens: 12}',
    `    train: ${TRAIN}, sft: {steps: 3, batchSize: 2, checkpointEvery: 100, evalEvery: 100, warmupSteps: 1}}`,
    '  - stage: math-rlvr',
    '    inputs: {steps: solutions, init: sft, heldoutProblems: heldout}',
    '    heldoutMath: {samples: 2, maxNewTokens: 12}',
    `    train: ${TRAIN}, rlvr: {steps: 1, groupSize: 2, batchSize: 1, maxNewTokens: 12, maxDroppedGroups: 2, onStall: stop, checkpointEvery: 100, evalEvery: 100}}`,
    '',
  ].join('\n');
}

test('math problems, rows, SFT and math RLVR chain in a pipeline, each trainer measured on held-out problems', { timeout: 300_000 }, async (t) => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'p.yaml');
    const { stages } = await runPipeline(parsePipeline(pipelineText(dir), file));
    const byName = new Map(stages.map((stage) => [stage.name, stage]));
    for (const stage of stages) assert.equal(stage.status, 'done', stage.name);

    const problems = await readJsonlFile(byName.get('problems')!.outputs.problems!.files.problems!);
    const heldout = await readJsonlFile(byName.get('heldout')!.outputs.problems!.files.problems!);
    assert.equal(problems.length, 2);
    assert.equal(heldout.length, 1);
    assert.ok(!problems.some((p) => p.problem === heldout[0]!.problem), 'the splits share no problem');

    const rows = await readJsonlFile(byName.get('rows')!.outputs.steps!.files.steps!);
    const solutionRows = rows.filter((row) => row.target_kind === 'solution');
    assert.equal(solutionRows.length, 2, 'one whole-solution row per problem');
    assert.equal(rows.length - 2, byName.get('problems')!.summary.step_instances, 'and N − 1 step rows per problem');
    assert.equal(solutionRows[0]!.target, problems[0]!.solution);
    assert.equal((solutionRows[0]!.messages as Array<{ content: string }>)[1]!.content, problems[0]!.problem);

    for (const name of ['sft', 'math-rlvr']) {
      const stage = byName.get(name)!;
      const summary = stage.summary;
      assert.equal(summary.heldout_math_problems, 1, name);
      assert.equal(summary.heldout_math_k, 2);
      for (const field of ['heldout_math_greedy_accuracy', 'heldout_math_avg_at_k', 'heldout_math_greedy_format_ok']) {
        assert.ok(typeof summary[field] === 'number' && (summary[field] as number) >= 0 && (summary[field] as number) <= 1, `${name}: ${field}`);
      }
      const greedy = await readJsonlFile(join(stage.dir, 'heldout-math', 'greedy.jsonl'));
      const sampled = await readJsonlFile(join(stage.dir, 'heldout-math', 'sampled.jsonl'));
      assert.deepEqual([greedy.length, sampled.length], [1, 2], 'one greedy answer and k samples per held-out problem');
      const graded = await readJsonlFile(join(stage.dir, 'heldout-math', 'greedy.graded.jsonl'));
      assert.equal(summary.heldout_math_greedy_accuracy, graded[0]!.correct ? 1 : 0, 'the accuracy is the eval-math grade');
      const metrics = (await readFile(join(stage.dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.ok(metrics.some((m) => m.stage === 'heldout' && m.heldout_math_avg_at_k === summary.heldout_math_avg_at_k), `${name}: the metrics line`);
    }
    const rlvr = byName.get('math-rlvr')!;
    const trainConfig = JSON.parse(await readFile(join(rlvr.dir, 'train-config.json'), 'utf8')) as { stage: string; init: string };
    assert.equal(trainConfig.stage, 'rlvr');
    assert.equal(trainConfig.init, byName.get('sft')!.outputs.checkpoint!.files.model, 'math RLVR starts from the SFT checkpoint');

    // The trained model answers through `math sample --policy local`, and eval-math grades the file.
    const predictions = join(dir, 'preds.jsonl');
    const heldoutFile = byName.get('heldout')!.outputs.problems!.files.problems!;
    const model = rlvr.outputs.checkpoint!.files.model!;
    const messages = await runInProcess(t, [registerMathCommand], ['math', 'sample', '--policy', 'local', '--model', model, '--problems', heldoutFile, '--samples', '3', '--max-tokens', '8', '--seed', '5', '-o', predictions]);
    assert.ok(messages.some((m) => m.includes('sampled 3 answers for 1 problems')), messages.join('\n'));
    const lines = await readJsonlFile(predictions);
    assert.deepEqual(lines.map((line) => [line.id, line.sample, line.model]), [0, 1, 2].map((i) => [heldout[0]!.id, i, `local:${model}`]));
    const summary = await gradeMathPredictions({ problems: heldoutFile, predictions });
    assert.equal(summary.datasets[heldout[0]!.dataset as string]!.k, 3);
  }, 'math-pipeline');
});
