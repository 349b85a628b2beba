/**
 * The `bash` tool: runs the agent's command in the sandbox's persistent session, so `cd` and
 * exported variables carry over. Before running, it refuses interactive programs that would wait
 * for a terminal forever (SWE-agent's blocklist) and commands bash cannot parse (an unclosed quote
 * would leave the session waiting for more input). A command past its time limit is interrupted
 * and the observation says so.
 */
import type { ToolOutcome } from '../types.js';
import type { ToolContext } from '../tool-context.js';
import { runHelper } from '../sandbox-files.js';
import { pythonStringRepr } from '../python-repr.js';

export interface BashToolOptions {
  /** Time limit for one agent command. */
  actionTimeoutMs: number;
  /** Commands refused when the action starts with them (a word boundary follows). */
  blocklist: string[];
  /** Commands refused only when they are the whole action (e.g. a bare `python`). */
  blocklistStandalone: string[];
  /** Run `bash -n` first and refuse commands with syntax errors. */
  syntaxCheck: boolean;
}

export const DEFAULT_BASH_OPTIONS: BashToolOptions = {
  actionTimeoutMs: 30_000,
  blocklist: ['vim', 'vi', 'emacs', 'nano', 'nohup', 'gdb', 'less', 'more', 'tail -f', 'top', 'htop', 'watch'],
  blocklistStandalone: ['python', 'python3', 'ipython', 'bash', 'sh', '/bin/bash', '/bin/sh', 'nohup', 'vi', 'vim', 'emacs', 'nano', 'su', 'cat', 'node'],
  syntaxCheck: true,
};

export async function runBash(context: ToolContext, options: BashToolOptions, command: string): Promise<ToolOutcome> {
  const action = command.trim();
  if (action === '') {
    return { observation: 'No command was given: the bash tool needs a non-empty `command`.', failed: true };
  }
  if (isBlocked(action, options)) {
    return { observation: `Interactive operation '${action}' is not supported by this environment.`, failed: true };
  }
  if (options.syntaxCheck) {
    const problem = await syntaxProblem(context, action);
    if (problem !== undefined) {
      return {
        observation: `Your bash command contained syntax errors and was NOT executed. Please fix the syntax errors and try again. This can be the result of not adhering to the syntax for multi-line commands. Here is the output of \`bash -n\`:\n${problem}`,
        failed: true,
      };
    }
  }
  const result = await context.sandbox.run(command, { timeoutMs: options.actionTimeoutMs });
  if (result.timedOut) {
    const seconds = Math.round(options.actionTimeoutMs / 100) / 10;
    let observation = `The command ${pythonStringRepr(action)} was cancelled because it took more than ${seconds} seconds. Please try a different command that completes more quickly.`;
    if (result.output.trim() !== '') observation = `${result.output.trimEnd()}\n${observation}`;
    if (result.sessionRestarted) observation += '\nThe shell session was restarted: the working directory and exported variables were reset.';
    return { observation, failed: true, timedOut: true };
  }
  let observation = result.output;
  if (result.sessionRestarted) {
    observation += `${observation.endsWith('\n') || observation === '' ? '' : '\n'}The shell session was restarted: the working directory and exported variables were reset.`;
  }
  return { observation };
}

function isBlocked(action: string, options: BashToolOptions): boolean {
  if (options.blocklistStandalone.includes(action)) return true;
  return options.blocklist.some((entry) => action === entry || action.startsWith(`${entry} `));
}

/** `bash -n` on the command, fed through base64 so no quoting of ours can change it. */
async function syntaxProblem(context: ToolContext, command: string): Promise<string | undefined> {
  const encoded = Buffer.from(command, 'utf8').toString('base64');
  const result = await runHelper(
    context.sandbox,
    `printf '%s' '${encoded}' | base64 -d | bash -n 2>&1`,
    context.helperTimeoutMs,
  );
  if (result.timedOut || result.status === 0 || result.status === null) return undefined;
  // bash names its stdin "bash: line N"; keep the message as is.
  return `${result.output.trim()}\n`;
}
