import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossCheck, type CheckedResults, type TestRunEvidence } from '../../src/eval/cross-check.js';
import { getLogParser } from '../../src/eval/log-parsers/index.js';
import type { LogParser } from '../../src/eval/log-parsers/log-parser.js';
import { structuredReportFor } from '../../src/eval/log-parsers/structured-report.js';
import type { TestStatus } from '../../src/eval/test-status.js';
import type { StructuredReportState } from '../../src/eval/test-run.js';

function map(entries: Record<string, TestStatus>): Map<string, TestStatus> {
  return new Map(Object.entries(entries));
}

type JunitCase = [classname: string, name: string, body: string];

/** A JUnit report as pytest writes it, for node ids and verdicts. */
function junit(cases: JunitCase[]): StructuredReportState {
  const xml = `<?xml version="1.0"?><testsuites><testsuite>${cases
    .map(([classname, name, body]) => `<testcase classname="${classname}" name="${name}">${body}</testcase>`)
    .join('')}</testsuite></testsuites>`;
  const content = Buffer.from(xml);
  return { state: 'read', results: structuredReportFor('pytest')!.read(content), content };
}

const pytest = getLogParser('pytest');
const sweBenchPytest = getLogParser('swebench-pytest');

/** Cross-checks the log of a run that ended by itself (not timed out) against the runner's JUnit report of `cases`. */
function checkAgainstJunit(
  parser: LogParser,
  log: Record<string, TestStatus>,
  exitCode: number,
  cases: JunitCase[],
  more: Partial<TestRunEvidence> = {},
): CheckedResults {
  return crossCheck({ log: map(log), parser, exitCode, timedOut: false, structured: junit(cases), ...more });
}

test('a passed result the runner does not report is dropped, one it contradicts takes its verdict', () => {
  const checked = checkAgainstJunit(pytest, { 't.py::a': 'PASSED', 't.py::b': 'PASSED', 't.py::forged': 'PASSED' }, 1, [
    ['t', 'a', ''],
    ['t', 'b', '<failure message="x"/>'],
  ]);
  assert.equal(checked.trusted, true);
  assert.deepEqual(Object.fromEntries(checked.statuses), { 't.py::a': 'PASSED', 't.py::b': 'FAILED' });
  assert.match(checked.issues.join('\n'), /does not list \(ignored\): t\.py::forged/);
  assert.match(checked.issues.join('\n'), /contradicts the log .*t\.py::b/);
});

test("an id SWE-bench's parser cut at its first space is confirmed by the runner's full id", () => {
  // SWE-bench keys `test_x[a b]` and `test_x[a c]` both as `test_x[a`; the last line wins.
  const checked = checkAgainstJunit(sweBenchPytest, { 'tests/test_m.py::test_x[a': 'PASSED' }, 0, [
    ['tests.test_m', 'test_x[a b]', ''],
    ['tests.test_m', 'test_x[a c]', ''],
  ]);
  assert.deepEqual(Object.fromEntries(checked.statuses), { 'tests/test_m.py::test_x[a': 'PASSED' });
  assert.deepEqual(checked.issues, []);
});

test("a folded key keeps SWE-bench's reading when one of the runner's tests under it agrees", () => {
  // An xfail (a pass for SWE-bench) printed after a skip under the same cut key: SWE-bench says passed.
  const checked = checkAgainstJunit(sweBenchPytest, { 'tests/test_m.py::test_x[a': 'PASSED' }, 0, [
    ['tests.test_m', 'test_x[a b]', '<skipped message="no"/>'],
    ['tests.test_m', 'test_x[a c]', '<skipped type="pytest.xfail" message="known"/>'],
  ]);
  assert.equal(checked.statuses.get('tests/test_m.py::test_x[a'), 'PASSED');
});

test('failures in the log always stand, whatever the runner reported', () => {
  const checked = checkAgainstJunit(pytest, { 't.py::a': 'FAILED' }, 1, [['t', 'a', '']]);
  assert.equal(checked.statuses.get('t.py::a'), 'FAILED');
});

test('a test missing from a capped log takes the verdict of the runner\'s report', () => {
  const checked = checkAgainstJunit(pytest, {}, 0, [['t', 'a', '']], { truncated: true, namesOfInterest: ['t.py::a'] });
  assert.equal(checked.statuses.get('t.py::a'), 'PASSED');
  const uncapped = checkAgainstJunit(pytest, {}, 0, [['t', 'a', '']], { namesOfInterest: ['t.py::a'] });
  assert.equal(uncapped.statuses.has('t.py::a'), false, 'without capping, the log is what SWE-bench grades');
});

test('a report that was asked for and never written, or a run past its limit, leaves nothing to grade', () => {
  const missing = crossCheck({ log: map({ a: 'PASSED' }), parser: pytest, exitCode: 0, timedOut: false, structured: { state: 'missing', reason: 'no file' } });
  assert.equal(missing.trusted, false);
  assert.match(missing.issues.join('\n'), /report is missing: no file/);
  const timedOut = crossCheck({ log: map({ a: 'PASSED' }), parser: pytest, exitCode: null, timedOut: true, structured: { state: 'missing', reason: 'timed out' } });
  assert.equal(timedOut.trusted, false);
});

test('without a runner report the log stands as SWE-bench reads it', () => {
  const checked = crossCheck({ log: map({ a: 'PASSED', b: 'FAILED' }), parser: pytest, exitCode: 1, timedOut: false, structured: { state: 'not-supported' } });
  assert.equal(checked.trusted, true);
  assert.deepEqual(Object.fromEntries(checked.statuses), { a: 'PASSED', b: 'FAILED' });
});

test('the unittest hook confirms Django results by their printed description', () => {
  const content = Buffer.from(JSON.stringify({ tests: { 'app.tests.T.test_a': 'PASSED' }, described: { 'First line of the docstring.': 'PASSED' } }));
  const structured: StructuredReportState = { state: 'read', results: structuredReportFor('swebench-django')!.read(content), content };
  const checked = crossCheck({
    log: map({ 'First line of the docstring.': 'PASSED', 'forged (app.tests.T)': 'PASSED' }),
    parser: getLogParser('swebench-django'),
    exitCode: 0,
    timedOut: false,
    structured,
  });
  assert.deepEqual([...checked.statuses.keys()], ['First line of the docstring.']);
});
