/**
 * One long-lived bash per sandbox, driven over its stdin and output stream. An action costs one
 * write and one read on an already-open stream (well under a millisecond), where a fresh exec per
 * action costs tens of milliseconds, and shell state (cwd, exported variables, an activated
 * virtualenv) carries from one action to the next as an agent expects.
 *
 * A command past its timeout has its processes killed (the backend knows how); if the shell
 * itself does not come back (a busy loop in a builtin, a shell that exited), it is replaced and
 * the result says so.
 */
import { performance } from 'node:perf_hooks';
import { InputError, SweSrlError, UnavailableError } from '../../errors.js';
import type { RunOptions, RunResult } from '../types.js';
import { CappedOutput } from './capped-output.js';
import { commandLine, EndMarker, preludeLines } from './command-line.js';
import { FollowUpSplit } from './follow-up-split.js';
import { MarkerScanner } from './marker-scanner.js';
import type { ShellChannel, ShellHost } from './shell-channel.js';

export interface PersistentShellOptions {
  /** The directory every new shell starts in (`/testbed`). */
  workdir: string;
  /** Cap on one command's output, in bytes. */
  outputLimitBytes: number;
  /** Timeout of a `run` that does not pass its own. */
  defaultTimeoutMs: number;
  /** After interrupting a timed-out command, how long to wait for the shell before replacing it. */
  interruptGraceMs?: number;
  /** How long a new shell may take to answer its first marker. */
  startTimeoutMs?: number;
}

export const DEFAULT_INTERRUPT_GRACE_MS = 2_000;
export const DEFAULT_START_TIMEOUT_MS = 30_000;
/** How long to wait for a dead shell's exit status once its output stream has closed. */
const EXIT_STATUS_WAIT_MS = 1_000;

type Completion = { kind: 'marker'; value: string } | { kind: 'exited'; exitCode: number | null };

/** A command in flight: output goes to its scanner until its marker or the shell's exit. */
interface PendingCommand {
  scanner: MarkerScanner;
  settle: (completion: Completion) => void;
}

/** One started bash: its channel, its pid, and whichever command is currently reading its output. */
class LiveShell {
  pending: PendingCommand | undefined;
  /** The shell's `$$`, once its first marker reported it. */
  pid: number | undefined;
  exited = false;
  /** The output stream closed or broke: the shell is gone even before its exit status is known. */
  streamGone = false;
  exitCode: number | null = null;

  constructor(readonly channel: ShellChannel) {
    channel.output.on('data', (chunk: Buffer) => this.onData(chunk));
    // A closed or broken stream means the shell is gone; its exit status may take a moment longer
    // (an engine round trip), so wait for it briefly before settling the command in flight.
    const streamGone = (): void => {
      this.streamGone = true;
      if (!this.exited) setTimeout(() => this.onExit(null), EXIT_STATUS_WAIT_MS).unref();
    };
    channel.output.on('error', streamGone);
    channel.output.on('end', streamGone);
    channel.input.on('error', () => undefined);
    channel.exited.then(
      (code) => this.onExit(code),
      () => this.onExit(null),
    );
  }

  /** Writes `text` and resolves at the marker (or the shell's exit). Output goes to `onOutput`. */
  send(text: string, marker: EndMarker, onOutput: (chunk: Buffer) => void): Promise<Completion> {
    if (this.exited) return Promise.resolve({ kind: 'exited', exitCode: this.exitCode });
    return new Promise<Completion>((resolve) => {
      this.pending = {
        scanner: new MarkerScanner(marker.token, onOutput),
        settle: (completion) => {
          this.pending = undefined;
          resolve(completion);
        },
      };
      this.channel.input.write(text);
    });
  }

  private onData(chunk: Buffer): void {
    // Output while no command runs (a background job's) belongs to nobody and is dropped.
    const pending = this.pending;
    if (pending === undefined) return;
    const value = pending.scanner.push(chunk);
    if (value !== undefined) pending.settle({ kind: 'marker', value });
  }

  private onExit(code: number | null): void {
    if (this.exited) return;
    this.exited = true;
    this.exitCode = code;
    this.pending?.scanner.flush();
    this.pending?.settle({ kind: 'exited', exitCode: code });
  }
}

