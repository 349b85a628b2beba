/**
 * The per-instance report.json in SWE-bench v5's shape (`{ [instance_id]: { patch_is_None,
 * patch_exists, patch_successfully_applied, resolved, infra_failure, [infra_failure_reason],
 * [tests_status] } }`), so SWE-bench's tools and leaderboards read it. As in SWE-bench,
 * `patch_successfully_applied` means "the log had results to grade": false (and no tests_status)
 * when the log holds none, with infra_failure/infra_failure_reason saying when that looks like the
 * environment's fault. What SWE-bench does not record (how the patch applied, timeouts, why results
 * were distrusted, gold validation) goes under one extra key, `swe_srl`, which those tools ignore.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomically } from '../io/atomic-write.js';
import type { TestsStatus } from './grading.js';
import { classifyInfraFailure } from './infra-failure.js';
import type { PatchMethod } from './patch-apply.js';
import type { TestVerdict } from './test-verdict.js';

export type InstanceOutcome = 'resolved' | 'unresolved' | 'empty_patch';

export interface GoldValidation {
  /** Every FAIL_TO_PASS test failed before the gold patch and passed after it. */
  valid: boolean;
  fail_to_pass_failed_before: string[];
  fail_to_pass_passed_before: string[];
}

export interface SweSrlReportDetails {
  outcome: InstanceOutcome;
  patch_applied_with?: PatchMethod;
  patch_apply_failure?: string;
  test_command?: string;
  test_exit_code?: number | null;
  tests_timed_out?: boolean;
  /**
   * Why some or all results were not believed (see cross-check.ts), and which of the test runner's
   * files the patch changed (reset before the run: see source-only-patch.ts).
   */
  integrity_issues?: string[];
  /** The runner files the patch changed, by kind (runner-files.ts). */
  runner_files_reset?: Array<{ path: string; kind: string }>;
  /** The sandbox was stopped by a limit the code in it passed (its disk). */
  sandbox_limit?: string;
  fail_to_pass_fraction?: number;
  gold_validation?: GoldValidation;
  /** Why the log had no results to grade, when it had none. */
  no_results_reason?: string;
  /** The pre-test steps' exit statuses, in order. */
  pre_test_exit_codes?: Array<number | null>;
  /** When the report came from `--regrade`. */
  regraded_at?: string;
}

export interface InstanceReportBody {
  patch_is_None: boolean;
  patch_exists: boolean;
  patch_successfully_applied: boolean;
  resolved: boolean;
  /** v5: the log had no results and its signature is an environment's (advisory). */
  infra_failure: boolean;
  infra_failure_reason?: string;
  tests_status?: TestsStatus;
  swe_srl?: SweSrlReportDetails;
}

/** The SWE-bench part of a report for a graded log (get_eval_report's, given the verdict). */
export function reportBodyForVerdict(verdict: TestVerdict, testOutput: string): Omit<InstanceReportBody, 'swe_srl'> {
  const body: Omit<InstanceReportBody, 'swe_srl'> = {
    patch_is_None: false,
    patch_exists: true,
    patch_successfully_applied: verdict.found,
    resolved: verdict.found && verdict.grade.resolved,
    infra_failure: false,
  };
  if (!verdict.found) {
    const classified = classifyInfraFailure(testOutput);
    if (classified) return { ...body, infra_failure: classified.tier === 'environment', infra_failure_reason: classified.reason };
    return body;
  }
  return { ...body, tests_status: verdict.grade.testsStatus };
}

export type InstanceReport = Record<string, InstanceReportBody>;

const outcomesSchema = z.object({ success: z.array(z.string()), failure: z.array(z.string()) });

// Only what resuming and the summary rely on is checked; the rest is carried as written.
const reportBodySchema = z.looseObject({
  patch_is_None: z.boolean(),
  patch_exists: z.boolean(),
  patch_successfully_applied: z.boolean(),
  resolved: z.boolean(),
  // Reports written before v5's key existed have none.
  infra_failure: z.boolean().default(false),
  tests_status: z
    .looseObject({ FAIL_TO_PASS: outcomesSchema, PASS_TO_PASS: outcomesSchema })
    .optional(),
});

export async function writeInstanceReport(path: string, instanceId: string, body: InstanceReportBody): Promise<void> {
  const report: InstanceReport = { [instanceId]: body };
  await writeFileAtomically(path, `${JSON.stringify(report, null, 4)}\n`);
}

export type StoredReport = { state: 'absent' } | { state: 'invalid'; reason: string } | { state: 'valid'; body: InstanceReportBody };

/** Reads a report.json back; a broken one is `invalid` (SWE-bench counts those as errors). */
export async function readInstanceReport(path: string, instanceId: string): Promise<StoredReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'invalid', reason: String(error) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { state: 'invalid', reason: `not JSON: ${(error as Error).message}` };
  }
  const body = reportBodySchema.safeParse((parsed as Record<string, unknown> | null)?.[instanceId]);
  if (!body.success) return { state: 'invalid', reason: `no valid entry for ${instanceId}: ${body.error.issues[0]?.message ?? ''}` };
  return { state: 'valid', body: body.data as InstanceReportBody };
}
