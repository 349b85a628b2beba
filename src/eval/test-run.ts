/**
 * Runs an instance's tests in a sandbox: puts the test files back to the base commit, applies the
 * test patch, runs the spec's test command under a timeout, and collects the runner's own
 * structured report from a directory only the harness knows.
 */
import { posix } from 'node:path';
import { isSandboxGone, ReadBackLimitError } from '../errors.js';
import type { Sandbox } from '../sandbox/types.js';
import { buildTestCommand } from '../sandbox/images/environment-spec.js';
import { shellQuote } from '../util/shell-quote.js';
import type { Instance } from './instances.js';
import { structuredReportFor, type StructuredReportFormat, type StructuredReportSetup, type StructuredResults } from './log-parsers/index.js';
import { applyPatch, type ApplyPatchOptions, type PatchApplication } from './patch-apply.js';
import { testDirectives, touchedPaths } from './patch-files.js';
import type { TestEnvironment } from './test-environment.js';
import { unguessableSuffix } from './unguessable-suffix.js';
import { restoreCommand, restorePaths } from './work-tree-restore.js';
import { readTextFiles, sessionWriteCommand, textFilesRead, type TextFile } from './session-files.js';
import { RUNNER_REPORT_LIMITS } from './read-back-limits.js';
import type { PreTestResult } from './pre-test.js';
import type { SourceOnlyResult } from './source-only-patch.js';
import { prepareRunnerGuard, readGuardFindings, type GuardFindings, type RunnerGuardSetup } from './runner-guard.js';

/**
 * Which tests the command runs: SWE-bench passes the test files its test patch touches (its "test
 * directives"); `whole-command` runs the spec's command as written, for suites that cannot take
 * file arguments.
 */
export type TestSelection = 'test-patch-files' | 'whole-command';

export interface TestRunOptions {
  timeoutMs: number;
  selection?: TestSelection;
  /**
   * Files the patch changed that the tests may import (relative to the work tree). Python runs then
   * carry the runner guard (runner-guard.ts), which reports what these files do to the runner.
   */
  untrustedFiles?: readonly string[];
}

export type StructuredReportState =
  | { state: 'not-supported' }
  | { state: 'missing'; reason: string }
  | { state: 'read'; results: StructuredResults; content: Uint8Array };

export interface TestRun {
  command: string;
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  /** The sandbox dropped the middle of the output (its cap): parsed results may be incomplete. */
  truncated: boolean;
  durationMs: number;
  structured: StructuredReportState;
  /** What the runner guard reported; absent when it did not run (not a Python runner, no untrusted files given). */
  guard?: GuardFindings;
}

export interface TestPatchOptions {
  /**
   * Every path that may differ from the base commit: what git reports changed and new, and every
   * file written since a mark taken before the model's patch (SourceOnlyResult with `everyWrite`),
   * with nothing run in the tree since. The test patch's paths that are neither in it nor below a
   * path in it are at the base commit already, so restoring them would change nothing; when every
   * one is, the restore is skipped. Without it every path is restored.
   */
  changedSinceBase?: readonly string[];
}

/**
 * What the test patch may skip after the model's patch was confined: nothing, unless the listing
 * saw every write and no pre-test step has run in the tree since it was taken.
 */
export function testPatchOptionsAfter(confined: Pick<SourceOnlyResult, 'changedPaths' | 'everyWrite'> | undefined, preTest: PreTestResult): TestPatchOptions {
  return confined?.everyWrite && preTest.steps.length === 0 ? { changedSinceBase: confined.changedPaths } : {};
}

/**
 * Restores every file the test patch touches to the base commit (a model may have edited the very
 * tests that grade it), then applies the test patch.
 */
