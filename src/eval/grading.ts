/**
 * SWE-bench's grading rules (v5, `swebench/harness/grading.py`), from its facts:
 *
 *  - A FAIL_TO_PASS test succeeds when it PASSED (XFAIL counts as PASSED here) and fails when it
 *    FAILED, ERRORed, was SKIPPED or is missing.
 *  - A PASS_TO_PASS test is kept when it PASSED or was SKIPPED, broken when it FAILED, ERRORed or
 *    is missing.
 *  - An expected id cut inside its parameters (more `[` than `]`, e.g. `test_x[a` for
 *    `test_x[a b]`, as SWE-bench's own parser stored 676 ids of SWE-bench Verified) matches the
 *    results whose name starts with it, when they all agree on pass versus not-pass; it then takes
 *    the first such result's status. A whole id only ever matches itself.
 *  - Fail-only repositories (SWE-bench's FAIL_ONLY_REPOS) count a listed test as failed only when
 *    the results say FAILED, by its exact id; anything else, missing included, succeeds.
 *  - Resolved when every FAIL_TO_PASS test succeeds and every PASS_TO_PASS test is kept.
 */
import type { Instance } from './instances.js';
import type { TestStatus, TestStatusMap } from './test-status.js';

export interface TestOutcomes {
  success: string[];
  failure: string[];
}

/** The `tests_status` block of SWE-bench's report.json. */
export interface TestsStatus {
  FAIL_TO_PASS: TestOutcomes;
  PASS_TO_PASS: TestOutcomes;
  FAIL_TO_FAIL: TestOutcomes;
  PASS_TO_FAIL: TestOutcomes;
}

export interface Grade {
  resolved: boolean;
  testsStatus: TestsStatus;
  /** Share of FAIL_TO_PASS tests that pass (1 when there are none, as in SWE-bench). */
  failToPassFraction: number;
}

/** SWE-bench's EvalType. */
export const EVAL_TYPES = ['pass_and_fail', 'fail_only'] as const;
export type EvalType = (typeof EVAL_TYPES)[number];

export interface GradingOptions {
  /** Default `pass_and_fail`; `fail_only` for SWE-bench's FAIL_ONLY_REPOS. */
  evalType?: EvalType;
}

function passing(status: TestStatus): boolean {
  return status === 'PASSED';
}

function count(text: string, character: string): number {
  let total = 0;
  for (const c of text) if (c === character) total++;
  return total;
}

/**
 * The results key an expected id stands for: itself when present; for an id cut inside its
 * parameters, the first key it prefixes, provided every key it prefixes agrees on pass versus
 * not-pass (otherwise nothing, and the test counts as missing).
 */
export function resolveTestId(id: string, statuses: TestStatusMap): string | undefined {
  if (statuses.has(id)) return id;
  if (count(id, '[') <= count(id, ']')) return undefined;
  const matches = [...statuses.keys()].filter((key) => key.startsWith(id));
  if (matches.length === 0) return undefined;
  const outcomes = new Set(matches.map((key) => passing(statuses.get(key)!)));
  return outcomes.size === 1 ? matches[0] : undefined;
}

function statusOf(id: string, statuses: TestStatusMap): TestStatus | undefined {
  const key = resolveTestId(id, statuses);
  return key === undefined ? undefined : statuses.get(key);
}

type Check = (id: string, statuses: TestStatusMap) => boolean;

const passes: Check = (id, statuses) => statusOf(id, statuses) === 'PASSED';
const kept: Check = (id, statuses) => {
  const status = statusOf(id, statuses);
  return status === 'PASSED' || status === 'SKIPPED';
};
// Exact id only, as SWE-bench's check_fail_only does.
const notFailed: Check = (id, statuses) => statuses.get(id) !== 'FAILED';

function sort(names: readonly string[], statuses: TestStatusMap, normalize: (name: string) => string, succeeded: Check): TestOutcomes {
  const outcomes: TestOutcomes = { success: [], failure: [] };
  for (const name of names) (succeeded(normalize(name), statuses) ? outcomes.success : outcomes.failure).push(name);
  return outcomes;
}

export function gradeInstance(
  statuses: TestStatusMap,
  instance: Pick<Instance, 'FAIL_TO_PASS' | 'PASS_TO_PASS' | 'FAIL_TO_FAIL' | 'PASS_TO_FAIL'>,
  normalize: (name: string) => string = (name) => name,
  options: GradingOptions = {},
): Grade {
  const failOnly = options.evalType === 'fail_only';
  const resolution = failOnly ? notFailed : passes;
  const maintenance = failOnly ? notFailed : kept;
  const testsStatus: TestsStatus = {
    FAIL_TO_PASS: sort(instance.FAIL_TO_PASS, statuses, normalize, resolution),
    PASS_TO_PASS: sort(instance.PASS_TO_PASS, statuses, normalize, maintenance),
    // SWE-bench fills these only when asked (calculate_to_fail); its datasets have no such lists.
    FAIL_TO_FAIL: sort(instance.FAIL_TO_FAIL ?? [], statuses, normalize, resolution),
    PASS_TO_FAIL: sort(instance.PASS_TO_FAIL ?? [], statuses, normalize, resolution),
  };
  const failToPass = testsStatus.FAIL_TO_PASS;
  const total = failToPass.success.length + failToPass.failure.length;
  return {
    resolved: failToPass.failure.length === 0 && testsStatus.PASS_TO_PASS.failure.length === 0,
    testsStatus,
    failToPassFraction: total === 0 ? 1 : failToPass.success.length / total,
  };
}
