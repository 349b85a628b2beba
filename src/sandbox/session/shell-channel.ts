/**
 * What a persistent shell needs from a backend. The session protocol (markers, output cap,
 * timeouts) lives in this folder once; each backend only knows how to start a bash whose stdin
 * and output it can reach, and how to stop the processes that bash started.
 */
import type { Readable, Writable } from 'node:stream';

/** One running `bash --noprofile --norc`. */
export interface ShellChannel {
  /** The shell's stdin: the session writes one command line at a time. */
  readonly input: Writable;
  /** stdout and stderr of the shell, already merged and unframed. */
  readonly output: Readable;
  /** Settles when the shell has exited, with its exit status when the backend can tell. */
  readonly exited: Promise<number | null>;
  /**
   * Kills the shell and everything it started. `shellPid` is the shell's `$$` once it has
   * reported it, so the backend can find what the shell started. Idempotent; never throws.
   */
  destroy(shellPid?: number): Promise<void>;
}

export interface ShellHost {
  /** Starts a new bash in the sandbox, with /testbed as its working directory. */
  openShell(): Promise<ShellChannel>;
  /**
   * Stops every process the shell started (foreground and background), but not the shell, so the
   * shell returns to reading commands. `shellPid` is the shell's `$$` as it reported it.
   */
  interruptShell(channel: ShellChannel, shellPid: number): Promise<void>;
}
