/**
 * Processes started in a container beside the agent's session: the session's bash itself
 * (attached, stdin kept open) and short helper commands (diff, interrupt) whose whole output
 * we collect. Helpers get their own exec so the agent's cwd, variables or a stuck command in the
 * session can't change what they see.
 */
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { BoundedBuffer } from '../read-back.js';
import { FrameParser } from './frames.js';

export interface ExecOptions {
  env?: Record<string, string>;
  workdir?: string;
}

export interface AttachedExec {
  exec: Docker.Exec;
  /** The hijacked connection: writes go to the process's stdin, reads are multiplexed frames. */
  socket: Duplex;
}

export async function startAttachedExec(
  container: Docker.Container,
  command: string[],
  options: ExecOptions & {
    /**
     * Abandons the start. On a container dying while it starts, dockerd (20.10) can leave the
     * hijacked connection open and unanswered for good, which would hold the process open.
     */
    signal?: AbortSignal;
  } = {},
): Promise<AttachedExec> {
  const exec = await container.exec({
    Cmd: command,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: envList(options.env),
    WorkingDir: options.workdir,
  });
  options.signal?.throwIfAborted();
  const socket = await exec.start({ hijack: true, stdin: true, ...(options.signal ? { abortSignal: options.signal } : {}) });
  return { exec, socket };
}

export interface CollectedExec {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  /** Set when the read stopped early: stdout passed `maxStdoutBytes`, or the exec ran past `timeoutMs`. */
  stopped?: 'size' | 'time';
}

export interface CollectOptions extends ExecOptions {
  /** Stop reading (and drop the connection) once stdout passes this many bytes. */
  maxStdoutBytes?: number;
  /** Stop reading once the exec has run this long. */
  timeoutMs?: number;
}

/** stderr of a helper exec is only ever shown in an error message. */
const STDERR_KEPT_BYTES = 64 * 1024;

/**
 * Runs `command` to completion and returns its output and exit status. Past `maxStdoutBytes` or
 * `timeoutMs` the connection is dropped (the process then gets SIGPIPE on its next write) and the
 * result says why, with the memory used bounded by the cap.
 */
export async function collectExec(
  container: Docker.Container,
  command: string[],
  options: CollectOptions = {},
): Promise<CollectedExec> {
  const exec = await container.exec({
    Cmd: command,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: envList(options.env),
    WorkingDir: options.workdir,
  });
  const stream = await exec.start({});
  const stdout = new BoundedBuffer(options.maxStdoutBytes ?? Number.MAX_SAFE_INTEGER);
  const stderr = new BoundedBuffer(STDERR_KEPT_BYTES);
  let stopped: CollectedExec['stopped'];
  const stop = (why: 'size' | 'time'): void => {
    stopped ??= why;
    stream.destroy();
  };
  const parser = new FrameParser((kind, payload) => {
    if (kind === 'stderr') stderr.push(payload);
    else if (!stdout.push(payload)) stop('size');
  });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('time'), options.timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        if (stopped === undefined) parser.push(chunk);
      });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', (error) => (stopped === undefined ? reject(error) : resolve()));
    });
  } finally {
    clearTimeout(timer);
  }
  if (stopped !== undefined) return { stdout: stdout.toBuffer(), stderr: stderr.toBuffer(), exitCode: null, stopped };
  return { stdout: stdout.toBuffer(), stderr: stderr.toBuffer(), exitCode: await exitCodeOf(exec) };
}

/**
 * The exit status of a finished exec. The engine may report the exec as still running for a
 * moment after its stream ends, so ask a few times.
 */
export async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await exec.inspect().catch(() => undefined);
    if (info === undefined) return null;
    if (!info.Running) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 5 * (attempt + 1)));
  }
  return null;
}

function envList(env: Record<string, string> | undefined): string[] | undefined {
  return env === undefined ? undefined : Object.entries(env).map(([name, value]) => `${name}=${value}`);
}
