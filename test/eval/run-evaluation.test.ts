import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEvaluation, type RunEvaluationOptions } from '../../src/eval/run-evaluation.js';
import { InputError } from '../../src/errors.js';
import { summarizeRun } from '../../src/eval/summary.js';
import { MODEL_PATCH_MAX_BYTES } from '../../src/eval/read-back-limits.js';
import { parseEnvironmentSpec } from '../../src/sandbox/images/environment-spec.js';
import type { Instance } from '../../src/eval/instances.js';
import type { Prediction } from '../../src/eval/predictions.js';
import { createClampProject, type Candidate, type ClampProject } from './helpers/clamp-project.js';
import { HostCloneProvider } from './helpers/host-provider.js';
import { removeTree } from '../helpers/temp-dir.js';

let clamp: ClampProject;
let workDir: string;

const environments = [
  parseEnvironmentSpec(
    'name: clamp-unittest\nrepo: swe-srl/clamp-unittest\ntest_cmd: python3 -m unittest -v\nlog_parser: unittest\ntimeout: 30\n',
    'clamp-unittest.yaml',
  ),
];

before(async () => {
  clamp = await createClampProject('unittest');
  workDir = await mkdtemp(join(tmpdir(), 'swe-srl-run-'));
});

after(async () => {
  await removeTree(clamp.repository.path);
  await removeTree(workDir);
});

/** One instance per candidate patch, all on the same repository. */
function instancesFor(candidates: readonly Candidate[]): Instance[] {
  return candidates.map((candidate) => ({ ...clamp.instance, instance_id: `clamp-${candidate}` }));
}

function predictionsFor(candidates: readonly Candidate[], model = 'acme/model-1'): Prediction[] {
  return candidates.map((candidate) => ({ instance_id: `clamp-${candidate}`, model_name_or_path: model, model_patch: clamp.patches[candidate] }));
}

function options(runId: string, overrides: Partial<RunEvaluationOptions>): RunEvaluationOptions {
  return {
    instances: [],
    predictions: [],
    environments,
    provider: new HostCloneProvider({ [clamp.instance.repo]: clamp.repository.path }),
    runId,
    logsDir: join(workDir, 'logs'),
    reportDir: join(workDir, 'reports'),
    maxWorkers: 2,
    progress: null,
    ...overrides,
  };
}

async function readJson(path: string): Promise<any> {
  return JSON.parse(await readFile(path, 'utf8'));
}

