/**
 * Decides which test results to believe. The console log is written by the runner AND by the code
 * under test, which can print anything, including `PASSED tests/test_x.py::test_fix`. So:
 *
 *  1. Within the log, a test reported both ways keeps its worst report (parsers do this): a forged
 *     pass next to the runner's own failure line stays a failure.
 *  2. The runner also writes a machine-readable report (pytest's JUnit XML, node's TAP reporter,
 *     a result hook for unittest) to a path the harness makes up just before the run, outside the
 *     repository. That report is authoritative: a test passes only if the report says so and
 *     the log does not say otherwise. A log line for a test the report does not list counts for
 *     nothing. A report that was asked for but is missing (the process exited early, a patch
 *     killed the runner) means no test passes.
 *  3. The command's exit status must agree: a runner that exits non-zero has failed something, so
 *     if nothing failed in what we read, something is hidden and no test passes.
 *
 * This stops a patch from faking a pass by printing, and from cutting the run short after printing
 * (os._exit(0) once forged lines are out: the exit status is then 0, but the report never comes).
 * Code that takes over the test runner in-process (rewriting pytest's report hooks, patching
 * unittest's assertions, forging the report file before exiting) is what the runner guard watches
 * for (runner-guard.ts): what it reports makes the whole run untrusted. Runner files the patch
 * changed (conftest.py, test packages, configuration) never take part: they are reset before the
 * run (source-only-patch.ts).
 */
import { isFailure, worseStatus, type TestStatus, type TestStatusMap } from './test-status.js';
import type { StructuredReportState } from './test-run.js';

export interface TestRunEvidence {
  /** What the log parser read from the console output. */
  log: TestStatusMap;
  exitCode: number | null;
  timedOut: boolean;
  structured: StructuredReportState;
  /** Extra names to look up in the structured report (FAIL_TO_PASS, PASS_TO_PASS as the parser spells them). */
  namesOfInterest?: Iterable<string>;
  /** What the runner guard saw the patched code do to the runner (runner-guard.ts): any of it, and nothing passes. */
  tampering?: readonly string[];
}

export interface CheckedResults {
  /** The statuses grading may use. */
  statuses: TestStatusMap;
  /** False when nothing in this run may count as a pass. */
  trusted: boolean;
  /** Why results were distrusted or dropped, for the report and the log. */
  issues: string[];
}

function failEverything(map: TestStatusMap): TestStatusMap {
  return new Map([...map.keys()].map((name) => [name, 'FAILED' as TestStatus]));
}

export function crossCheck(evidence: TestRunEvidence): CheckedResults {
  const issues: string[] = [];
  let statuses: TestStatusMap = new Map(evidence.log);
  let trusted = true;

  if (evidence.timedOut) {
    issues.push('the test command timed out');
    trusted = false;
  }

  for (const finding of evidence.tampering ?? []) {
    issues.push(`runner guard: ${finding}`);
    trusted = false;
  }

  if (evidence.structured.state === 'missing') {
    issues.push(`the runner's own report is missing: ${evidence.structured.reason}`);
    trusted = false;
  } else if (evidence.structured.state === 'read') {
    const results = evidence.structured.results;
    const combined: TestStatusMap = new Map();
    const unconfirmed: string[] = [];
    const names = new Set([...evidence.log.keys(), ...(evidence.namesOfInterest ?? [])]);
    for (const name of names) {
      const reported = results.statusOf(name);
      const logged = evidence.log.get(name);
      if (reported === undefined) {
        if (logged !== undefined && !isFailure(logged)) unconfirmed.push(name);
        continue;
      }
      // The log may lack a test the report has (output capped in the middle): the report stands.
      combined.set(name, logged === undefined ? reported : worseStatus(reported, logged));
    }
    if (unconfirmed.length > 0) {
      const shown = unconfirmed.slice(0, 5).join(', ');
      issues.push(`the log claims results the runner's report does not list (ignored): ${shown}${unconfirmed.length > 5 ? ', …' : ''}`);
    }
    statuses = combined;
  }

  const anyFailure = [...statuses.values()].some(isFailure);
  if (!evidence.timedOut && evidence.exitCode !== 0 && evidence.exitCode !== null && !anyFailure) {
    issues.push(`the test command exited with ${evidence.exitCode} but no test failed in its output`);
    trusted = false;
  }
  if (evidence.exitCode === 0 && anyFailure) {
    // Not a reason to distrust passes (the command may tolerate failures on purpose), only to note.
    issues.push('the test command exited with 0 although some tests failed');
  }

  return { statuses: trusted ? statuses : failEverything(statuses), trusted, issues };
}
