import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatResolveTable, runSampleEvaluation, SAMPLE_INSTANCES_DIR } from '../../src/eval/sample-evaluation.js';
import { loadInstances } from '../../src/eval/instances.js';
import { loadPredictions } from '../../src/eval/predictions.js';
import { loadEnvironmentSpecs, findEnvironmentSpec } from '../../src/sandbox/images/environment-spec.js';
import { buildSampleRepository, loadSamples } from '../../src/sandbox/repos/sample-repos.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { containersOfRun } from './helpers/docker-fixture.js';
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

test('the resolve table lines up its columns and counts resolutions', () => {
  const lines = formatResolveTable([
    { instanceId: 'a-long-instance-id', gold: 'resolved', goldValidated: true, wrong: 'unresolved' },
    { instanceId: 'b', gold: 'resolved', goldValidated: false, wrong: 'resolved' },
  ]);
  assert.equal(lines[0], 'instance            gold patch                wrong patch');
  assert.equal(lines[2], 'a-long-instance-id  resolved (validated)      unresolved');
  assert.equal(lines[3], 'b                   resolved (NOT validated)  resolved');
  assert.equal(lines[4], 'resolved: gold 2/2, wrong 1/2');
});

test('in Docker, every sample gold patch resolves (validated) and every wrong patch does not', { skip: await skipUnlessDocker(), timeout: 300_000 }, async () => {
  await baseImageForTests();
  const printed: string[] = [];
  const prefix = `sample-test-${process.pid}`;
  const result = await runSampleEvaluation({ workDir, runIdPrefix: prefix, print: (line) => printed.push(line), progress: null });
  assert.equal(result.asExpected, true, printed.join('\n'));
  assert.ok(result.rows.every((row) => row.gold === 'resolved' && row.goldValidated && row.wrong === 'unresolved'));
  assert.ok(printed.some((line) => /^resolved: gold 3\/3, wrong 0\/3$/.test(line)), printed.join('\n'));
  assert.deepEqual([...containersOfRun(`${prefix}-gold`), ...containersOfRun(`${prefix}-wrong`)], []);
});
