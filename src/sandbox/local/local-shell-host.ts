/**
 * The agent's bash on the host, through a launcher (bubblewrap or direct). Under bubblewrap,
 * interrupting it kills everything in its pid namespace but the shell and what it runs under, found
 * in the host's /proc (the shell's own `$$` is a pid inside the namespace, mapped back once): a
 * `setsid` child or a daemon is in the namespace too. Unsafe, without namespaces, it can only kill
 * the shell's session.
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import type { ShellChannel, ShellHost } from '../session/shell-channel.js';
import type { Launcher } from './launcher.js';
import { findHostPid, killNamespaceExceptShell, killSession } from './process-table.js';

/** How long to wait for a dead shell's last output. */
const OUTPUT_DRAIN_MS = 500;

interface LocalShellChannel extends ShellChannel {
  readonly child: ChildProcess;
  hostPid?: number;
}

export class LocalShellHost implements ShellHost {
  constructor(private readonly launcher: Launcher) {}

  async openShell(): Promise<ShellChannel> {
    const child = this.launcher.spawn(['bash', '--noprofile', '--norc'], { newSession: true });
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await spawned;
    // Until the prelude's `exec 2>&1`, bwrap's and bash's complaints arrive on stderr: keep them.
    const output = new PassThrough();
    let open = 2;
    const endOne = (): void => {
      if (--open === 0) output.end();
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => output.write(chunk));
      stream.on('end', endOne);
      stream.on('error', endOne);
    }
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code, signal) => {
        const status = code ?? (signal === null ? null : 128 + signalNumber(signal));
        // 'exit' can come before the last output is read; 'close' comes after it, unless a
        // background process still holds the pipe, so wait for it only briefly.
        const late = setTimeout(() => resolve(status), OUTPUT_DRAIN_MS);
        child.once('close', () => {
          clearTimeout(late);
          resolve(status);
        });
      });
    });
    const launcher = this.launcher;
    let destroyed = false;
    const channel: LocalShellChannel = {
      child,
      input: child.stdin!,
      output,
      exited,
      async destroy(): Promise<void> {
        if (destroyed) return;
        destroyed = true;
        if (launcher.isolated) {
          // bwrap's namespace init dies with bwrap, and the kernel takes every process in the namespace with it.
          child.kill('SIGKILL');
        } else if (child.pid !== undefined) {
          await killSession(child.pid, { includeLeader: true });
        }
        if (child.exitCode === null && child.signalCode === null) await exited;
      },
    };
    return channel;
  }

  async interruptShell(channel: ShellChannel, shellPid: number): Promise<void> {
    const local = channel as LocalShellChannel;
    if (local.child.pid === undefined) return;
    local.hostPid ??= this.launcher.isolated ? await findHostPid(local.child.pid, shellPid) : local.child.pid;
    if (local.hostPid === undefined) return;
    if (this.launcher.isolated) await killNamespaceExceptShell(local.child.pid, local.hostPid, { interruptLeader: true });
    else await killSession(local.hostPid, { interruptLeader: true });
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}
