/**
 * The RLVR outcome reward for the trainer: at the end of an episode, the sandbox holds the agent's
 * changes to the repository; run the instance's tests there and score 1 when it is resolved, 0
 * otherwise, or, with partial credit, the share of FAIL_TO_PASS tests that pass.
 *
 * It applies the test patch and runs tests in the given sandbox, so call it once, when the agent
 * is done; the agent's edits to the test files the test patch touches are undone first, so an
 * agent cannot grade itself by rewriting the tests.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instances.js';
import type { TestsStatus } from './grading.js';
import { runPreTestSteps } from './pre-test.js';
import type { TestEnvironment } from './test-environment.js';
import { applyTestPatch, runTests, type TestSelection } from './test-run.js';
import { judgeTestRun, type GradingPolicy } from './test-verdict.js';

export const DEFAULT_TEST_TIMEOUT_SECONDS = 1800;

export interface RlvrRewardOptions {
  /**
   * When not resolved, give the share of FAIL_TO_PASS tests that pass instead of 0, as long as no
   * PASS_TO_PASS test broke (otherwise a patch that breaks the rest of the suite while making the
   * new tests pass would score like a fix).
   */
  partialCredit?: boolean;
  /** Test command time limit; the environment's `timeout`, else 30 minutes. */
  timeoutMs?: number;
  selection?: TestSelection;
  grading?: GradingPolicy;
}

export interface RlvrRewardResult {
  reward: number;
  resolved: boolean;
  failToPassFraction: number;
  testsStatus: TestsStatus | undefined;
  testPatchApplied: boolean;
  timedOut: boolean;
  /** Why results were distrusted, or why no tests could run. */
  issues: string[];
  /** The test command's console output. */
  testOutput: string;
  /** Wall time of the test command alone. */
  testDurationMs: number;
}

export async function rlvrReward(
  sandbox: Sandbox,
  instance: Instance,
  environment: TestEnvironment,
  options: RlvrRewardOptions = {},
): Promise<RlvrRewardResult> {
  const timeoutMs = options.timeoutMs ?? (environment.timeoutSeconds ?? DEFAULT_TEST_TIMEOUT_SECONDS) * 1000;
  // As SWE-bench's eval script: the spec's eval_commands and re-install, then the test patch.
  await runPreTestSteps(sandbox, environment, { timeoutMs });
  const testPatch = await applyTestPatch(sandbox, instance);
  if (!testPatch.applied) {
    return {
      reward: 0,
      resolved: false,
      failToPassFraction: 0,
      testsStatus: undefined,
      testPatchApplied: false,
      timedOut: false,
      issues: [`the test patch did not apply: ${testPatch.failureReason ?? 'unknown reason'}`],
      testOutput: '',
      testDurationMs: 0,
    };
  }
  const run = await runTests(sandbox, environment, instance, { timeoutMs, ...(options.selection ? { selection: options.selection } : {}) });
  const { grade, checked } = judgeTestRun(run, environment, instance, options.grading, timeoutMs / 1000);
  const keptTheRest = grade.testsStatus.PASS_TO_PASS.failure.length === 0;
  const reward = grade.resolved ? 1 : options.partialCredit && keptTheRest ? grade.failToPassFraction : 0;
  return {
    reward,
    resolved: grade.resolved,
    failToPassFraction: grade.failToPassFraction,
    testsStatus: grade.testsStatus,
    testPatchApplied: true,
    timedOut: run.timedOut,
    issues: checked.issues,
    testOutput: run.output,
    testDurationMs: run.durationMs,
  };
}