test('each prediction gets its true status, in SWE-bench report shapes and layout', async () => {
  const candidates = ['gold', 'wrong', 'doesNotApply', 'forgesAndExits'] as const;
  const instances = [...instancesFor(candidates), { ...clamp.instance, instance_id: 'clamp-empty' }, { ...clamp.instance, instance_id: 'clamp-unsubmitted' }];
  const predictions = [
    ...predictionsFor(candidates),
    { instance_id: 'clamp-empty', model_name_or_path: 'acme/model-1', model_patch: '' },
    { instance_id: 'not-in-the-dataset', model_name_or_path: 'acme/model-1', model_patch: clamp.patches.gold },
  ];
  const provider = new HostCloneProvider({ [clamp.instance.repo]: clamp.repository.path });
  const result = await runEvaluation(options('statuses', { instances, predictions, provider }));

  assert.equal(result.summaryPath, join(workDir, 'reports', 'acme__model-1.statuses.json'));
  const summary = await readJson(result.summaryPath);
  assert.deepEqual(summary, result.summary);
  assert.equal(summary.total_instances, 6);
  assert.equal(summary.submitted_instances, 6);
  assert.equal(summary.completed_instances, 3);
  assert.deepEqual(summary.resolved_ids, ['clamp-gold']);
  assert.deepEqual(summary.unresolved_ids, ['clamp-forgesAndExits', 'clamp-wrong']);
  assert.deepEqual(summary.empty_patch_ids, ['clamp-empty']);
  assert.deepEqual(summary.incomplete_ids, ['clamp-unsubmitted']);
  // SWE-bench v5: a patch that does not apply leaves no report and counts as an error.
  assert.deepEqual(summary.error_ids, ['clamp-doesNotApply']);
  assert.deepEqual(summary.infra_failure_ids, []);
  assert.deepEqual(summary.unknown_instance_ids, ['not-in-the-dataset']);
  assert.deepEqual(summary.patch_apply_failed_ids, ['clamp-doesNotApply']);
  assert.equal(summary.schema_version, 2);
  assert.equal(provider.opened, 4, 'one sandbox per non-empty prediction, none for the unknown one');
  assert.ok(provider.sandboxes.every((sandbox) => sandbox.closed));

  const instanceDir = join(workDir, 'logs', 'statuses', 'acme__model-1', 'clamp-gold');
  assert.deepEqual((await readdir(instanceDir)).sort(), ['patch.diff', 'report.json', 'run_instance.log', 'runner_report', 'test_output.txt', 'test_run.json']);
  assert.equal(await readFile(join(instanceDir, 'patch.diff'), 'utf8'), clamp.patches.gold);
  const goldReport = (await readJson(join(instanceDir, 'report.json')))['clamp-gold'];
  assert.equal(goldReport.resolved, true);
  assert.equal(goldReport.patch_successfully_applied, true);
  assert.equal(goldReport.infra_failure, false);
  assert.deepEqual(goldReport.tests_status.FAIL_TO_PASS, { success: clamp.instance.FAIL_TO_PASS, failure: [] });
  assert.deepEqual(Object.keys(goldReport.tests_status), ['FAIL_TO_PASS', 'PASS_TO_PASS', 'FAIL_TO_FAIL', 'PASS_TO_FAIL']);

  const notAppliedDir = join(workDir, 'logs', 'statuses', 'acme__model-1', 'clamp-doesNotApply');
  assert.ok(!existsSync(join(notAppliedDir, 'report.json')));
  assert.match(await readFile(join(notAppliedDir, 'run_instance.log'), 'utf8'), />>>>> Patch Apply Failed/);

  const empty = (await readJson(join(workDir, 'logs', 'statuses', 'acme__model-1', 'clamp-empty', 'report.json')))['clamp-empty'];
  assert.equal(empty.patch_exists, false);
  assert.equal(empty.swe_srl.outcome, 'empty_patch');

  const forged = (await readJson(join(workDir, 'logs', 'statuses', 'acme__model-1', 'clamp-forgesAndExits', 'report.json')))['clamp-forgesAndExits'];
  assert.equal(forged.resolved, false);
  assert.equal(forged.patch_successfully_applied, false, 'as SWE-bench says of a log without results it can grade');
  assert.equal(forged.tests_status, undefined);
  assert.ok(forged.swe_srl.integrity_issues.some((issue: string) => /report is missing/.test(issue)));
  assert.match(await readFile(join(workDir, 'logs', 'statuses', 'acme__model-1', 'clamp-forgesAndExits', 'test_output.txt'), 'utf8'), /^OK$/m);
});

test("with modelFailures 'unresolved', a patch that does not apply is completed and unresolved, with a report", async () => {
  const result = await runEvaluation(options('model-failures', { instances: instancesFor(['doesNotApply']), predictions: predictionsFor(['doesNotApply']), modelFailures: 'unresolved' }));
  assert.deepEqual(result.summary.unresolved_ids, ['clamp-doesNotApply']);
  assert.deepEqual(result.summary.patch_apply_failed_ids, ['clamp-doesNotApply']);
  const report = (await readJson(join(workDir, 'logs', 'model-failures', 'acme__model-1', 'clamp-doesNotApply', 'report.json')))['clamp-doesNotApply'];
  assert.deepEqual({ applied: report.patch_successfully_applied, resolved: report.resolved }, { applied: false, resolved: false });
  assert.match(report.swe_srl.patch_apply_failure, /failed/);
});

