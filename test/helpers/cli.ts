/**
 * Running the `swe-srl` command line in tests: as a child process, to see what a user sees (exit
 * code, one-line errors on stderr), or in this process, where it is faster and errors arrive as
 * the objects thrown.
 */
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { execa } from 'execa';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  /** The exit code; undefined when the process was killed (by the timeout, say). */
  code: number | undefined;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs `swe-srl ARGS…` from the sources (through tsx) in the project root; a non-zero exit is returned, not thrown. */
export async function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const result = await execa(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: projectRoot,
    env: options.env ?? {},
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs a command line in this process against a program with the given commands registered;
 * returns what the commands wrote with `console.error` (their progress and summary lines).
 */
export async function runInProcess(t: TestContext, registers: ReadonlyArray<(program: Command) => void>, args: readonly string[]): Promise<string[]> {
  const messages: string[] = [];
  t.mock.method(console, 'error', (message: string) => messages.push(message));
  const program = new Command().exitOverride();
  for (const register of registers) register(program);
  await program.parseAsync(['node', 'swe-srl', ...args]);
  return messages;
}
