/**
 * Processes started in a container beside the agent's session: the session's bash itself
 * (attached, stdin kept open) and short helper commands (diff, interrupt) whose whole output
 * we collect. Helpers get their own exec so the agent's cwd, variables or a stuck command in the
 * session can't change what they see.
 */
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
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
  options: ExecOptions = {},
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
  const socket = await exec.start({ hijack: true, stdin: true });
  return { exec, socket };
}

export interface CollectedExec {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
}

/** Runs `command` to completion and returns its output and exit status. */
export async function collectExec(
  container: Docker.Container,
  command: string[],
  options: ExecOptions = {},
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
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const parser = new FrameParser((kind, payload) => (kind === 'stderr' ? stderr : stdout).push(Buffer.from(payload)));
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => parser.push(chunk));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  return { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode: await exitCodeOf(exec) };
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
