/**
 * The steps SWE-bench's eval script runs before the tests, in the same shell: the spec's
 * `eval_commands` (here `pre_test`: locale exports, a `locale-gen`), then its `install` again (here
 * `reinstall`: `instance_install` or the commands it lists), so compiled extensions and non-editable installs
 * pick up the model's change. They run in the sandbox's persistent session, not a subshell, so
 * what they export reaches the test command. As in SWE-bench's script (`set -uxo pipefail`, no
 * `-e`), a failing step does not stop the others or the tests; its exit status is logged.
 */
import type { Sandbox } from '../sandbox/types.js';
import { shellQuote } from '../util/shell-quote.js';
import type { TestEnvironment } from './test-environment.js';

export interface PreTestStep {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
}

export interface PreTestResult {
  steps: PreTestStep[];
  /** Every step's command and output, xtrace-style (`+ command`), for the top of test_output.txt. */
  output: string;
  durationMs: number;
}

/** The commands to run before the tests, in SWE-bench's order. */
export function preTestCommands(environment: TestEnvironment): string[] {
  return [...(environment.preTest ?? []), ...(environment.reinstall ?? [])];
}

export async function runPreTestSteps(sandbox: Sandbox, environment: TestEnvironment, options: { timeoutMs: number }): Promise<PreTestResult> {
  const steps: PreTestStep[] = [];
  let output = '';
  let durationMs = 0;
  for (const command of preTestCommands(environment)) {
    const result = await sandbox.run(`cd ${shellQuote(sandbox.workdir)} && ${command} < /dev/null`, { timeoutMs: options.timeoutMs });
    steps.push({ command, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs });
    durationMs += result.durationMs;
    output += `+ ${command}\n${result.output}${result.output === '' || result.output.endsWith('\n') ? '' : '\n'}`;
    if (result.timedOut) output += `(timed out after ${options.timeoutMs / 1000} s)\n`;
  }
  return { steps, output, durationMs };
}
