/** From a finished test run to a grade: parse the log, cross-check it, apply SWE-bench's rules. */
import type { Instance } from './instances.js';
import { crossCheck, type CheckedResults } from './cross-check.js';
import { gradeInstance, type Grade } from './grading.js';
import { getLogParser } from './log-parsers/index.js';
import type { TestStatusMap } from './test-status.js';
import type { TestEnvironment } from './test-environment.js';
import type { TestRun } from './test-run.js';

export interface TestVerdict {
  /** What the console log alone said. */
  logStatuses: TestStatusMap;
  checked: CheckedResults;
  grade: Grade;
}

export function judgeTestRun(run: TestRun, environment: TestEnvironment, instance: Instance): TestVerdict {
  const parser = getLogParser(environment.logParser);
  const logStatuses = parser.parse(run.output);
  const namesOfInterest = [
    ...instance.FAIL_TO_PASS,
    ...instance.PASS_TO_PASS,
    ...(instance.FAIL_TO_FAIL ?? []),
    ...(instance.PASS_TO_FAIL ?? []),
  ].map((name) => parser.normalizeTestName(name));
  const checked = crossCheck({
    log: logStatuses,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    structured: run.structured,
    namesOfInterest,
    ...(run.guard ? { tampering: run.guard.tampering } : {}),
  });
  const grade = gradeInstance(checked.statuses, instance, (name) => parser.normalizeTestName(name));
  return { logStatuses, checked, grade };
}
