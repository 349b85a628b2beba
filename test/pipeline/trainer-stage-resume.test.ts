/**
 * A training stage interrupted mid-run resumes from its last checkpoint when the pipeline runs
 * again: the stage fails as interrupted (not done), the rerun reports the step it resumed at, and
 * the finished stage's metrics file holds each step once, as one run.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parsePipeline, PipelineInterruptedError, runPipeline, type PipelineEvent } from '../../src/pipeline/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

const SAMPLE = resolve('trajectories/sample-calculator-mean.traj');

function pipelineText(dir: string): string {
  return [
    `runDir: ${join(dir, 'run')}`,
    'stages:',
    `  - {stage: files, trajectories: ${SAMPLE}}`,
    '  - stage: sft',
    '    inputs: {trajectories: files}',
    '    train: {backend: cpu, model: {preset: tiny, contextLength: 256}, tokenizer: {vocabSize: 320}, data: {validationFraction: 0}, sft: {steps: 6, batchSize: 2, checkpointEvery: 2, evalEvery: 100, warmupSteps: 1}}',
    '',
  ].join('\n');
}

test('an interrupted sft stage resumes from its last checkpoint and its metrics describe one run', { timeout: 600_000 }, async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'p.yaml');
    const controller = new AbortController();
    const labels: string[] = [];
    const onEvent = (event: PipelineEvent): void => {
      if (event.kind === 'progress' && event.stage === 'sft' && event.label !== undefined) {
        labels.push(event.label);
        // Stop during step 4: the checkpoint of step 4 is written as it stops (steps 1–4 done).
        if (event.label.startsWith('step 3:')) controller.abort();
      }
    };
    await assert.rejects(runPipeline(parsePipeline(pipelineText(dir), file), { signal: controller.signal, onEvent }), PipelineInterruptedError);
    const stageDir = join(dir, 'run', 'sft');
    const latest = JSON.parse(await readFile(join(stageDir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
    assert.ok(latest.step >= 3 && latest.step < 6, `a checkpoint mid-run (step ${latest.step})`);
    assert.equal(existsSync(join(stageDir, 'model')), false, 'no final model yet');

    const resumed: string[] = [];
    const { stages } = await runPipeline(parsePipeline(pipelineText(dir), file), {
      onEvent: (event) => {
        if (event.kind === 'progress' && event.stage === 'sft' && event.label !== undefined) resumed.push(event.label);
      },
    });
    assert.ok(resumed.includes(`resumed at step ${latest.step}`), resumed.join(' | '));
    assert.equal(resumed.filter((label) => label.startsWith('step ')).length, 6 - latest.step, 'only the remaining steps run');
    const sft = stages.find((stage) => stage.name === 'sft')!;
    assert.equal(sft.status, 'done');
    assert.equal(sft.summary.steps, 6);
    assert.ok(existsSync(join(sft.outputs.checkpoint!.files.model!, 'model.safetensors')));
    const steps = (await readFile(join(stageDir, 'metrics.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { step: number; loss?: number })
      .filter((record) => record.loss !== undefined)
      .map((record) => record.step);
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6]);
  }, 'trainer-resume');
});
