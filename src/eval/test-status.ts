/**
 * What a test runner said about each test. Every parser reduces its runner's vocabulary (xfail,
 * "expected failure", todo, ...) to these four words, so grading is one piece of code for all of them.
 */
export type TestStatus = 'PASSED' | 'FAILED' | 'SKIPPED' | 'ERROR';

/** Test name → status. A Map keeps the order tests were reported in, which makes logs readable. */
export type TestStatusMap = Map<string, TestStatus>;

// Higher is worse. A test reported both ways counts as its worst report: a failing test cannot be
// turned into a passing one by printing an extra "PASSED" line next to the runner's own verdict.
const SEVERITY: Record<TestStatus, number> = { PASSED: 0, SKIPPED: 1, FAILED: 2, ERROR: 3 };

export function worseStatus(a: TestStatus, b: TestStatus): TestStatus {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/** Records one report about a test, keeping the worst one seen so far. */
export function recordStatus(map: TestStatusMap, name: string, status: TestStatus): void {
  const previous = map.get(name);
  map.set(name, previous === undefined ? status : worseStatus(previous, status));
}

export function isFailure(status: TestStatus): boolean {
  return status === 'FAILED' || status === 'ERROR';
}

/** Plain-object form for JSON files. */
export function statusMapToObject(map: TestStatusMap): Record<string, TestStatus> {
  return Object.fromEntries(map);
}
