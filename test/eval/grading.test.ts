import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradeInstance } from '../../src/eval/grading.js';
import type { TestStatus } from '../../src/eval/test-status.js';

const instance = { FAIL_TO_PASS: ['f1', 'f2'], PASS_TO_PASS: ['p1', 'p2'] };

function statuses(entries: Record<string, TestStatus>): Map<string, TestStatus> {
  return new Map(Object.entries(entries));
}

test('resolved when every FAIL_TO_PASS passes and every PASS_TO_PASS still passes', () => {
  const grade = gradeInstance(statuses({ f1: 'PASSED', f2: 'PASSED', p1: 'PASSED', p2: 'PASSED' }), instance);
  assert.equal(grade.resolved, true);
  assert.deepEqual(grade.testsStatus.FAIL_TO_PASS, { success: ['f1', 'f2'], failure: [] });
  assert.equal(grade.failToPassFraction, 1);
});

test('a FAIL_TO_PASS test that is skipped or missing counts as failed', () => {
  const skipped = gradeInstance(statuses({ f1: 'PASSED', f2: 'SKIPPED', p1: 'PASSED', p2: 'PASSED' }), instance);
  assert.equal(skipped.resolved, false);
  assert.deepEqual(skipped.testsStatus.FAIL_TO_PASS.failure, ['f2']);
  const missing = gradeInstance(statuses({ f1: 'PASSED', p1: 'PASSED', p2: 'PASSED' }), instance);
  assert.equal(missing.resolved, false);
  assert.equal(missing.failToPassFraction, 0.5);
});

test('a PASS_TO_PASS test that is skipped is kept, one that errors or vanished is broken', () => {
  const kept = gradeInstance(statuses({ f1: 'PASSED', f2: 'PASSED', p1: 'SKIPPED', p2: 'PASSED' }), instance);
  assert.equal(kept.resolved, true);
  const broken = gradeInstance(statuses({ f1: 'PASSED', f2: 'PASSED', p1: 'ERROR' }), instance);
  assert.equal(broken.resolved, false);
  assert.deepEqual(broken.testsStatus.PASS_TO_PASS.failure, ['p1', 'p2']);
});

test('names are looked up through the parser\'s spelling but reported as the instance lists them', () => {
  const grade = gradeInstance(statuses({ 'pkg.T.test_a': 'PASSED' }), { FAIL_TO_PASS: ['test_a (pkg.T)'], PASS_TO_PASS: [] }, (name) =>
    name === 'test_a (pkg.T)' ? 'pkg.T.test_a' : name,
  );
  assert.deepEqual(grade.testsStatus.FAIL_TO_PASS.success, ['test_a (pkg.T)']);
});

test('FAIL_TO_FAIL and PASS_TO_FAIL lists are graded when an instance has them, empty otherwise', () => {
  const without = gradeInstance(statuses({}), instance);
  assert.deepEqual(without.testsStatus.FAIL_TO_FAIL, { success: [], failure: [] });
  const withLists = gradeInstance(statuses({ x: 'FAILED', y: 'PASSED' }), { ...instance, FAIL_TO_FAIL: ['x'], PASS_TO_FAIL: ['y'] });
  assert.deepEqual(withLists.testsStatus.FAIL_TO_FAIL, { success: [], failure: ['x'] });
  assert.deepEqual(withLists.testsStatus.PASS_TO_FAIL, { success: ['y'], failure: [] });
});