export async function applyTestPatch(
  sandbox: Sandbox,
  instance: Instance,
  options: TestPatchOptions & Pick<ApplyPatchOptions, 'after'> = {},
): Promise<PatchApplication> {
  const paths = touchedPaths(instance.test_patch);
  if (paths.length === 0) return { applied: true, attempts: [] };
  const after = options.after !== undefined ? { after: options.after } : {};
  if (options.changedSinceBase !== undefined && allAtBase(paths, options.changedSinceBase)) {
    return applyPatch(sandbox, instance.test_patch, { label: 'test-patch', ...after });
  }
  const ref = await baseRef(sandbox, instance);
  // The restore shares the round trip that pipes the test patch to its first try; what it restored
  // is not reported, so its lines are dropped rather than mixed into the attempt's output.
  const restore = restoreCommand(sandbox, paths, { ref });
  if (restore === undefined) {
    await restorePaths(sandbox, paths, { ref });
    return applyPatch(sandbox, instance.test_patch, { label: 'test-patch', ...after });
  }
  return applyPatch(sandbox, instance.test_patch, { label: 'test-patch', before: `${restore} > /dev/null`, ...after });
}

/**
 * Whether each path is untouched: spelled as git spells paths (relative, no `.`, `..` or empty
 * part, so any other spelling of a changed file would not match it) and neither it nor a directory
 * above it (one turned into a symbolic link) is among the changed paths.
 */
function allAtBase(paths: readonly string[], changed: readonly string[]): boolean {
  const changedSet = new Set(changed);
  return paths.every((path) => {
    const parts = path.split('/');
    if (parts.some((part) => part === '' || part === '.' || part === '..')) return false;
    return parts.every((_, index) => !changedSet.has(parts.slice(0, index + 1).join('/')));
  });
}

/** base_commit, or HEAD when the sandbox does not know it (a repository rebuilt under another id). */
export async function baseRef(sandbox: Sandbox, instance: Instance): Promise<string> {
  // Asked twice per evaluation (before the patch is confined, before the test patch); the answer
  // cannot change in between (commits are not removed), so it costs one round trip per sandbox.
  // A sandbox that started at base_commit has it: no question to ask (the usual case).
  if (sandbox.baseCommit === instance.base_commit) return instance.base_commit;
  const known = baseRefs.get(sandbox)?.get(instance.base_commit);
  if (known !== undefined) return known;
  const ref = await checkBaseRef(sandbox, instance);
  const refs = baseRefs.get(sandbox) ?? new Map<string, string>();
  refs.set(instance.base_commit, ref);
  baseRefs.set(sandbox, refs);
  return ref;
}

const baseRefs = new WeakMap<Sandbox, Map<string, string>>();

async function checkBaseRef(sandbox: Sandbox, instance: Instance): Promise<string> {
  const check = await sandbox.run(
    `cd ${shellQuote(sandbox.workdir)} && git cat-file -e ${shellQuote(`${instance.base_commit}^{commit}`)} 2>/dev/null`,
    { timeoutMs: 30_000 },
  );
  return check.exitCode === 0 ? instance.base_commit : 'HEAD';
}

export function testCommandFor(environment: TestEnvironment, instance: Instance, selection: TestSelection = 'test-patch-files'): string {
  const directives = selection === 'test-patch-files' ? testDirectives(instance.test_patch, environment.testDirectives) : [];
  return buildTestCommand(environment, directives);
}

/**
 * The runner's report, or why there is none to believe. Only the sandbox going away (closed by a
 * signal's cleanup, its container or engine lost) is not an answer: that propagates, so the
 * instance becomes an infrastructure error instead of an unresolved verdict.
 */
async function readStructuredReport(
  readFile: (path: string) => Promise<Buffer>,
  path: string,
  read: (content: Uint8Array) => StructuredResults,
): Promise<StructuredReportState> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    if (isSandboxGone(error)) throw error;
    if (error instanceof ReadBackLimitError) {
      const limit = error.exceeded === 'size' ? `larger than ${error.limit} bytes` : `not readable within ${error.limit} ms`;
      return { state: 'missing', reason: `the runner's report is ${limit}, so it is not read (something inflated it)` };
    }
    return { state: 'missing', reason: `the runner wrote no report (${error instanceof Error ? error.message : String(error)})` };
  }
  const results = read(content);
  if (results.size === 0) return { state: 'missing', reason: 'the runner report lists no tests' };
  return { state: 'read', results, content };
}