test('a patch larger than the read-back limit is unresolved with the reason, and no sandbox is opened to apply it', async () => {
  // The gold fix plus a 33 MiB new file: it would apply and resolve if it were taken in.
  const padding = `${'x'.repeat(1023)}\n`.repeat(33 * 1024);
  const lines = padding.split('\n').length - 1;
  const huge = `${clamp.patches.gold}diff --git a/padding.txt b/padding.txt\nnew file mode 100644\n--- /dev/null\n+++ b/padding.txt\n@@ -0,0 +1,${lines} @@\n${padding.replace(/^/gm, '+').replace(/\+$/, '')}`;
  assert.ok(Buffer.byteLength(huge) > MODEL_PATCH_MAX_BYTES);
  const provider = new HostCloneProvider({ [clamp.instance.repo]: clamp.repository.path });
  const result = await runEvaluation(
    options('oversized', { instances: instancesFor(['gold']), predictions: [{ instance_id: 'clamp-gold', model_name_or_path: 'acme/model-1', model_patch: huge }], provider }),
  );
  assert.deepEqual(result.summary.unresolved_ids, ['clamp-gold']);
  assert.equal(provider.opened, 0);
  const report = (await readJson(join(workDir, 'logs', 'oversized', 'acme__model-1', 'clamp-gold', 'report.json')))['clamp-gold'];
  assert.deepEqual({ applied: report.patch_successfully_applied, resolved: report.resolved }, { applied: false, resolved: false });
  assert.match(report.swe_srl.patch_apply_failure, new RegExp(`larger than the limit of ${MODEL_PATCH_MAX_BYTES} bytes`));
});

test('a second run with the same id evaluates nothing again, unless asked to', async () => {
  const candidates = ['gold', 'wrong'] as const;
  const first = await runEvaluation(options('resume', { instances: instancesFor(candidates), predictions: predictionsFor(candidates) }));
  assert.equal(first.results.length, 2);

  const provider = new HostCloneProvider({ [clamp.instance.repo]: clamp.repository.path });
  const second = await runEvaluation(options('resume', { instances: instancesFor(candidates), predictions: predictionsFor(candidates), provider }));
  assert.deepEqual(second.results, []);
  assert.deepEqual(second.resumedIds.sort(), ['clamp-gold', 'clamp-wrong']);
  assert.equal(provider.opened, 0);
  assert.deepEqual(second.summary, first.summary);

  const forced = await runEvaluation(options('resume', { instances: instancesFor(candidates), predictions: predictionsFor(candidates), provider, rerun: true }));
  assert.equal(forced.results.length, 2);
  assert.equal(provider.opened, 2);
});

test('an instance the harness cannot run is an error with its reason logged, and the run goes on', async () => {
  const instances = [...instancesFor(['gold']), { ...clamp.instance, instance_id: 'clamp-unknown-repo', repo: 'nobody/nothing' }];
  const predictions = [
    ...predictionsFor(['gold']),
    { instance_id: 'clamp-unknown-repo', model_name_or_path: 'acme/model-1', model_patch: clamp.patches.gold },
  ];
  const result = await runEvaluation(options('errors', { instances, predictions }));
  assert.deepEqual(result.summary.error_ids, ['clamp-unknown-repo']);
  assert.deepEqual(result.summary.resolved_ids, ['clamp-gold']);
  const dir = join(workDir, 'logs', 'errors', 'acme__model-1', 'clamp-unknown-repo');
  assert.ok(!existsSync(join(dir, 'report.json')), 'an error leaves no report, so a later run retries it');
  assert.match(await readFile(join(dir, 'run_instance.log'), 'utf8'), /no environment spec for repository nobody\/nothing/);
  assert.equal(result.results.find((r) => r.instanceId === 'clamp-unknown-repo')!.status, 'error');
});