export class PersistentShell {
  private live: LiveShell | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly host: ShellHost,
    private readonly options: PersistentShellOptions,
  ) {}

  /** Starts the first shell; throws when it does not answer. */
  static async start(host: ShellHost, options: PersistentShellOptions): Promise<PersistentShell> {
    const shell = new PersistentShell(host, options);
    await shell.startShell();
    return shell;
  }

  /**
   * Whether the current shell is still connected, known without a round trip: false once the
   * session is closed or the shell's stream ended (its container removed, its engine gone).
   * True says only that nothing has said otherwise.
   */
  get connected(): boolean {
    return !this.closed && this.live !== undefined && !this.live.exited && !this.live.streamGone;
  }

  /** Runs one command (and its follow-up); concurrent calls run one after another, in call order. */
  run(command: string, options: RunOptions = {}): Promise<RunResult> {
    const result = this.queue.then(() => this.runNow(command, options.timeoutMs ?? this.options.defaultTimeoutMs, options.followUp));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Kills the shell and whatever it runs. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const live = this.live;
    this.live = undefined;
    if (live !== undefined) await live.channel.destroy(live.pid);
  }

  private async runNow(command: string, timeoutMs: number, followUp: RunOptions['followUp']): Promise<RunResult> {
    if (this.closed) throw new SweSrlError('the sandbox is closed');
    // NaN, 0 or a negative would otherwise act as a 1 ms timeout and kill the command at once.
    if (!(timeoutMs > 0)) throw new InputError(`timeoutMs: ${timeoutMs} is not a positive number of milliseconds`);
    const followUpTimeoutMs = followUp?.timeoutMs ?? this.options.defaultTimeoutMs;
    if (!(followUpTimeoutMs > 0)) throw new InputError(`followUp.timeoutMs: ${followUpTimeoutMs} is not a positive number of milliseconds`);
    const marker = new EndMarker();
    const output = new CappedOutput(this.options.outputLimitBytes);
    const split = followUp === undefined ? undefined : new FollowUpSplit(this.options.outputLimitBytes, output);
    const line = commandLine(command, marker, followUp && split ? { command: followUp.command, marker: split.marker } : undefined);
    const startedAt = performance.now();
    let sessionRestarted = false;
    if (this.live === undefined || this.live.exited) {
      // The previous command left no shell behind (its restart failed): try once more now.
      await this.startShell();
      sessionRestarted = true;
    }
    const live = this.live!;
    const completion = live.send(line, marker, split ? (chunk) => split.push(chunk) : (chunk) => output.append(chunk));

    // The first command's time runs until its own marker: the follow-up's marker when it has one.
    let settled: Completion | 'follow-up' | undefined = await settleWithin(split ? Promise.race([completion, split.reached]) : completion, timeoutMs);
    let timedOut = false;
    if (settled === undefined) {
      timedOut = true;
      settled = await this.interrupt(live, completion);
    }
    let followUpTimedOut = false;
    if (settled === 'follow-up') {
      settled = await settleWithin(completion, followUpTimeoutMs);
      if (settled === undefined) {
        followUpTimedOut = true;
        settled = await this.interrupt(live, completion);
      }
    }
    // A shell stuck past the grace period still holds what might have been a marker's start: it is
    // output, the first command's when no follow-up marker came.
    if (settled?.kind !== 'marker') live.pending?.scanner.flush();
    split?.flush();
    // Only a follow-up that started after its command ended in time has a result of its own.
    const followedUp = split?.firstStatus !== undefined && !timedOut;

    let exitCode: number | null = null;
    let followUpExitCode: number | null = null;
    if (settled?.kind === 'marker') {
      exitCode = timedOut ? null : parseExitStatus(followedUp ? split.firstStatus! : settled.value);
      if (followedUp && !followUpTimedOut) followUpExitCode = parseExitStatus(settled.value);
    } else {
      // The shell exited (`exit 3`, killed) or is stuck past the grace period: replace it.
      if (followedUp) {
        exitCode = parseExitStatus(split.firstStatus!);
        if (settled?.kind === 'exited' && !followUpTimedOut) followUpExitCode = settled.exitCode;
      } else if (settled?.kind === 'exited' && !timedOut) {
        exitCode = settled.exitCode;
      }
      await this.replaceShell(live);
      sessionRestarted = true;
    }
    const endedAt = performance.now();
    const firstEndedAt = followedUp ? split.reachedAt! : endedAt;
    return {
      output: output.text(),
      exitCode,
      timedOut,
      truncated: output.truncated,
      sessionRestarted,
      durationMs: firstEndedAt - startedAt,
      ...(followedUp
        ? {
            followUp: {
              output: split.output.text(),
              exitCode: followUpExitCode,
              timedOut: followUpTimedOut,
              truncated: split.output.truncated,
              durationMs: endedAt - firstEndedAt,
            },
          }
        : {}),
    };
  }

  /** Interrupts what the shell runs, and waits a grace period for the round trip to end. */
  private async interrupt(live: LiveShell, completion: Promise<Completion>): Promise<Completion | undefined> {
    await this.host.interruptShell(live.channel, live.pid!).catch(() => undefined);
    return settleWithin(completion, this.options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS);
  }

  private async replaceShell(stale: LiveShell): Promise<void> {
    await stale.channel.destroy(stale.pid);
    if (this.live === stale) this.live = undefined;
    if (this.closed) return;
    // A failed restart surfaces on the next run, which tries again, rather than losing this result.
    await this.startShell().catch(() => undefined);
  }

  private async startShell(): Promise<void> {
    const channel = await this.host.openShell();
    const live = new LiveShell(channel);
    const marker = new EndMarker();
    let greeting = '';
    const answered = live.send(preludeLines(this.options.workdir, marker), marker, (chunk) => {
      if (greeting.length < 2_000) greeting += chunk.toString('utf8');
    });
    const settled = await settleWithin(answered, this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    const pid = settled?.kind === 'marker' ? Number.parseInt(settled.value, 10) : Number.NaN;
    if (!Number.isInteger(pid) || pid <= 0) {
      await channel.destroy();
      const why = settled === undefined ? 'did not answer in time' : 'exited';
      throw new UnavailableError(
        `the sandbox's bash session ${why}${greeting.trim() ? `: ${greeting.trim()}` : ''} ` +
          '(does the image have bash, and a /testbed directory?)',
      );
    }
    if (this.closed) {
      await channel.destroy();
      throw new SweSrlError('the sandbox is closed');
    }
    live.pid = pid;
    this.live = live;
  }
}

function parseExitStatus(value: string): number | null {
  const status = Number.parseInt(value, 10);
  return Number.isInteger(status) ? status : null;
}

/** setTimeout's longest delay (about 24.8 days); a longer one, Infinity included, fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The promise's value if it settles within `ms`, else undefined. The timer never outlives the
 * call. A wait longer than a timer can hold (Infinity: no timeout) waits for the promise.
 */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  if (ms > MAX_TIMER_MS) return promise;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
