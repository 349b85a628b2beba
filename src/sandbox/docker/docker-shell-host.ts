/**
 * The agent's bash in a container: one exec attached with stdin kept open, for the sandbox's
 * whole life (or until it has to be replaced).
 */
import type Docker from 'dockerode';
import type { ShellChannel, ShellHost } from '../session/shell-channel.js';
import { exitCodeOf, startAttachedExec } from './exec.js';
import { mergedPayloads } from './frames.js';
import type { SessionSupervisor } from './session-supervisor.js';

export class DockerShellHost implements ShellHost {
  constructor(
    private readonly container: Docker.Container,
    /** Only needed to interrupt or kill, so the session can start before the supervisor has. */
    private readonly supervisor: Promise<SessionSupervisor>,
    /** `signal`: the sandbox's close, which abandons a shell still starting. */
    private readonly options: { workdir: string; env?: Record<string, string>; signal?: AbortSignal },
  ) {}

  async openShell(): Promise<ShellChannel> {
    const { exec, socket } = await startAttachedExec(this.container, ['bash', '--noprofile', '--norc'], {
      workdir: this.options.workdir,
      env: this.options.env,
      signal: this.options.signal,
    });
    const output = mergedPayloads(socket);
    const exited = new Promise<number | null>((resolve) => {
      const done = (): void => void exitCodeOf(exec).then(resolve, () => resolve(null));
      output.once('end', done);
      output.once('error', done);
    });
    const supervisor = this.supervisor;
    let destroyed = false;
    return {
      input: socket,
      output,
      exited,
      async destroy(shellPid?: number): Promise<void> {
        if (destroyed) return;
        destroyed = true;
        if (shellPid !== undefined) await supervisor.then((active) => active.kill(shellPid)).catch(() => undefined);
        socket.destroy();
      },
    };
  }

  async interruptShell(_channel: ShellChannel, shellPid: number): Promise<void> {
    await (await this.supervisor).interrupt(shellPid);
  }
}
