/**
 * Runs an instance's tests in a sandbox: puts the test files back to the base commit, applies the
 * test patch, runs the spec's test command under a timeout, and collects the runner's own
 * structured report from a directory only the harness knows.
 */
import type { Sandbox } from '../sandbox/types.js';
import { buildTestCommand } from '../sandbox/images/environment-spec.js';
import { shellQuote } from '../util/shell-quote.js';
import type { Instance } from './instances.js';
import { structuredReportFor, type StructuredResults } from './log-parsers/index.js';
import { applyPatch, type PatchApplication } from './patch-apply.js';
import { testDirectives, touchedPaths } from './patch-files.js';
import type { TestEnvironment } from './test-environment.js';
import { unguessableSuffix } from './unguessable-suffix.js';

/**
 * Which tests the command runs: SWE-bench passes the test files its test patch touches (its "test
 * directives"); `whole-command` runs the spec's command as written, for suites that cannot take
 * file arguments.
 */
export type TestSelection = 'test-patch-files' | 'whole-command';

export interface TestRunOptions {
  timeoutMs: number;
  selection?: TestSelection;
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
}

/**
 * Restores every file the test patch touches to the base commit (a model may have edited the very
 * tests that grade it), then applies the test patch.
 */
export async function applyTestPatch(sandbox: Sandbox, instance: Instance): Promise<PatchApplication> {
  const paths = touchedPaths(instance.test_patch);
  if (paths.length === 0) return { applied: true, attempts: [] };
  const cd = `cd ${shellQuote(sandbox.workdir)}`;
  // base_commit may be unknown inside the sandbox (a repository rebuilt under another id): HEAD then.
  const base = shellQuote(instance.base_commit);
  const reset =
    `base=${base}; git cat-file -e "$base^{commit}" 2>/dev/null || base=HEAD; ` +
    `for f in ${paths.map(shellQuote).join(' ')}; do ` +
    'if git cat-file -e "$base:$f" 2>/dev/null; then git checkout -q "$base" -- "$f"; else rm -rf -- "$f"; fi; done';
  const resetResult = await sandbox.run(`${cd} && { ${reset}; }`, { timeoutMs: 120_000 });
  if (resetResult.exitCode !== 0) {
    return { applied: false, attempts: [], failureReason: `resetting the test files failed: ${resetResult.output.trim()}` };
  }
  return applyPatch(sandbox, instance.test_patch, { label: 'test-patch' });
}

export function testCommandFor(environment: TestEnvironment, instance: Instance, selection: TestSelection = 'test-patch-files'): string {
  const directives = selection === 'test-patch-files' ? testDirectives(instance.test_patch, environment.testDirectives) : [];
  return buildTestCommand(environment, directives);
}

async function readStructuredReport(
  sandbox: Sandbox,
  path: string,
  read: (content: Uint8Array) => StructuredResults,
): Promise<StructuredReportState> {
  let content: Buffer;
  try {
    content = await sandbox.readFile(path);
  } catch (error) {
    return { state: 'missing', reason: `the runner wrote no report (${error instanceof Error ? error.message : String(error)})` };
  }
  const results = read(content);
  if (results.size === 0) return { state: 'missing', reason: 'the runner report lists no tests' };
  return { state: 'read', results, content };
}

export async function runTests(sandbox: Sandbox, environment: TestEnvironment, instance: Instance, options: TestRunOptions): Promise<TestRun> {
  const command = testCommandFor(environment, instance, options.selection);
  const format = environment.runnerReport === false ? undefined : structuredReportFor(environment.logParser);
  // A fresh directory with an unguessable name, created only now: code under test cannot have
  // planted a report there beforehand.
  const privateDir = `/tmp/swe-srl-results-${unguessableSuffix()}`;
  const setup = format?.prepare(privateDir);
  await sandbox.run(`mkdir -m 700 ${shellQuote(privateDir)}`, { timeoutMs: 30_000 });
  try {
    for (const file of setup?.files ?? []) await sandbox.writeFile(file.path, file.content);
    const prelude = setup ? `${setup.shell}; ` : '';
    // A subshell keeps the session's state (cwd, variables) out of reach of the command, and
    // stdin from /dev/null stops a test that reads input from waiting forever.
    const result = await sandbox.run(`( ${prelude}cd ${shellQuote(sandbox.workdir)} && ${command} ) < /dev/null`, {
      timeoutMs: options.timeoutMs,
    });
    let structured: StructuredReportState = { state: 'not-supported' };
    if (format && setup) {
      structured = result.timedOut
        ? { state: 'missing', reason: 'the test command timed out' }
        : await readStructuredReport(sandbox, setup.reportPath, (content) => format.read(content));
    }
    return {
      command,
      output: result.output,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      truncated: result.truncated,
      durationMs: result.durationMs,
      structured,
    };
  } finally {
    await sandbox.run(`rm -rf ${shellQuote(privateDir)}`, { timeoutMs: 30_000 }).catch(() => undefined);
  }
}
