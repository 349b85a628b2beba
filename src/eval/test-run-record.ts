/**
 * What a test run leaves next to its test_output.txt so that `--regrade` can grade it again
 * without running anything: test_run.json (exit status, time limit, capping, the runner report's
 * state, the pre-test steps, what the runner guard caught) and the runner's own report as it wrote
 * it (runner_report). The guard's findings are kept because they are evidence the log cannot carry:
 * without them a regrade would believe a run whose test process was tampered with. The log
 * itself is SWE-bench's test_output.txt; these two files are swe-srl's, and SWE-bench ignores them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomically } from '../io/atomic-write.js';
import { structuredReportFor } from './log-parsers/index.js';
import type { PreTestStep } from './pre-test.js';
import type { TestEnvironment } from './test-environment.js';
import type { StructuredReportState, TestRun } from './test-run.js';
import type { RunEvidence } from './test-verdict.js';

export const TEST_RUN_RECORD_VERSION = 1;

const recordSchema = z.looseObject({
  version: z.literal(TEST_RUN_RECORD_VERSION),
  command: z.string(),
  exit_code: z.number().int().nullable(),
  timed_out: z.boolean(),
  truncated: z.boolean(),
  duration_ms: z.number(),
  timeout_seconds: z.number(),
  runner_report: z.discriminatedUnion('state', [
    z.object({ state: z.literal('not-supported') }),
    z.object({ state: z.literal('missing'), reason: z.string() }),
    z.object({ state: z.literal('read'), file: z.string() }),
  ]),
  pre_test: z
    .array(z.object({ command: z.string(), exit_code: z.number().int().nullable(), timed_out: z.boolean(), duration_ms: z.number() }))
    .default([]),
  /** What the runner guard saw the patched code do to the runner; absent when it did not run. */
  runner_guard: z.object({ tampering: z.array(z.string()) }).optional(),
});

export type TestRunRecord = z.infer<typeof recordSchema>;

export interface TestRunFiles {
  /** test_run.json */
  record: string;
  /** runner_report */
  runnerReport: string;
}

export async function writeTestRunRecord(files: TestRunFiles, run: TestRun, timeoutSeconds: number, preTest: readonly PreTestStep[]): Promise<void> {
  let runnerReport: TestRunRecord['runner_report'];
  if (run.structured.state === 'read') {
    await writeFile(files.runnerReport, run.structured.content);
    runnerReport = { state: 'read', file: files.runnerReport.split('/').pop()! };
  } else {
    runnerReport = run.structured;
  }
  const record: TestRunRecord = {
    version: TEST_RUN_RECORD_VERSION,
    command: run.command,
    exit_code: run.exitCode,
    timed_out: run.timedOut,
    truncated: run.truncated,
    duration_ms: Math.round(run.durationMs),
    timeout_seconds: timeoutSeconds,
    runner_report: runnerReport,
    pre_test: preTest.map((step) => ({ command: step.command, exit_code: step.exitCode, timed_out: step.timedOut, duration_ms: Math.round(step.durationMs) })),
    ...(run.guard ? { runner_guard: { tampering: run.guard.tampering } } : {}),
  };
  await writeFileAtomically(files.record, `${JSON.stringify(record, null, 2)}\n`);
}

export type StoredTestRun =
  | { state: 'absent' }
  | { state: 'invalid'; reason: string }
  | { state: 'valid'; record: TestRunRecord; evidence: RunEvidence };

/** Reads test_run.json and the runner report back as the evidence grading takes. */
export async function readTestRunRecord(files: TestRunFiles, environment: TestEnvironment): Promise<StoredTestRun> {
  let text: string;
  try {
    text = await readFile(files.record, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'invalid', reason: String(error) };
  }
  let parsed: ReturnType<typeof recordSchema.safeParse>;
  try {
    parsed = recordSchema.safeParse(JSON.parse(text));
  } catch (error) {
    return { state: 'invalid', reason: `${files.record}: not JSON: ${(error as Error).message}` };
  }
  if (!parsed.success) return { state: 'invalid', reason: `${files.record}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const record = parsed.data;
  let structured: StructuredReportState;
  if (record.runner_report.state === 'read') {
    const format = structuredReportFor(environment.logParser);
    if (!format) return { state: 'invalid', reason: `${files.record}: a runner report is recorded, but parser ${environment.logParser} reads none` };
    let content: Buffer;
    try {
      content = await readFile(files.runnerReport);
    } catch (error) {
      return { state: 'invalid', reason: `${files.runnerReport}: ${(error as Error).message}` };
    }
    structured = { state: 'read', results: format.read(content), content };
  } else {
    structured = record.runner_report;
  }
  return {
    state: 'valid',
    record,
    evidence: {
      exitCode: record.exit_code,
      timedOut: record.timed_out,
      truncated: record.truncated,
      structured,
      ...(record.runner_guard ? { tampering: record.runner_guard.tampering } : {}),
    },
  };
}
