/**
 * The RLVR outcome reward for the trainer: at the end of an episode, the sandbox holds the agent's
 * changes to the repository; run the instance's tests and score 1 when it is resolved, 0
 * otherwise, or, with partial credit, the share of FAIL_TO_PASS tests that pass.
 *
 * A policy learns whatever earns reward, so the grade must not be something the episode can forge:
 *  - with `freshSandbox`, the agent's patch (its diff, read back within the read-back cap) is graded
 *    in a new sandbox from the instance image, so nothing the agent did outside the repository (an
 *    edited site-packages, a replaced pytest) takes part; without it the episode's own sandbox is
 *    graded, and the result says so;
 *  - the patch is kept to the source files: the test runner's files it changed (conftest.py, test
 *    packages, runner configuration, start-up code) go back to the base commit, as do the test files
 *    the test patch touches, before the tests run;
 *  - the runner guard watches what the patched files do to the runner while the tests run.
 * A patch that touched the runner's files, or that the guard caught, earns no reward: the reason
 * is in `rewardWithheld` and `integrityIssues`.
 */
import { isSandboxGone, ReadBackLimitError } from '../errors.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instances.js';
import type { TestsStatus } from './grading.js';
import { tamperingIssues } from './cross-check.js';
import { applyConfinedPatch } from './confined-patch.js';
import { runPreTestSteps } from './pre-test.js';
import { keepSourceChangesOnly, runnerFileIssues, type SourceOnlyResult } from './source-only-patch.js';
import type { TestEnvironment } from './test-environment.js';
import { applyTestPatchAndRunTests, testPatchOptionsAfter, baseRef, type TestSelection } from './test-run.js';
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
  /**
   * Opens a fresh sandbox of the instance (at its base commit) to grade the episode's patch in; it is
   * closed afterwards. Without it the episode's own sandbox is graded in place.
   */
  freshSandbox?: () => Promise<Sandbox>;
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
  /** Runner files the patch changed and what the runner guard caught: any of these withholds the reward. */
  integrityIssues: string[];
  /** Why the reward is 0 whatever the tests said, when it is. */
  rewardWithheld?: string;
  /** Where the grade was taken: a fresh sandbox, or the episode's own. */
  gradedIn: 'fresh-sandbox' | 'episode-sandbox';
  /** The test command's console output. */
  testOutput: string;
  /** Wall time of the test command alone. */
  testDurationMs: number;
}

function noTests(gradedIn: RlvrRewardResult['gradedIn'], issue: string, integrityIssues: string[] = []): RlvrRewardResult {
  return {
    reward: 0,
    resolved: false,
    failToPassFraction: 0,
    testsStatus: undefined,
    testPatchApplied: false,
    timedOut: false,
    issues: [issue],
    integrityIssues,
    ...(integrityIssues.length > 0 ? { rewardWithheld: integrityIssues[0] } : {}),
    gradedIn,
    testOutput: '',
    testDurationMs: 0,
  };
}

export async function rlvrReward(
  sandbox: Sandbox,
  instance: Instance,
  environment: TestEnvironment,
  options: RlvrRewardOptions = {},
): Promise<RlvrRewardResult> {
  if (options.freshSandbox === undefined) {
    const confined = await keepSourceChangesOnly(sandbox, await baseRef(sandbox, instance));
    return gradeConfined(sandbox, instance, environment, options, confined, 'episode-sandbox');
  }
  let patch: string;
  try {
    patch = await sandbox.diff();
  } catch (error) {
    if (!(error instanceof ReadBackLimitError)) throw error;
    return noTests('fresh-sandbox', `the episode's patch could not be read back: ${error.message}`);
  }
  const grading = await options.freshSandbox();
  try {
    if (patch.trim() === '') return noTests('fresh-sandbox', 'the episode changed nothing');
    const { application, confined } = await applyConfinedPatch(grading, instance, patch, { label: 'episode-patch' });
    if (!confined) return noTests('fresh-sandbox', `the episode's patch does not apply to the base commit: ${application.failureReason ?? ''}`);
    return await gradeConfined(grading, instance, environment, options, confined, 'fresh-sandbox');
  } finally {
    await grading.close().catch((error: unknown) => {
      if (isSandboxGone(error)) return;
      throw error;
    });
  }
}

async function gradeConfined(
  sandbox: Sandbox,
  instance: Instance,
  environment: TestEnvironment,
  options: RlvrRewardOptions,
  confined: SourceOnlyResult,
  gradedIn: RlvrRewardResult['gradedIn'],
): Promise<RlvrRewardResult> {
  const runnerIssues = runnerFileIssues(confined);
  const timeoutMs = options.timeoutMs ?? (environment.timeoutSeconds ?? DEFAULT_TEST_TIMEOUT_SECONDS) * 1000;
  // As SWE-bench's eval script: the spec's eval_commands and re-install (of the base commit's
  // setup files: the patch's were reset), then the test patch.
  const preTest = await runPreTestSteps(sandbox, environment, { timeoutMs });
  const { testPatch, run } = await applyTestPatchAndRunTests(sandbox, environment, instance, {
    timeoutMs,
    untrustedFiles: confined.sourceFiles,
    ...(options.selection ? { selection: options.selection } : {}),
    ...testPatchOptionsAfter(confined, preTest),
  });
  if (!run) return noTests(gradedIn, `the test patch did not apply: ${testPatch.failureReason ?? 'unknown reason'}`, runnerIssues);
  const { grade, checked } = judgeTestRun(run, environment, instance, options.grading, timeoutMs / 1000);
  const integrityIssues = [...runnerIssues, ...tamperingIssues(run.guard?.tampering ?? [])];
  const keptTheRest = grade.testsStatus.PASS_TO_PASS.failure.length === 0;
  const earned = grade.resolved ? 1 : options.partialCredit && keptTheRest ? grade.failToPassFraction : 0;
  const withheld = integrityIssues[0];
  return {
    reward: withheld === undefined ? earned : 0,
    resolved: grade.resolved,
    failToPassFraction: grade.failToPassFraction,
    testsStatus: grade.testsStatus,
    testPatchApplied: true,
    timedOut: run.timedOut,
    issues: checked.issues,
    integrityIssues,
    ...(withheld !== undefined ? { rewardWithheld: withheld } : {}),
    gradedIn,
    testOutput: run.output,
    testDurationMs: run.durationMs,
  };
}