/**
 * What a test run needs that is decided before anything runs: the command, and a fresh directory
 * with an unguessable name for the runner's reports and the guard's files. The directory is created
 * only right before the run, so code under test cannot have planted a report there beforehand.
 */
interface TestRunPlan {
  command: string;
  format: StructuredReportFormat | undefined;
  privateDir: string;
  setup: StructuredReportSetup | undefined;
  guard: RunnerGuardSetup | undefined;
  files: TextFile[];
  /** Shell that makes the directory, and writes the files when `makeWrites`. */
  make: string;
  /** Whether `make` writes the files too (each can travel in a command). */
  makeWrites: boolean;
}

function planTestRun(sandbox: Sandbox, environment: TestEnvironment, instance: Instance, options: TestRunOptions): TestRunPlan {
  const command = testCommandFor(environment, instance, options.selection);
  const format = environment.runnerReport === false ? undefined : structuredReportFor(environment.logParser);
  const privateDir = `/tmp/swe-srl-results-${unguessableSuffix()}`;
  const setup = format?.prepare(privateDir);
  const guard = runnerGuardFor(environment, privateDir, sandbox.workdir, options.untrustedFiles);
  const files = [...(guard?.files ?? []), ...(setup?.files ?? [])];
  const subdirectories = [...new Set(files.map((file) => posix.dirname(file.path)).filter((dir) => dir !== privateDir))];
  const writes = files.length === 0 ? undefined : sessionWriteCommand(files);
  const make = [
    `mkdir -m 700 ${shellQuote(privateDir)}`,
    ...(subdirectories.length > 0 ? [`mkdir -p -- ${subdirectories.map(shellQuote).join(' ')}`] : []),
    ...(writes !== undefined ? [writes] : []),
  ].join(' && ');
  return { command, format, privateDir, setup, guard, files, make, makeWrites: writes !== undefined };
}

/**
 * Applies the test patch (applyTestPatch) and, when it applied, runs the tests (runTests). The
 * directory the run needs is made in the round trip that applied the patch, right after it, when
 * the patch applied at its first, piped attempt.
 */
export async function applyTestPatchAndRunTests(
  sandbox: Sandbox,
  environment: TestEnvironment,
  instance: Instance,
  options: TestRunOptions & TestPatchOptions & {
    /** Called once the test patch applied, before the tests start (a log line, say). */
    onTestPatchApplied?: (testPatch: PatchApplication) => Promise<void>;
  },
): Promise<{ testPatch: PatchApplication; run?: TestRun }> {
  const plan = planTestRun(sandbox, environment, instance, options);
  const madeToken = `swe-srl-made-${unguessableSuffix()}`;
  const testPatch = await applyTestPatch(sandbox, instance, { ...options, after: `${plan.make} && builtin printf '%s' ${madeToken}` });
  if (!testPatch.applied) return { testPatch };
  await options.onTestPatchApplied?.(testPatch);
  // Made only when every part succeeded; when the patch applied another way, the run makes it.
  const made = testPatch.afterOutput === undefined ? undefined : testPatch.afterOutput.includes(madeToken);
  return { testPatch, run: await runPlannedTests(sandbox, plan, options, made) };
}

export async function runTests(sandbox: Sandbox, environment: TestEnvironment, instance: Instance, options: TestRunOptions): Promise<TestRun> {
  return runPlannedTests(sandbox, planTestRun(sandbox, environment, instance, options), options, undefined);
}

/**
 * `made`: whether the directory and its files were made already (false: an attempt failed, so the
 * files go through the file API); undefined when nothing tried yet.
 */
