/**
 * Grading a captured runner log the way an evaluation does (test_output.txt with SWE-bench's
 * markers, read by SWE-bench's rules, cross-checked against the runner's own report when given).
 */
import { readFileSync } from 'node:fs';
import type { Instance } from '../../../src/eval/instances.js';
import { structuredReportFor, type LogParserName } from '../../../src/eval/log-parsers/index.js';
import { formatTestOutput } from '../../../src/eval/swebench-log.js';
import { judgeTestLog, type GradingPolicy, type RunEvidence, type TestVerdict } from '../../../src/eval/test-verdict.js';

export function instanceWith(tests: { FAIL_TO_PASS: string[]; PASS_TO_PASS?: string[] }, repo = 'example/repo'): Instance {
  return { instance_id: 'example', repo, base_commit: 'HEAD', problem_statement: '', patch: '', test_patch: '', PASS_TO_PASS: [], ...tests };
}

/** The runner's own report read from `path`, as a live run would have it. */
export function evidenceFrom(parser: LogParserName, reportPath: string, exitCode: number | null, truncated = false): RunEvidence {
  const content = readFileSync(reportPath);
  return { exitCode, timedOut: false, truncated, structured: { state: 'read', results: structuredReportFor(parser)!.read(content), content } };
}

export function gradeLog(
  output: string,
  parser: LogParserName,
  instance: Instance,
  options: { exitCode?: number | null; evidence?: RunEvidence; policy?: GradingPolicy } = {},
): TestVerdict {
  const exitCode = options.evidence?.exitCode ?? options.exitCode ?? 0;
  const log = formatTestOutput({ output, exitCode, timedOut: false, timeoutSeconds: 0 });
  return judgeTestLog(log, { testCmd: 'unused', logParser: parser }, instance, options.evidence, options.policy);
}
