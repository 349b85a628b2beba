/**
 * Decides which of the log's results to believe. The console log is written by the runner AND by
 * the code under test, which can print anything, including `PASSED tests/test_x.py::test_fix`.
 * SWE-bench believes the log (and, since v5, checks it against the exit status). swe-srl also has
 * the runner write its own machine-readable report (pytest's JUnit XML, node's TAP reporter, a
 * unittest result hook) to a path the harness makes up just before the run, outside the repository,
 * and holds the log to it:
 *
 *  - A result the log reports as passed (or skipped) stands when the runner's report has the same
 *    outcome for some test the parser would key the same way; SWE-bench's reading of the log is
 *    then kept as it is. So a genuine log is never overruled: every line a runner prints about a
 *    test is in its report with that outcome (keys that fold several tests together included).
 *  - A passed or skipped result the report does not have at all is a line the runner did not
 *    print: it is dropped. One the report contradicts takes the report's worst verdict.
 *  - A failure in the log always stands.
 *  - A report that was asked for but is missing (the process exited early, a patch killed the
 *    runner) means nothing in this run counts; a pytest run that printed its results has always
 *    written it. So does a run past its time limit.
 *  - When the log was capped in the middle, a listed test the log lost takes the report's verdict.
 *
 * This stops a patch from faking a pass by printing, and from cutting the run short after printing
 * (os._exit(0) once forged lines are out: the exit status is then 0, but the report never comes).
 * Code that takes over the test runner in-process (rewriting pytest's report hooks, patching
 * unittest's assertions, forging the report file before exiting) is what the runner guard watches
 * for (runner-guard.ts): what it reports makes the whole run untrusted. Runner files the patch
 * changed (conftest.py, test packages, configuration) never take part: they are reset before the
 * run (source-only-patch.ts).
 */
import { resolveTestId } from './grading.js';
import type { LogParser } from './log-parsers/log-parser.js';
import { isFailure, worseStatus, type TestStatus, type TestStatusMap } from './test-status.js';
import type { StructuredReportState } from './test-run.js';

export interface TestRunEvidence {
  /** What the log parser read from the console output (SWE-bench's status map). */
  log: TestStatusMap;
  parser: LogParser;
  exitCode: number | null;
  timedOut: boolean;
  /** The sandbox dropped the middle of the output. */
  truncated?: boolean;
  structured: StructuredReportState;
  /** The expected ids (FAIL_TO_PASS, PASS_TO_PASS), as the parser spells them. */
  namesOfInterest?: Iterable<string>;
  /** What the runner guard saw the patched code do to the runner (runner-guard.ts): any of it, and nothing passes. */
  tampering?: readonly string[];
}

export interface CheckedResults {
  /** The statuses grading may use. */
  statuses: TestStatusMap;
  /** False when nothing in this run may count as a pass. */
  trusted: boolean;
  /** Why results were distrusted or changed, for the report and the log. */
  issues: string[];
}

function worst(statuses: TestStatus[]): TestStatus {
  return statuses.reduce((a, b) => worseStatus(a, b));
}

function listSome(names: string[]): string {
  return `${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … (${names.length} in all)` : ''}`;
}

// What SWE-bench's summary order (passes, skips, xfails, errors, failures; the last line wins)
// would leave for several runner results under one key.
function asOneKey(statuses: TestStatus[]): TestStatus {
  if (statuses.includes('FAILED')) return 'FAILED';
  if (statuses.includes('ERROR')) return 'ERROR';
  if (statuses.includes('SKIPPED')) return 'SKIPPED';
  return 'PASSED';
}

export function tamperingIssues(tampering: readonly string[]): string[] {
  return tampering.map((finding) => `runner guard: ${finding}`);
}

/**
 * What the runner guard saw, on its own (grading without the cross-check): the test process
 * forged its run, so nothing in it counts; undefined when it saw nothing.
 */
export function distrustTampering(tampering: readonly string[] | undefined): CheckedResults | undefined {
  if (tampering === undefined || tampering.length === 0) return undefined;
  return { statuses: new Map(), trusted: false, issues: tamperingIssues(tampering) };
}

export function crossCheck(evidence: TestRunEvidence): CheckedResults {
  const issues: string[] = [];
  if (evidence.timedOut) issues.push('the test command timed out');
  if (evidence.structured.state === 'missing') issues.push(`the runner's own report is missing: ${evidence.structured.reason}`);
  const tampering = evidence.tampering ?? [];
  issues.push(...tamperingIssues(tampering));
  if (evidence.timedOut || evidence.structured.state === 'missing' || tampering.length > 0) return { statuses: new Map(), trusted: false, issues };

  const statuses: TestStatusMap = new Map(evidence.log);
  if (evidence.structured.state === 'read') {
    const results = evidence.structured.results;
    const unlisted: string[] = [];
    const contradicted: string[] = [];
    for (const [key, logged] of evidence.log) {
      if (isFailure(logged)) continue;
      const reported = results.casesFor(key, evidence.parser);
      if (reported.length === 0) {
        unlisted.push(key);
        statuses.delete(key);
        continue;
      }
      const agrees = logged === 'PASSED' ? reported.includes('PASSED') : reported.some((status) => !isFailure(status));
      if (!agrees) {
        contradicted.push(key);
        statuses.set(key, worst(reported));
      }
    }
    if (unlisted.length > 0) issues.push(`the log claims results the runner's report does not list (ignored): ${listSome(unlisted)}`);
    if (contradicted.length > 0) issues.push(`the runner's report contradicts the log (its verdict kept): ${listSome(contradicted)}`);

    if (evidence.truncated) {
      const recovered: string[] = [];
      for (const name of evidence.namesOfInterest ?? []) {
        if (resolveTestId(name, statuses) !== undefined) continue;
        const reported = results.casesFor(name, evidence.parser);
        if (reported.length === 0) continue;
        statuses.set(name, asOneKey(reported));
        recovered.push(name);
      }
      if (recovered.length > 0) issues.push(`the log was capped; the runner's report gave: ${listSome(recovered)}`);
    }
  }

  const anyFailure = [...statuses.values()].some(isFailure);
  if (evidence.exitCode === 0 && anyFailure) {
    // Not a reason to distrust passes (the command may tolerate failures on purpose), only to note.
    issues.push('the test command exited with 0 although some tests failed');
  }
  return { statuses, trusted: true, issues };
}
