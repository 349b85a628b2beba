import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossCheck } from '../../src/eval/cross-check.js';
import type { TestStatus } from '../../src/eval/test-status.js';
import type { StructuredReportState } from '../../src/eval/test-run.js';

function map(entries: Record<string, TestStatus>): Map<string, TestStatus> {
  return new Map(Object.entries(entries));
}

function report(entries: Record<string, TestStatus>): StructuredReportState {
  const statuses = map(entries);
  return { state: 'read', results: { statusOf: (name) => statuses.get(name), size: statuses.size } };
}

test('with the runner\'s report, a test passes only when the report and the log agree', () => {
  const checked = crossCheck({
    log: map({ a: 'PASSED', b: 'PASSED', forged: 'PASSED' }),
    exitCode: 1,
    timedOut: false,
    structured: report({ a: 'PASSED', b: 'FAILED' }),
  });
  assert.equal(checked.trusted, true);
  assert.deepEqual(Object.fromEntries(checked.statuses), { a: 'PASSED', b: 'FAILED' });
  assert.match(checked.issues.join('\n'), /does not list \(ignored\): forged/);
});

test('a test missing from a capped log keeps the verdict of the runner\'s report', () => {
  const checked = crossCheck({ log: map({}), exitCode: 0, timedOut: false, structured: report({ a: 'PASSED' }), namesOfInterest: ['a'] });
  assert.equal(checked.statuses.get('a'), 'PASSED');
});

test('a report that was asked for and never written leaves no test passing', () => {
  const checked = crossCheck({
    log: map({ a: 'PASSED', b: 'SKIPPED' }),
    exitCode: 0,
    timedOut: false,
    structured: { state: 'missing', reason: 'no file' },
  });
  assert.equal(checked.trusted, false);
  assert.deepEqual([...checked.statuses.values()], ['FAILED', 'FAILED']);
});

test('a non-zero exit with no failing test in sight leaves no test passing', () => {
  const checked = crossCheck({ log: map({ a: 'PASSED' }), exitCode: 1, timedOut: false, structured: { state: 'not-supported' } });
  assert.equal(checked.trusted, false);
  assert.equal(checked.statuses.get('a'), 'FAILED');
  assert.match(checked.issues[0]!, /exited with 1 but no test failed/);
});

test('a non-zero exit explained by a failing test keeps the other passes', () => {
  const checked = crossCheck({ log: map({ a: 'PASSED', b: 'FAILED' }), exitCode: 1, timedOut: false, structured: { state: 'not-supported' } });
  assert.equal(checked.trusted, true);
  assert.equal(checked.statuses.get('a'), 'PASSED');
});

test('a timed-out run leaves no test passing', () => {
  const checked = crossCheck({ log: map({ a: 'PASSED' }), exitCode: null, timedOut: true, structured: { state: 'missing', reason: 'timed out' } });
  assert.equal(checked.trusted, false);
  assert.equal(checked.statuses.get('a'), 'FAILED');
});
