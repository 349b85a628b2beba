/**
 * The evaluate stage on the shipped sample instances, in Docker and on the local bubblewrap
 * backend: every gold patch resolves and validates, every wrong patch does not, with counts per
 * tier in the summary; a rerun skips the stage and leaves no container behind.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SAMPLE_INSTANCES_DIR } from '../../src/eval/sample-instances.js';
import { parsePipeline, runPipeline, type EvaluationSummary } from '../../src/pipeline/index.js';
import { findBubblewrap } from '../../src/sandbox/index.js';
import { buildSampleRepositories } from '../../src/sandbox/repos/sample-repos.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { containersOfRun } from '../eval/helpers/docker-fixture.js';

function samplePipeline(dir: string, backend: string): string {
  return [
    `runDir: ${join(dir, 'run')}`,
    `sandbox: {backend: ${backend}, maxWorkers: 2}`,
    'stages:',
    '  - stage: files',
    '    name: samples',
    `    tasks: {instances: ${join(SAMPLE_INSTANCES_DIR, 'instances.jsonl')}, repos: ${join(dir, 'repos')}, environments: ${join(SAMPLE_INSTANCES_DIR, 'environments')}}`,
    `    predictions: ${join(SAMPLE_INSTANCES_DIR, 'predictions-wrong.jsonl')}`,
    '  - stage: evaluate',
    '    name: gold',
    '    gold: true',
    '  - stage: evaluate',
    '    name: wrong',
    '    inputs: {predictions: samples}',
    '',
  ].join('\n');
}

async function checkSampleVerdicts(dir: string, backend: string): Promise<void> {
  await buildSampleRepositories(SAMPLE_INSTANCES_DIR, join(dir, 'repos'));
  const text = samplePipeline(dir, backend);
  const { stages } = await runPipeline(parsePipeline(text, join(dir, 'p.yaml')));
  const gold = stages.find((stage) => stage.name === 'gold')!.summary as unknown as EvaluationSummary;
  const wrong = stages.find((stage) => stage.name === 'wrong')!.summary as unknown as EvaluationSummary;
  assert.deepEqual([gold.total, gold.resolved, gold.error, gold.gold_invalid], [3, 3, 0, 0]);
  assert.equal(gold.resolve_rate, 1);
  assert.deepEqual(gold.by_tier, { all: { total: 3, resolved: 3, rate: 1 } });
  assert.deepEqual([wrong.total, wrong.resolved, wrong.unresolved, wrong.error], [3, 0, 3, 0]);
  assert.equal(wrong.model, 'sample-wrong');
  for (const stage of stages.filter((view) => view.type === 'evaluate')) assert.equal(stage.backend, backend);

  const again = await runPipeline(parsePipeline(text, join(dir, 'p.yaml')));
  assert.deepEqual(again.stages.map((stage) => stage.durationMs), stages.map((stage) => stage.durationMs), 'a rerun skips every stage');
}

test('in Docker, the evaluate stage resolves every gold patch and no wrong one', { skip: await skipUnlessDocker(), timeout: 300_000 }, async () => {
  await baseImageForTests();
  await withTempDir(async (dir) => {
    await checkSampleVerdicts(dir, 'docker');
    assert.deepEqual([...containersOfRun('pipeline-gold'), ...containersOfRun('pipeline-wrong')], []);
  }, 'evaluate-docker');
});

test('on the local bubblewrap backend, the evaluate stage gives the same verdicts', { skip: findBubblewrap() ? false : 'bubblewrap is not installed', timeout: 300_000 }, async () => {
  await withTempDir((dir) => checkSampleVerdicts(dir, 'local'), 'evaluate-local');
});
