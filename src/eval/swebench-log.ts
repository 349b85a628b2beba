/**
 * The test log as SWE-bench writes and reads it (v5): the test command's output between the
 * markers `>>>>> Start Test Output` and `>>>>> End Test Output`, then `>>>>> Test Exit Code: N`.
 * swe-srl writes its logs in that shape, so SWE-bench's `get_eval_report` grades them, and reads
 * logs (its own or SWE-bench's) with SWE-bench's rules (get_logs_eval):
 *
 *  - a log holding `>>>>> Patch Apply Failed`, `>>>>> Reset Failed`, `>>>>> Tests Errored` or
 *    `>>>>> Tests Timed Out` anywhere, or lacking either output marker, has no results;
 *  - the parser reads the text after the first start marker up to the next end marker; when that
 *    yields nothing it reads the whole log;
 *  - no results and no sign that a suite ran at all (a runner's own count line) is no results;
 *  - an exit code (the first `>>>>> Test Exit Code: N` line) other than 0 while nothing parsed
 *    FAILED or ERROR means the log does not describe the run: no results.
 */
import type { LogParser } from './log-parsers/log-parser.js';
import { pythonLines } from './log-parsers/swebench-pytest.js';
import { isFailure, type TestStatusMap } from './test-status.js';

export const SWEBENCH_LOG_MARKERS = {
  applyPatchFail: '>>>>> Patch Apply Failed',
  applyPatchPass: '>>>>> Applied Patch',
  resetFailed: '>>>>> Reset Failed',
  testsError: '>>>>> Tests Errored',
  testsTimeout: '>>>>> Tests Timed Out',
  startTestOutput: '>>>>> Start Test Output',
  endTestOutput: '>>>>> End Test Output',
  testExitCode: '>>>>> Test Exit Code',
} as const;

const BAD_CODES = [
  SWEBENCH_LOG_MARKERS.applyPatchFail,
  SWEBENCH_LOG_MARKERS.resetFailed,
  SWEBENCH_LOG_MARKERS.testsError,
  SWEBENCH_LOG_MARKERS.testsTimeout,
];

// Evidence that some runner ran at all, with a non-zero count (SWE-bench's SUITE_RAN).
const SUITE_RAN =
  /Executed [1-9]\d* of \d+|TOTAL: [1-9]\d* (?:SUCCESS|FAILED)|[1-9]\d* passing|Tests:\s+[1-9]\d*|Test Suites:\s+(?:\d+ \w+, )*[1-9]\d* total|^# tests [1-9]\d*|[1-9]\d* specs?, \d+ failures?|': ok$/m;

const EXIT_CODE_LINE = /^>>>>> Test Exit Code:\s*(-?\d+)/m;
const FIRST_EXIT_CODE = />>>>> Test Exit Code:\s*(-?\d+)/;

export interface SweBenchLogView {
  /** SWE-bench's "found": the log has results to grade (its report's patch_successfully_applied). */
  found: boolean;
  /** Why not, when not found. */
  reason?: string;
  statuses: TestStatusMap;
  /** The exit code SWE-bench reads: the first marker line, wherever it is. */
  exitCode?: number;
}

/** SWE-bench's exit code for the log: the first `>>>>> Test Exit Code: N` anywhere. */
export function sweBenchExitCode(text: string): number | undefined {
  const match = FIRST_EXIT_CODE.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * The exit code swe-srl wrote: its own marker line is the last one of the log (a test's output
 * comes before it, so any marker line it printed comes earlier).
 */
export function writtenExitCode(text: string): number | undefined {
  const matches = [...text.matchAll(new RegExp(EXIT_CODE_LINE.source, 'gm'))];
  const last = matches[matches.length - 1];
  return last ? Number(last[1]) : undefined;
}

/** The log as SWE-bench's get_logs_eval reads it, with `parser` as the repository's parser. */
export function readSweBenchLog(log: string | Uint8Array, parser: LogParser): SweBenchLogView {
  const text = pythonLines(log).join('\n');
  const empty: TestStatusMap = new Map();
  const bad = BAD_CODES.find((code) => text.includes(code));
  if (bad) return { found: false, reason: `the log holds "${bad}"`, statuses: empty };
  const startAt = text.indexOf(SWEBENCH_LOG_MARKERS.startTestOutput);
  if (startAt === -1 || !text.includes(SWEBENCH_LOG_MARKERS.endTestOutput)) {
    return { found: false, reason: 'the log lacks the test output markers', statuses: empty };
  }
  const afterStart = text.slice(startAt + SWEBENCH_LOG_MARKERS.startTestOutput.length);
  // Python's split(START)[1]: up to the next start marker, if a second one exists.
  const nextStart = afterStart.indexOf(SWEBENCH_LOG_MARKERS.startTestOutput);
  const region = (nextStart === -1 ? afterStart : afterStart.slice(0, nextStart)).split(SWEBENCH_LOG_MARKERS.endTestOutput)[0]!;
  let statuses = parser.parse(region);
  if (statuses.size === 0) statuses = parser.parse(text);
  const exitCode = sweBenchExitCode(text);
  const view = { statuses, ...(exitCode !== undefined ? { exitCode } : {}) };
  if (statuses.size === 0 && !SUITE_RAN.test(text)) return { ...view, found: false, reason: 'no test results and no sign that a suite ran' };
  if (exitCode !== undefined && exitCode !== 0 && statuses.size > 0 && ![...statuses.values()].some(isFailure)) {
    return { ...view, found: false, reason: `the test command exited with ${exitCode} but no test failed in its output` };
  }
  return { ...view, found: true };
}

export interface TestOutputParts {
  /** What ran before the tests in the same script (the pre-test steps), if anything. */
  preTest?: string;
  /** The test command's output. */
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  timeoutSeconds: number;
}

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * test_output.txt in SWE-bench's shape. A run cut by its time limit has no end marker and no
 * exit code (SWE-bench's script never gets there) and ends with SWE-bench's timeout line.
 */
export function formatTestOutput(parts: TestOutputParts): string {
  const head = `${withNewline(parts.preTest ?? '')}${SWEBENCH_LOG_MARKERS.startTestOutput}\n${withNewline(parts.output)}`;
  if (parts.timedOut) return `${head}\n\nTimeout error: ${parts.timeoutSeconds} seconds exceeded.\n`;
  return `${head}${SWEBENCH_LOG_MARKERS.endTestOutput}\n${SWEBENCH_LOG_MARKERS.testExitCode}: ${parts.exitCode ?? -1}\n`;
}
