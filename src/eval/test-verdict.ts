/**
 * From a test log to a grade: read it as SWE-bench does (swebench-log.ts), hold it to the runner's
 * own report when there is one (cross-check.ts), apply SWE-bench's rules (grading.ts). A live run
 * and `--regrade` go through this same function over the same test_output.txt, so a re-grade
 * reproduces the verdict.
 */
import { crossCheck, distrustTampering, type CheckedResults } from './cross-check.js';
import { gradeInstance, type EvalType, type Grade } from './grading.js';
import type { Instance } from './instances.js';
import { getLogParser, SWEBENCH_FAIL_ONLY_REPOS, type LogParser } from './log-parsers/index.js';
import { formatTestOutput, readSweBenchLog, type SweBenchLogView } from './swebench-log.js';
import { isFailure } from './test-status.js';
import type { TestEnvironment } from './test-environment.js';
import type { StructuredReportState, TestRun } from './test-run.js';

/** What the harness knows about a run beyond its log (absent for a log SWE-bench made). */
export interface RunEvidence {
  exitCode: number | null;
  timedOut: boolean;
  truncated: boolean;
  structured: StructuredReportState;
  /** What the runner guard saw patched code do to the runner (runner-guard.ts); absent when it did not run. */
  tampering?: readonly string[];
}

/**
 * Where swe-srl's grading may differ from SWE-bench's, each named; the defaults are SWE-bench's
 * except where noted (the README lists them all).
 */
export interface GradingPolicy {
  /**
   * Spell expected ids as the parser spells log ids before matching (default true: it makes rows
   * of older dataset copies, whose parametrised ids hold another machine's absolute paths, match;
   * on SWE-bench's current rows it changes nothing). False compares them as listed, as SWE-bench.
   */
  normalizeExpectedIds?: boolean;
  /**
   * Hold the log to the runner's own report (default true; SWE-bench has no such report). What the
   * runner guard saw counts either way: a run whose test process was tampered with grades nothing.
   */
  crossCheck?: boolean;
}

export interface TestVerdict {
  /** SWE-bench's reading of the log. */
  view: SweBenchLogView;
  checked: CheckedResults;
  /** There are results to grade (SWE-bench's report calls this patch_successfully_applied). */
  found: boolean;
  /** Why not, when not found. */
  reason?: string;
  grade: Grade;
}

/** SWE-bench's eval type for an environment: its own setting, else by repository. */
export function evalTypeFor(environment: TestEnvironment, repo: string): EvalType {
  return environment.evalType ?? (SWEBENCH_FAIL_ONLY_REPOS.has(repo) ? 'fail_only' : 'pass_and_fail');
}

function expectedNames(instance: Instance, parser: LogParser, policy: GradingPolicy): { names: string[]; normalize: (name: string) => string } {
  const normalize = policy.normalizeExpectedIds === false ? (name: string) => name : (name: string) => parser.normalizeTestName(name);
  const names = [...instance.FAIL_TO_PASS, ...instance.PASS_TO_PASS, ...(instance.FAIL_TO_FAIL ?? []), ...(instance.PASS_TO_FAIL ?? [])].map(normalize);
  return { names, normalize };
}

export function judgeTestLog(
  log: string | Uint8Array,
  environment: TestEnvironment,
  instance: Instance,
  evidence?: RunEvidence,
  policy: GradingPolicy = {},
): TestVerdict {
  const parser = getLogParser(environment.logParser);
  const view = readSweBenchLog(log, parser);
  const { names, normalize } = expectedNames(instance, parser, policy);
  const unchecked: CheckedResults = { statuses: view.statuses, trusted: true, issues: [] };
  const checked =
    evidence && policy.crossCheck !== false
      ? crossCheck({
          log: view.statuses,
          parser,
          exitCode: evidence.exitCode,
          timedOut: evidence.timedOut,
          truncated: evidence.truncated,
          structured: evidence.structured,
          namesOfInterest: names,
          ...(evidence.tampering ? { tampering: evidence.tampering } : {}),
        })
      : (distrustTampering(evidence?.tampering) ?? unchecked);

  let found = view.found && checked.trusted;
  let reason = view.found ? checked.issues[0] : view.reason;
  // SWE-bench reads the first exit-code line, which a test could have printed; the harness knows the real one.
  const realExit = evidence?.exitCode;
  if (found && realExit !== undefined && realExit !== null && realExit !== 0 && view.statuses.size > 0 && ![...view.statuses.values()].some(isFailure)) {
    found = false;
    reason = `the test command exited with ${realExit} but no test failed in its output`;
  }
  const graded = gradeInstance(found ? checked.statuses : new Map(), instance, normalize, { evalType: evalTypeFor(environment, instance.repo) });
  // Nothing to grade is never a resolution, even for an instance that lists no tests.
  const grade = found ? graded : { ...graded, resolved: false };
  return { view, checked, found, ...(found ? {} : { reason: reason ?? 'no results' }), grade };
}

/** A finished run graded directly (the RLVR reward): its log as test_output.txt would hold it. */
export function judgeTestRun(run: TestRun, environment: TestEnvironment, instance: Instance, policy: GradingPolicy = {}, timeoutSeconds = 0): TestVerdict {
  const log = formatTestOutput({ output: run.output, exitCode: run.exitCode, timedOut: run.timedOut, timeoutSeconds });
  return judgeTestLog(log, environment, instance, evidenceOf(run), policy);
}

export function evidenceOf(run: Pick<TestRun, 'exitCode' | 'timedOut' | 'truncated' | 'structured' | 'guard'>): RunEvidence {
  return {
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    truncated: run.truncated,
    structured: run.structured,
    ...(run.guard ? { tampering: run.guard.tampering } : {}),
  };
}