test('--gold checks that FAIL_TO_PASS tests fail before the gold patch and pass after it', async () => {
  const valid = { ...clamp.instance, instance_id: 'clamp-valid' };
  // test_add passes before any patch: listing it as FAIL_TO_PASS makes the instance invalid.
  const invalid = { ...clamp.instance, instance_id: 'clamp-invalid', FAIL_TO_PASS: [...clamp.instance.FAIL_TO_PASS, 'tests.test_mathlib.MathTest.test_add'] };
  const result = await runEvaluation(options('gold', { instances: [valid, invalid], predictions: 'gold' }));
  assert.equal(result.summaryPath, join(workDir, 'reports', 'gold.gold.json'));
  assert.deepEqual(result.summary.gold_invalid_ids, ['clamp-invalid']);
  assert.deepEqual(result.summary.resolved_ids, ['clamp-invalid', 'clamp-valid']);
  const report = (await readJson(join(workDir, 'logs', 'gold', 'gold', 'clamp-invalid', 'report.json')))['clamp-invalid'];
  assert.deepEqual(report.swe_srl.gold_validation.fail_to_pass_passed_before, ['tests.test_mathlib.MathTest.test_add']);
  assert.ok(existsSync(join(workDir, 'logs', 'gold', 'gold', 'clamp-valid', 'test_output_before_patch.txt')));
});

test('--gold does not pass an instance without a gold patch or without FAIL_TO_PASS tests', async () => {
  const valid = { ...clamp.instance, instance_id: 'clamp-valid' };
  const noPatch = { ...clamp.instance, instance_id: 'clamp-no-patch', patch: '' };
  const noFailToPass = { ...clamp.instance, instance_id: 'clamp-no-f2p', FAIL_TO_PASS: [] };
  const result = await runEvaluation(options('gold-missing', { instances: [valid, noPatch, noFailToPass], predictions: 'gold' }));
  assert.deepEqual(result.summary.gold_invalid_ids, ['clamp-no-f2p', 'clamp-no-patch']);
  assert.deepEqual(result.summary.empty_patch_ids, ['clamp-no-patch']);
  assert.deepEqual(result.summary.resolved_ids, ['clamp-no-f2p', 'clamp-valid']);
});

test('a logs or report folder that cannot be made is refused up front, naming the field and the folder', async () => {
  const file = join(workDir, 'not-a-folder');
  await writeFile(file, '');
  const run = (overrides: Partial<RunEvaluationOptions>) =>
    runEvaluation(options('unwritable', { instances: instancesFor(['gold']), predictions: predictionsFor(['gold']), ...overrides }));
  await assert.rejects(run({ logsDir: join(file, 'logs') }), (error: Error) => {
    assert.ok(error instanceof InputError, error.name);
    assert.match(error.message, /^logsDir: cannot create the folder .*not-a-folder.*ENOTDIR/);
    return true;
  });
  await assert.rejects(run({ reportDir: join(file, 'reports') }), /^FieldError: reportDir: cannot create the folder .*not-a-folder/);
  assert.equal(existsSync(join(workDir, 'logs', 'unwritable')), false, 'nothing was evaluated');
});

test('a broken report.json counts as an error in the summary and is evaluated again on resume', async () => {
  const candidates = ['gold', 'half'] as const;
  const base = options('broken-report', { instances: instancesFor(candidates), predictions: predictionsFor(candidates) });
  await runEvaluation(base);
  const reportPath = join(workDir, 'logs', 'broken-report', 'acme__model-1', 'clamp-half', 'report.json');
  await writeFile(reportPath, '{"clamp-half": {"resolved": tru');
  const summary = await summarizeRun({ layout: { logsDir: join(workDir, 'logs'), runId: 'broken-report', reportDir: '.' }, instances: base.instances, predictions: base.predictions as Prediction[], gold: false });
  assert.deepEqual(summary.error_ids, ['clamp-half']);
  // v5 counts an instance whose report file exists as completed, even when it cannot be read.
  assert.equal(summary.completed_instances, 2);

  const provider = new HostCloneProvider({ [clamp.instance.repo]: clamp.repository.path });
  const resumed = await runEvaluation({ ...base, provider });
  assert.deepEqual(resumed.results.map((r) => r.instanceId), ['clamp-half']);
  assert.deepEqual(resumed.summary.unresolved_ids, ['clamp-half']);
  assert.deepEqual(resumed.summary.error_ids, []);
});
