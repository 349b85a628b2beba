/**
 * The sandbox contract every backend (docker, local) fulfils. The agent loop, the tools and the
 * evaluator only ever see this interface, so they run unchanged on either backend.
 *
 * Once a sandbox is closed, or its container or engine is gone, every method rejects with a
 * SandboxGoneError (src/errors.ts), also a command that was running when that happened: work cut
 * off this way is an infrastructure failure, never a result.
 */
import type { ReadBackOptions } from './read-back.js';

export type { ReadBackOptions } from './read-back.js';

export interface RunOptions {
  /** Milliseconds before the command is interrupted. Defaults to the sandbox's `defaultTimeoutMs`. */
  timeoutMs?: number;
  /**
   * A second command that the session runs right after this one, in the same round trip (the
   * shell reads both at once), with its own timeout (counted from its start), output cap and exit
   * status: `RunResult.followUp`. A first command that left the shell or timed out gives no
   * follow-up result (one that ended at the very moment of its timeout may have let the follow-up
   * begin, which the interrupt then breaks off), and a backend without a session may not run it at
   * all: a caller runs it on its own whenever `followUp` is absent from the result.
   */
  followUp?: { command: string; timeoutMs?: number };
}

/** What a follow-up command (RunOptions.followUp) gave, as RunResult says it. */
export type FollowUpResult = Omit<RunResult, 'followUp' | 'sessionRestarted'>;

export interface RunResult {
  /** stdout and stderr interleaved as the command wrote them, capped at the sandbox's output limit. */
  output: string;
  /** The command's exit status; null when it was interrupted by the timeout. */
  exitCode: number | null;
  timedOut: boolean;
  /** True when output went past the cap and the middle was dropped (the output then carries a marker). */
  truncated: boolean;
  /** True when the persistent shell had to be replaced, so `cd` and exported variables were lost. */
  sessionRestarted: boolean;
  /** The command's own time: without its follow-up, when one ran. */
  durationMs: number;
  /** The follow-up's result (RunOptions.followUp); absent when it did not run. */
  followUp?: FollowUpResult;
}

export interface Sandbox {
  readonly id: string;
  readonly backend: 'docker' | 'local';
  /** Where the repository lives as commands see it: `/testbed` on every backend. */
  readonly workdir: string;
  /** The commit `workdir` was at (HEAD) when the sandbox started, when it holds a git repository; known without a round trip. */
  readonly baseCommit?: string | undefined;
  /**
   * The session's working directory when it is known without a round trip: while no command has
   * run, the shell is still where it started (`workdir`); undefined once one has (ask the shell).
   */
  knownWorkingDir?(): string | undefined;
  /**
   * True when the sandbox is known to be unusable without asking it: closed, or its shell's
   * connection gone (its container removed, its engine lost). False says nothing either way.
   */
  isKnownLost?(): boolean;
  /** Runs one command in the persistent bash session (state carries over between calls). */
  run(command: string, options?: RunOptions): Promise<RunResult>;
  /**
   * Paths are absolute as commands see them, or relative to `workdir`. Binary-safe. A file larger
   * than the cap (default 64 MiB) or slower than the time limit is a ReadBackLimitError.
   */
  readFile(path: string, options?: ReadBackOptions): Promise<Buffer>;
  writeFile(path: string, data: Buffer | string, options?: { mode?: number }): Promise<void>;
  /**
   * The repository's change against its base commit as a git patch, new files included. A diff
   * larger than the cap (default 32 MiB) or slower than the time limit is a ReadBackLimitError.
   */
  diff(options?: ReadBackOptions): Promise<string>;
  /** Always releases everything the sandbox holds (the container, the work tree). Idempotent. */
  close(): Promise<void>;
}
