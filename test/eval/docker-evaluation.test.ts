import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DockerInstanceProvider } from '../../src/eval/docker-provider.js';
import { runEvaluation } from '../../src/eval/run-evaluation.js';
import { loadEnvironmentSpecs } from '../../src/sandbox/images/environment-spec.js';
import type { Instance } from '../../src/eval/instances.js';
import type { Prediction } from '../../src/eval/predictions.js';
import type { Candidate, Flavour } from './helpers/clamp-project.js';
import { containersOfRun, dockerFixtureForFile } from './helpers/docker-fixture.js';

const { skip, fixture } = await dockerFixtureForFile();

function entry(flavour: Flavour, candidate: Candidate | 'empty' | 'unknown'): { instance: Instance; prediction: Prediction } {
  const project = fixture().projects[flavour];
  const id = `docker-${flavour}-${candidate}`;
  const patch = candidate === 'empty' ? '' : candidate === 'unknown' ? project.patches.gold : project.patches[candidate];
  return {
    instance: { ...project.instance, instance_id: id },
    prediction: { instance_id: candidate === 'unknown' ? `${id}-not-in-dataset` : id, model_name_or_path: 'docker-test', model_patch: patch },
  };
}

test('in Docker, every kind of prediction gets its true status and no container stays behind', { skip, timeout: 300_000 }, async () => {
  const entries = [
    entry('pytest', 'gold'),
    entry('pytest', 'wrong'),
    entry('pytest', 'doesNotApply'),
    entry('pytest', 'empty'),
    entry('pytest', 'unknown'),
    entry('pytest', 'hangs'),
    entry('pytest', 'forgesAtExit'),
    entry('pytest', 'forgesAndExits'),
    entry('pytest', 'fixesAndPrintsBinary'),
    entry('unittest', 'gold'),
    entry('unittest', 'forgesAndExits'),
  ];
  const runId = `eval-docker-${process.pid}`;
  const result = await runEvaluation({
    instances: entries.filter((e) => !e.prediction.instance_id.endsWith('-not-in-dataset')).map((e) => e.instance),
    predictions: entries.map((e) => e.prediction),
    environments: await loadEnvironmentSpecs(fixture().environmentsDir),
    provider: new DockerInstanceProvider({ runId, reposDir: fixture().reposDir }),
    runId,
    logsDir: join(fixture().root, 'logs'),
    reportDir: join(fixture().root, 'reports'),
    maxWorkers: 2,
    timeoutSeconds: 8,
    progress: null,
  });
  const summary = result.summary;
  assert.deepEqual(summary.resolved_ids, ['docker-pytest-fixesAndPrintsBinary', 'docker-pytest-gold', 'docker-unittest-gold']);
  assert.deepEqual(summary.unresolved_ids, [
    'docker-pytest-forgesAndExits',
    'docker-pytest-forgesAtExit',
    'docker-pytest-wrong',
    'docker-unittest-forgesAndExits',
  ]);
  assert.deepEqual(summary.empty_patch_ids, ['docker-pytest-empty']);
  assert.deepEqual(summary.incomplete_ids, []);
  assert.deepEqual(summary.unknown_instance_ids, ['docker-pytest-unknown-not-in-dataset']);
  assert.deepEqual(summary.patch_apply_failed_ids, ['docker-pytest-doesNotApply']);
  assert.deepEqual(summary.timed_out_ids, ['docker-pytest-hangs']);
  // As in SWE-bench, a patch that does not apply and tests past their limit leave no report: errors.
  assert.deepEqual(summary.error_ids, ['docker-pytest-doesNotApply', 'docker-pytest-hangs'], JSON.stringify(result.results.filter((r) => r.status === 'error')));
  assert.deepEqual(summary.ambiguous_failure_ids, ['docker-pytest-hangs']);
  assert.equal(summary.failure_reasons['docker-pytest-hangs'], 'tests_timed_out');
  assert.deepEqual(summary.unstopped_containers, []);

  const instanceDir = (id: string) => join(fixture().root, 'logs', runId, 'docker-test', id);
  // SWE-bench's markers and exit-code line, so its get_eval_report reads the log.
  const gold = await readFile(join(instanceDir('docker-pytest-gold'), 'test_output.txt'), 'utf8');
  assert.match(gold, /^>>>>> Start Test Output\n[\s\S]*\n>>>>> End Test Output\n>>>>> Test Exit Code: 0\n$/);
  const hung = await readFile(join(instanceDir('docker-pytest-hangs'), 'test_output.txt'), 'utf8');
  assert.match(hung, /Timeout error: 8 seconds exceeded\./);
  // The forged log really claims every test passed; the grade does not believe it.
  const forged = await readFile(join(instanceDir('docker-pytest-forgesAndExits'), 'test_output.txt'), 'utf8');
  assert.match(forged, /^PASSED tests\/test_mathlib\.py::test_clamp_high$/m);
  assert.match(forged, /5 passed/);
  const report = JSON.parse(await readFile(join(instanceDir('docker-pytest-forgesAndExits'), 'report.json'), 'utf8'));
  assert.equal(report['docker-pytest-forgesAndExits'].swe_srl.test_exit_code, 0);
  // Bytes that are not UTF-8 reached the log and did not stop the grading.
  const binary = await readFile(join(instanceDir('docker-pytest-fixesAndPrintsBinary'), 'test_output.txt'), 'utf8');
  assert.match(binary, /\uFFFD+\s*not utf-8/);

  assert.deepEqual(containersOfRun(runId), [], 'no container of this run is left');
});

test('in Docker, eval with a warm pool starts the next instances\' sandboxes ahead, gives the same verdicts, and leaves no container', { skip, timeout: 300_000 }, async () => {
  const entries = [entry('pytest', 'gold'), entry('pytest', 'wrong'), entry('unittest', 'gold'), entry('pytest', 'empty')];
  const runId = `eval-pool-${process.pid}`;
  const provider = new DockerInstanceProvider({ runId, reposDir: fixture().reposDir, poolSize: 2 });
  const result = await runEvaluation({
    instances: entries.map((e) => e.instance),
    predictions: entries.map((e) => e.prediction),
    environments: await loadEnvironmentSpecs(fixture().environmentsDir),
    provider,
    runId,
    logsDir: join(fixture().root, 'logs'),
    reportDir: join(fixture().root, 'reports'),
    maxWorkers: 1,
    timeoutSeconds: 30,
    progress: null,
  });
  assert.deepEqual(result.summary.resolved_ids, ['docker-pytest-gold', 'docker-unittest-gold']);
  assert.deepEqual(result.summary.unresolved_ids, ['docker-pytest-wrong']);
  assert.deepEqual(result.summary.empty_patch_ids, ['docker-pytest-empty']);
  // One worker and three sandboxes: every one after the first was started while another ran.
  assert.equal(provider.opens.warm + provider.opens.cold, 3);
  assert.ok(provider.opens.warm >= 2, `warm opens: ${JSON.stringify(provider.opens)}`);
  assert.deepEqual(result.summary.unstopped_containers, []);
  assert.deepEqual(containersOfRun(runId), [], 'no container of this run is left, pre-started ones included');
});
