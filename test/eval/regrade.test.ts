/**
 * `eval --regrade`: a run's logs carry SWE-bench's markers and exit-code line, and grading them
 * again, with nothing run, gives every instance the verdict it had.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { regradeRun } from '../../src/eval/regrade.js';
import { runEvaluation } from '../../src/eval/run-evaluation.js';
import { parseEnvironmentSpec } from '../../src/sandbox/images/environment-spec.js';
import type { Instance } from '../../src/eval/instances.js';
import type { Prediction } from '../../src/eval/predictions.js';
import { createClampProject, type Candidate, type ClampProject } from './helpers/clamp-project.js';
import { HostCloneProvider } from './helpers/host-provider.js';
import { removeTree } from '../helpers/temp-dir.js';

let clamp: ClampProject;
let workDir: string;
const candidates: Candidate[] = ['gold', 'wrong', 'half', 'forgesAtExit', 'forgesAndExits', 'fixesAndPrintsBinary', 'doesNotApply'];
let instances: Instance[];
let predictions: Prediction[];

const environments = [
  parseEnvironmentSpec(
    'name: clamp-pytest\nrepo: swe-srl/clamp-pytest\ntest_cmd: python3 -m pytest -rA -p no:cacheprovider\nlog_parser: pytest\ntimeout: 30\npre_test: ["echo pre-test step ran"]\n',
    'clamp-pytest.yaml',
  ),
];

before(async () => {
  clamp = await createClampProject('pytest');
  workDir = await mkdtemp(join(tmpdir(), 'swe-srl-regrade-'));
  instances = candidates.map((candidate) => ({ ...clamp.instance, instance_id: `clamp-${candidate}` }));
  predictions = candidates.map((candidate) => ({ instance_id: `clamp-${candidate}`, model_name_or_path: 'acme', model_patch: clamp.patches[candidate] }));
});

after(async () => {
  await removeTree(clamp.repository.path);
  await removeTree(workDir);
});

const logsDir = () => join(workDir, 'logs');
const instanceDir = (candidate: Candidate) => join(logsDir(), 'r1', 'acme', `clamp-${candidate}`);

async function reportOf(candidate: Candidate): Promise<any> {
  return JSON.parse(await readFile(join(instanceDir(candidate), 'report.json'), 'utf8'))[`clamp-${candidate}`];
}

test('regrading a run reproduces every verdict and report, without running anything', async () => {
  const run = await runEvaluation({
    instances,
    predictions,
    environments,
    provider: new HostCloneProvider({ [clamp.instance.repo]: clamp.repository.path }),
    runId: 'r1',
    logsDir: logsDir(),
    reportDir: join(workDir, 'reports'),
    maxWorkers: 2,
    progress: null,
  });
  assert.deepEqual(run.summary.resolved_ids, ['clamp-fixesAndPrintsBinary', 'clamp-gold']);
  assert.deepEqual(run.summary.error_ids, ['clamp-doesNotApply']);

  // The log has SWE-bench's shape: the pre-test steps, then the test output between the markers.
  const log = await readFile(join(instanceDir('gold'), 'test_output.txt'), 'utf8');
  assert.match(log, /^\+ echo pre-test step ran\npre-test step ran\n>>>>> Start Test Output\n/);
  assert.match(log, /\n>>>>> End Test Output\n>>>>> Test Exit Code: 0\n$/);
  assert.match(await readFile(join(instanceDir('wrong'), 'test_output.txt'), 'utf8'), />>>>> Test Exit Code: 1\n$/);

  const before = Object.fromEntries(await Promise.all(candidates.filter((c) => c !== 'doesNotApply').map(async (c) => [c, await reportOf(c)])));
  // Nothing that could run tests is given: regrading reads the files.
  const regraded = await regradeRun({ instances, predictions, environments, runId: 'r1', logsDir: logsDir(), reportDir: join(workDir, 'reports') });
  assert.deepEqual(regraded.notRun, ['clamp-doesNotApply']);
  assert.equal(regraded.regraded.length, candidates.length - 1);
  for (const entry of regraded.regraded) assert.equal(entry.resolved, entry.before, entry.instanceId);
  for (const candidate of candidates.filter((c) => c !== 'doesNotApply')) {
    const after = await reportOf(candidate);
    const { regraded_at: stamp, ...afterDetails } = after.swe_srl;
    assert.ok(stamp);
    assert.deepEqual({ ...after, swe_srl: afterDetails }, before[candidate], candidate);
  }
  const { summary } = regraded;
  assert.deepEqual(summary, run.summary);
});

test('a regrade with a changed grading policy changes verdicts, from the same logs; what the runner guard caught holds under any policy', async () => {
  const regrade = (grading?: { crossCheck: boolean }) =>
    regradeRun({ instances, predictions, environments, runId: 'r1', logsDir: logsDir(), reportDir: join(workDir, 'reports'), ...(grading ? { grading } : {}) });
  const changedBy = (result: Awaited<ReturnType<typeof regrade>>) => result.regraded.filter((entry) => entry.before !== entry.resolved).map((entry) => entry.instanceId);
  // forgesAndExits prints a whole fake log and exits 0 before pytest's session ends. Without the
  // cross-check, the log alone would be believed, but the runner guard saw the session end without
  // its end-of-run check, test_run.json keeps that, and it counts whatever the policy.
  assert.deepEqual(changedBy(await regrade({ crossCheck: false })), []);
  assert.match((await reportOf('forgesAndExits')).swe_srl.integrity_issues.join('\n'), /runner guard: /);

  // A run record without the guard's findings (as one written before the guard ran): then the policy
  // decides. Without the cross-check the fake log is believed, as SWE-bench believes it (a pass
  // printed after the real results is not: swe-srl's pytest parser keeps a test's worst report).
  const record = join(instanceDir('forgesAndExits'), 'test_run.json');
  const { runner_guard: guard, ...withoutGuard } = JSON.parse(await readFile(record, 'utf8'));
  assert.ok(guard.tampering.length > 0);
  await writeFile(record, JSON.stringify(withoutGuard));
  assert.deepEqual(changedBy(await regrade({ crossCheck: false })), ['clamp-forgesAndExits']);
  await regrade();
  assert.equal((await reportOf('forgesAndExits')).resolved, false);
});

test('a log without swe-srl\'s run record (as SWE-bench writes it) is graded as SWE-bench grades it', async () => {
  const dir = instanceDir('gold');
  await rm(join(dir, 'test_run.json'));
  await rm(join(dir, 'runner_report'));
  await writeFile(join(dir, 'test_output.txt'), `+ git apply -v -\n: '>>>>> Start Test Output'\n${(await readFile(join(dir, 'test_output.txt'), 'utf8')).split('>>>>> Start Test Output\n')[1]}`);
  const result = await regradeRun({ instances: [instances[0]!], predictions: [predictions[0]!], environments, runId: 'r1', logsDir: logsDir(), reportDir: join(workDir, 'reports') });
  assert.deepEqual(result.regraded.map((entry) => entry.resolved), [true]);
  // A corrupt run record is an error naming the file, not a silent SWE-bench grade.
  await writeFile(join(dir, 'test_run.json'), '{"version": 1');
  await assert.rejects(regradeRun({ instances: [instances[0]!], predictions: [predictions[0]!], environments, runId: 'r1', logsDir: logsDir(), reportDir: join(workDir, 'reports') }), /test_run\.json: not JSON/);
});
