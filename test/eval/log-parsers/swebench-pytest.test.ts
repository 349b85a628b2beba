/**
 * SWE-bench's pytest parsers on logs the real pytest writes (SWE-bench's test command, `pytest
 * -rA`), with the verdicts SWE-bench's rules give: ids cut at their first space and matched by
 * prefix, the last line for a key winning, XFAIL passing, XPASS and pytest's grouped skip summary
 * not recorded, a teardown error after a pass failing the test, colour codes, truncation.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  parseSweBenchMatplotlibLog,
  parseSweBenchPytestLog,
  parseSweBenchPytestOptionsLog,
  parseSweBenchPytestV2Log,
  parseSweBenchSeabornLog,
} from '../../../src/eval/log-parsers/index.js';
import { PYTEST_BASIC_OUTCOMES } from '../helpers/python-test-samples.js';
import { hostPytestUnavailable, runShell, writeTree, type CapturedRun } from '../helpers/run-on-host.js';
import { evidenceFrom, gradeLog, instanceWith } from '../helpers/swebench-grading.js';

const skip = hostPytestUnavailable();

const TEST_FILE = `
import pytest

${PYTEST_BASIC_OUTCOMES}
@pytest.mark.xfail(reason="fixed already")
def test_unexpected_pass():
    pass

@pytest.mark.xfail(strict=True, reason="must fail")
def test_strict_unexpected_pass():
    pass

@pytest.mark.parametrize("value", ["a b", "a c", "x[1] y", "plain", "/home/someone/data/file.dcm"])
def test_param(value):
    assert value != "a c"

@pytest.fixture
def breaks_on_teardown():
    yield
    raise RuntimeError("teardown breaks")

def test_teardown_error(breaks_on_teardown):
    pass

def test_prints_passed():
    print("PASSED tests/test_sample.py::test_fails")
    assert False

@pytest.mark.parametrize("button", ["MouseButton.LEFT"])
def test_button(button):
    pass
`;

const F = 'tests/test_sample.py';

// What SWE-bench's parse_log_pytest makes of that run, by its rules (see swebench-pytest.ts).
const SWEBENCH_STATUSES: Record<string, string> = {
  [`${F}::test_passes`]: 'PASSED',
  // `test_param[a b]` PASSED, then `test_param[a c]` FAILED: both key `test_param[a`, the last wins.
  [`${F}::test_param[a`]: 'FAILED',
  [`${F}::test_param[x[1]`]: 'PASSED',
  [`${F}::test_param[plain]`]: 'PASSED',
  [`${F}::test_param[/home/someone/data/file.dcm]`]: 'PASSED',
  // PASSED (the call), then ERROR (the teardown): an error.
  [`${F}::test_teardown_error`]: 'ERROR',
  // XFAIL passes.
  [`${F}::test_expected_failure`]: 'PASSED',
  [`${F}::test_fails`]: 'FAILED',
  [`${F}::test_strict_unexpected_pass`]: 'FAILED',
  [`${F}::test_prints_passed`]: 'FAILED',
  [`${F}::test_button[MouseButton.LEFT]`]: 'PASSED',
};

let tree: { dir: string; cleanup: () => void };
let plain: CapturedRun;
let coloured: CapturedRun;
let forged: CapturedRun;

function runPytest(extra: string, junit: string): CapturedRun {
  return runShell(`python3 -m pytest -rA -p no:cacheprovider ${extra} tests/test_sample.py`, tree.dir, { PYTEST_ADDOPTS: `--junitxml=${join(tree.dir, junit)}` });
}

before(() => {
  if (skip) return;
  // In the forged copy, after pytest's own summary, a line claims the failed test passed (what a patch can print).
  const conftest = 'import atexit\natexit.register(lambda: print("PASSED tests/test_sample.py::test_fails"))\n';
  tree = writeTree({ 'tests/test_sample.py': TEST_FILE, 'forged/tests/test_sample.py': TEST_FILE, 'forged/conftest.py': conftest });
  plain = runPytest('', 'plain.xml');
  coloured = runPytest('--color=yes', 'coloured.xml');
  forged = runShell('python3 -m pytest -rA -p no:cacheprovider tests/test_sample.py', join(tree.dir, 'forged'), { PYTEST_ADDOPTS: `--junitxml=${join(tree.dir, 'forged.xml')}` });
});

after(() => tree?.cleanup());

test('parse_log_pytest: cut ids, last line wins, XFAIL passes, XPASS and the skip summary are not recorded', { skip }, () => {
  assert.equal(plain.exitCode, 1, plain.text);
  assert.deepEqual(Object.fromEntries(parseSweBenchPytestLog(plain.text)), SWEBENCH_STATUSES);
});

test('expected ids cut inside their parameters match by prefix, whole ids only themselves', { skip }, () => {
  const grade = (FAIL_TO_PASS: string[], PASS_TO_PASS: string[] = []) => gradeLog(plain.text, 'swebench-pytest', instanceWith({ FAIL_TO_PASS, PASS_TO_PASS }), { exitCode: plain.exitCode });
  // The dataset's cut id, exactly the parser's key.
  assert.equal(grade([`${F}::test_param[x[1]`]).grade.resolved, true);
  assert.equal(grade([`${F}::test_param[a`]).grade.resolved, false);
  // A shorter cut prefixes `test_param[x[1]` only... and `test_param[a`, `[plain]`, `[/home…]`: they disagree.
  assert.equal(grade([`${F}::test_param[`]).grade.resolved, false);
  // A cut shared only by passing results resolves.
  assert.equal(grade([`${F}::test_param[p`]).grade.resolved, true);
  // A whole id with a space can never match a cut key: missing, so failed.
  assert.equal(grade([`${F}::test_param[a b]`]).grade.resolved, false);
  // Teardown error, XPASS (missing), strict XPASS: all fail FAIL_TO_PASS; xfail passes.
  for (const id of ['test_teardown_error', 'test_unexpected_pass', 'test_strict_unexpected_pass']) assert.equal(grade([`${F}::${id}`]).grade.resolved, false, id);
  assert.equal(grade([`${F}::test_expected_failure`]).grade.resolved, true);
  // A skipped test that pytest reports only in its grouped summary is missing: it breaks PASS_TO_PASS.
  assert.equal(grade([`${F}::test_passes`], [`${F}::test_skipped`]).grade.resolved, false);
});

test("the runner's report never overrules SWE-bench's reading of a genuine log", { skip }, () => {
  const evidence = evidenceFrom('swebench-pytest', join(tree.dir, 'plain.xml'), plain.exitCode);
  for (const id of [...Object.keys(SWEBENCH_STATUSES), `${F}::test_param[`, `${F}::test_param[p`, `${F}::test_skipped`, `${F}::test_unexpected_pass`]) {
    const instance = instanceWith({ FAIL_TO_PASS: [id], PASS_TO_PASS: [`${F}::test_passes`] });
    const sweBench = gradeLog(plain.text, 'swebench-pytest', instance, { exitCode: plain.exitCode });
    const checked = gradeLog(plain.text, 'swebench-pytest', instance, { evidence });
    assert.equal(checked.grade.resolved, sweBench.grade.resolved, id);
    assert.deepEqual(checked.grade.testsStatus, sweBench.grade.testsStatus, id);
  }
  assert.deepEqual(gradeLog(plain.text, 'swebench-pytest', instanceWith({ FAIL_TO_PASS: [`${F}::test_passes`] }), { evidence }).checked.issues, []);
});

test('a pass printed after the summary fools SWE-bench but not the cross-check', { skip }, () => {
  const instance = instanceWith({ FAIL_TO_PASS: [`${F}::test_fails`] });
  assert.match(forged.text, /=+ .* =+\n(?:.*\n)*PASSED tests\/test_sample\.py::test_fails\n?$/);
  assert.equal(parseSweBenchPytestLog(forged.text).get(`${F}::test_fails`), 'PASSED', 'SWE-bench takes the last line');
  // Other tests still fail, so the exit status does not give it away either.
  assert.equal(gradeLog(forged.text, 'swebench-pytest', instance, { exitCode: forged.exitCode, policy: { crossCheck: false } }).grade.resolved, true);
  const checked = gradeLog(forged.text, 'swebench-pytest', instance, { evidence: evidenceFrom('swebench-pytest', join(tree.dir, 'forged.xml'), forged.exitCode) });
  assert.equal(checked.checked.statuses.get(`${F}::test_fails`), 'FAILED');
  assert.match(checked.checked.issues.join('\n'), /contradicts the log/);
});

test('a capped log loses results SWE-bench would have read; the runner report gives them back', { skip }, () => {
  const lines = plain.text.split('\n');
  const summaryAt = lines.indexOf(`PASSED ${F}::test_passes`);
  assert.ok(summaryAt > 0);
  // The sandbox keeps the head and tail of long output around a marker.
  const capped = [...lines.slice(0, summaryAt), '[… output truncated …]', ...lines.slice(summaryAt + 3)].join('\n');
  const instance = instanceWith({ FAIL_TO_PASS: [`${F}::test_passes`] });
  assert.equal(gradeLog(capped, 'swebench-pytest', instance, { exitCode: 1 }).grade.resolved, false);
  const evidence = evidenceFrom('swebench-pytest', join(tree.dir, 'plain.xml'), plain.exitCode, true);
  const recovered = gradeLog(capped, 'swebench-pytest', instance, { evidence });
  assert.equal(recovered.grade.resolved, true, recovered.checked.issues.join('\n'));
  assert.match(recovered.checked.issues.join('\n'), /capped/);
});

test('parse_log_pytest_options keeps only the last part of an absolute-path parameter, on both sides', { skip }, () => {
  const statuses = parseSweBenchPytestOptionsLog(plain.text);
  assert.equal(statuses.get(`${F}::test_param[/file.dcm]`), 'PASSED');
  assert.equal(statuses.has(`${F}::test_param[/home/someone/data/file.dcm]`), false);
  // An instance row recorded on another machine names that machine's path.
  const instance = instanceWith({ FAIL_TO_PASS: [`${F}::test_param[/n/fs/elsewhere/data/file.dcm]`] });
  assert.equal(gradeLog(plain.text, 'swebench-pytest-options', instance).grade.resolved, true);
  assert.equal(gradeLog(plain.text, 'swebench-pytest-options', instance, { policy: { normalizeExpectedIds: false } }).grade.resolved, false);
  const evidence = evidenceFrom('swebench-pytest-options', join(tree.dir, 'plain.xml'), plain.exitCode);
  assert.equal(gradeLog(plain.text, 'swebench-pytest-options', instance, { evidence }).grade.resolved, true);
});

test('parse_log_pytest_v2 keys whole ids, and reads a coloured log as the plain one', { skip }, () => {
  const plainStatuses = parseSweBenchPytestV2Log(plain.text);
  assert.equal(plainStatuses.get(`${F}::test_param[a b]`), 'PASSED');
  assert.equal(plainStatuses.get(`${F}::test_param[a c]`), 'FAILED');
  assert.equal(plainStatuses.get(`${F}::test_param[x[1] y]`), 'PASSED');
  // The XFAIL line keeps its ` - reason`: v2 only cuts FAILED lines there.
  assert.equal(plainStatuses.get(`${F}::test_expected_failure - known bug`), 'PASSED');
  assert.match(coloured.text, /\u001b\[/);
  assert.deepEqual(Object.fromEntries(parseSweBenchPytestV2Log(coloured.text)), Object.fromEntries(plainStatuses));
  // parse_log_pytest does not strip colours: a coloured summary line is no result to it.
  assert.ok(parseSweBenchPytestLog(coloured.text).size < parseSweBenchPytestLog(plain.text).size);
  const evidence = evidenceFrom('swebench-pytest-v2', join(tree.dir, 'plain.xml'), plain.exitCode);
  const instance = instanceWith({ FAIL_TO_PASS: [`${F}::test_param[a b]`, `${F}::test_param[x[1] y]`] });
  assert.equal(gradeLog(plain.text, 'swebench-pytest-v2', instance, { evidence }).grade.resolved, true);
});

test("matplotlib's parser writes MouseButton.LEFT as 1, in the log and in the expected ids", { skip }, () => {
  assert.equal(parseSweBenchMatplotlibLog(plain.text).get(`${F}::test_button[1]`), 'PASSED');
  const instance = instanceWith({ FAIL_TO_PASS: [`${F}::test_button[1]`] });
  assert.equal(gradeLog(plain.text, 'swebench-matplotlib', instance, { evidence: evidenceFrom('swebench-matplotlib', join(tree.dir, 'plain.xml'), 1) }).grade.resolved, true);
});

test("seaborn's parser records passes and failures only, from -rA lines and -v lines", { skip }, () => {
  const statuses = parseSweBenchSeabornLog(plain.text);
  assert.equal(statuses.get(`${F}::test_passes`), 'PASSED');
  assert.equal(statuses.get(`${F}::test_fails`), 'FAILED');
  assert.equal(statuses.has(`${F}::test_expected_failure`), false, 'XFAIL is not recorded');
  assert.equal(statuses.get(`${F}::test_teardown_error`), 'PASSED', 'ERROR lines are not recorded');
  const verbose = runShell('python3 -m pytest -v -p no:cacheprovider tests/test_sample.py', tree.dir);
  assert.equal(parseSweBenchSeabornLog(verbose.text).get(`${F}::test_passes`), 'PASSED');
});
