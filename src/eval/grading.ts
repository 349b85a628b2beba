/**
 * SWE-bench's grading rules. An instance is resolved when every FAIL_TO_PASS test passes and every
 * PASS_TO_PASS test still passes. A FAIL_TO_PASS test that is skipped or missing from the results
 * counts as failed; a PASS_TO_PASS test that is skipped counts as kept (it was not broken).
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

type Rule = (status: TestStatus | undefined) => boolean;

const passes: Rule = (status) => status === 'PASSED';
const kept: Rule = (status) => status === 'PASSED' || status === 'SKIPPED';

function sort(names: readonly string[], statuses: TestStatusMap, normalize: (name: string) => string, succeeded: Rule): TestOutcomes {
  const outcomes: TestOutcomes = { success: [], failure: [] };
  for (const name of names) (succeeded(statuses.get(normalize(name))) ? outcomes.success : outcomes.failure).push(name);
  return outcomes;
}

export function gradeInstance(
  statuses: TestStatusMap,
  instance: Pick<Instance, 'FAIL_TO_PASS' | 'PASS_TO_PASS' | 'FAIL_TO_FAIL' | 'PASS_TO_FAIL'>,
  normalize: (name: string) => string = (name) => name,
): Grade {
  const testsStatus: TestsStatus = {
    FAIL_TO_PASS: sort(instance.FAIL_TO_PASS, statuses, normalize, passes),
    PASS_TO_PASS: sort(instance.PASS_TO_PASS, statuses, normalize, kept),
    FAIL_TO_FAIL: sort(instance.FAIL_TO_FAIL ?? [], statuses, normalize, passes),
    PASS_TO_FAIL: sort(instance.PASS_TO_FAIL ?? [], statuses, normalize, passes),
  };
  const failToPass = testsStatus.FAIL_TO_PASS;
  const total = failToPass.success.length + failToPass.failure.length;
  return {
    resolved: failToPass.failure.length === 0 && testsStatus.PASS_TO_PASS.failure.length === 0,
    testsStatus,
    failToPassFraction: total === 0 ? 1 : failToPass.success.length / total,
  };
}