async function runPlannedTests(sandbox: Sandbox, plan: TestRunPlan, options: TestRunOptions, made: boolean | undefined): Promise<TestRun> {
  const { command, format, privateDir, setup, guard, files } = plan;
  // The directory and every file the run needs in it, in one session round trip where they fit.
  made ??= (await sandbox.run(plan.make, { timeoutMs: 30_000 })).exitCode === 0;
  let removed = false;
  try {
    // A write the shell refused (or one that cannot travel in a command) goes through the file API.
    if (!made || !plan.makeWrites) for (const file of files) await sandbox.writeFile(file.path, file.content);
    const prelude = [setup?.shell, guard?.shell].filter((part) => part !== undefined).map((part) => `${part}; `).join('');
    // Both reports come back in one read, which also removes the directory: in the test command's
    // own round trip, as its follow-up, which the session caps and times on its own, so the test
    // output and its time are what they would be alone.
    const reportPaths = (timedOut: boolean) => [...(format && setup && !timedOut ? [setup.reportPath] : []), ...(guard ? [guard.reportPath] : [])];
    const cleanup = `rm -rf ${shellQuote(privateDir)}`;
    const reportsRead = textFilesRead(sandbox, reportPaths(false), RUNNER_REPORT_LIMITS, cleanup);
    // A subshell keeps the session's state (cwd, variables) out of reach of the command, and
    // stdin from /dev/null stops a test that reads input from waiting forever.
    const result = await sandbox.run(`( ${prelude}cd ${shellQuote(sandbox.workdir)} && ${command} ) < /dev/null`, {
      timeoutMs: options.timeoutMs,
      followUp: { command: reportsRead.command, timeoutMs: RUNNER_REPORT_LIMITS.timeoutMs },
    });
    // No follow-up ran when the tests timed out (the runner's report is then not read at all), or
    // on a backend that runs none: the reports get a round trip of their own.
    const reports = result.followUp
      ? reportsRead.answer(result.followUp)
      : await readTextFiles(sandbox, reportPaths(result.timedOut), RUNNER_REPORT_LIMITS, cleanup);
    removed = reports.cleanedUp;
    let structured: StructuredReportState = { state: 'not-supported' };
    if (format && setup) {
      structured = result.timedOut
        ? { state: 'missing', reason: 'the test command timed out' }
        : await readStructuredReport(reports.read, setup.reportPath, (content) => format.read(content));
    }
    return {
      command,
      output: result.output,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      truncated: result.truncated,
      durationMs: result.durationMs,
      structured,
      ...(guard ? { guard: await guardFindingsOf(reports.read, guard) } : {}),
    };
  } finally {
    if (!removed) await sandbox.run(`rm -rf ${shellQuote(privateDir)}`, { timeoutMs: 30_000 }).catch(() => undefined);
  }
}

/** The runner guard for Python runners, when the caller named the patch's files. */
function runnerGuardFor(
  environment: TestEnvironment,
  privateDir: string,
  workdir: string,
  untrustedFiles: readonly string[] | undefined,
): RunnerGuardSetup | undefined {
  if (untrustedFiles === undefined) return undefined;
  const runner = environment.logParser === 'pytest' ? 'pytest' : environment.logParser === 'unittest' ? 'python' : undefined;
  if (runner === undefined) return undefined;
  const absolute = untrustedFiles.map((path) => (path.startsWith('/') ? path : `${workdir}/${path}`));
  return prepareRunnerGuard(privateDir, workdir, absolute, runner);
}

/** The guard's findings; a report the code under test inflated past the cap is itself a finding. */
async function guardFindingsOf(readFile: (path: string) => Promise<Buffer>, guard: RunnerGuardSetup): Promise<GuardFindings> {
  try {
    return await readGuardFindings(readFile, guard);
  } catch (error) {
    if (isSandboxGone(error)) throw error;
    const why = error instanceof Error ? error.message : String(error);
    return { tampering: [`the runner guard's report could not be read (${why})`], notes: [] };
  }
}
