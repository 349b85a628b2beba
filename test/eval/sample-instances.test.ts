import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_INSTANCES_DIR } from '../../src/eval/sample-instances.js';
import { loadInstances } from '../../src/eval/instances.js';
import { loadPredictions } from '../../src/eval/predictions.js';
import { loadEnvironmentSpecs, findEnvironmentSpec } from '../../src/sandbox/images/environment-spec.js';
import { buildSampleRepository, loadSamples } from '../../src/sandbox/repos/sample-repos.js';
import { removeTree } from '../helpers/temp-dir.js';

let workDir: string;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'swe-srl-samples-'));
});

after(async () => {
  await removeTree(workDir);
});

test('the shipped sample instances name the commits their files make, and each has an environment and a wrong patch', async () => {
  const instances = await loadInstances(join(SAMPLE_INSTANCES_DIR, 'instances.jsonl'));
  assert.ok(instances.length >= 3);
  const commits = new Map<string, string>();
  for (const sample of await loadSamples(SAMPLE_INSTANCES_DIR)) {
    commits.set(sample.repo, (await buildSampleRepository(sample, join(workDir, 'repos'))).commit);
  }
  const environments = await loadEnvironmentSpecs(join(SAMPLE_INSTANCES_DIR, 'environments'));
  const { predictions } = await loadPredictions(join(SAMPLE_INSTANCES_DIR, 'predictions-wrong.jsonl'));
  for (const instance of instances) {
    assert.equal(commits.get(instance.repo), instance.base_commit, `${instance.instance_id}: regenerate its patches against the new sample commit`);
    assert.doesNotThrow(() => findEnvironmentSpec(environments, instance.repo, instance.version));
    const wrong = predictions.find((prediction) => prediction.instance_id === instance.instance_id);
    assert.ok(wrong && wrong.model_patch && wrong.model_patch !== instance.patch, `${instance.instance_id} has a wrong patch`);
  }
  // Both runners the samples exercise are there.
  assert.deepEqual([...new Set(environments.map((spec) => spec.defaults.log_parser))].sort(), ['pytest', 'unittest']);
});
