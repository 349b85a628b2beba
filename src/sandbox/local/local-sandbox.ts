/**
 * A sandbox on the host, over a temporary clone of a repository: for machines without Docker
 * and for fast tests. Commands run under bubblewrap when it is installed (see launcher.ts for what
 * that isolates, resource-limits.ts for the limits); without it the sandbox refuses to start unless
 * the caller explicitly allowed unsafe execution.
 *
 * File access and the diff go through the same launcher as the commands, so they see the
 * sandbox's view of the file system: a symlink the agent planted in /testbed can't make the
 * harness read or write a host file outside it.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { ReadBackLimitError, SandboxFileError, SandboxGoneError, SweSrlError, UnavailableError, type ReadBackTarget } from '../../errors.js';
import { BoundedBuffer, readBackLimits, type ReadBackOptions } from '../read-back.js';
import { DIFF_GIT_ENV, DIFF_SCRIPT, FILE_SCRIPT_STATUS, READ_FILE_SCRIPT, WRITE_FILE_SCRIPT } from '../session/helper-scripts.js';
import { PersistentShell } from '../session/persistent-shell.js';
import type { RunOptions, RunResult, Sandbox } from '../types.js';
import { BubblewrapLauncher, checkReadOnlyPath, findBubblewrap, HostLauncher, type Launcher } from './launcher.js';
import { LOCAL_DEFAULTS, type LocalSandboxConfig } from './local-config.js';
import { LocalShellHost } from './local-shell-host.js';
import { LOCAL_LIMIT_DEFAULTS, placeLimits, type LimitEnforcement, type PlacedLimits } from './resource-limits.js';
import { seccompProgram } from './seccomp-filter.js';
import { prepareWorkTree, type WorkTree } from './work-tree.js';

/** stderr of a helper launch is only ever shown in an error message. */
const HELPER_STDERR_BYTES = 64 * 1024;

const warned = new Set<string>();

/** Says it once per process and reason, loudly: a sandbox without limits must not look like one with them. */
function warnOnce(config: LocalSandboxConfig, message: string): void {
  if (config.onWarning) return config.onWarning(message);
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { code: 'SWE_SRL_LOCAL_SANDBOX_LIMITS' });
}

interface LaunchResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number | null;
}

export class LocalSandbox implements Sandbox {
  readonly backend = 'local' as const;
  private closing: Promise<void> | undefined;
  /** Commands run through `run` (the harness's own start-up reads do not move the shell). */
  private commandsRun = 0;

  private constructor(
    readonly id: string,
    private readonly tree: WorkTree,
    private readonly launcher: Launcher,
    private readonly shell: PersistentShell,
    private readonly placedLimits: PlacedLimits | undefined,
  ) {}

  /** How memory and pids limits are enforced here, or why they are not. */
  get limits(): LimitEnforcement {
    return this.placedLimits?.enforcement ?? { kind: 'none', reason: 'unsafe execution: no isolation and no limits' };
  }

  /** `/testbed` under bubblewrap; the clone's host path when running unsafe. */
  get workdir(): string {
    return this.launcher.workdir;
  }

  /** The commit the work tree was checked out at. */
  get baseCommit(): string {
    return this.tree.baseCommit;
  }

  /** Where the clone lives on the host (removed by `close`). */
  get hostPath(): string {
    return this.tree.testbed;
  }

  /** True when commands run under bubblewrap. */
  get isolated(): boolean {
    return this.launcher.isolated;
  }

  static async create(config: LocalSandboxConfig): Promise<LocalSandbox> {
    const bwrap = findBubblewrap(config.bwrapPath);
    if (bwrap === undefined && !config.allowUnsafe) {
      throw new UnavailableError(
        `bubblewrap (bwrap) is not installed${config.bwrapPath ? ` at ${config.bwrapPath}` : ''}, and the local sandbox ` +
          'will not run model-written commands on the host without isolation; install it (apt-get install bubblewrap), ' +
          'use the docker backend, or opt in to unsafe execution (allowUnsafe / --unsafe)',
      );
    }
    const readOnlyPaths = (config.readOnlyPaths ?? []).map((path) => checkReadOnlyPath(path, [process.cwd(), resolve(config.repoPath)]));
    const id = `local-${randomBytes(4).toString('hex')}`;
    const tree = await prepareWorkTree(config.repoPath, config.commit);
    let limits: PlacedLimits | undefined;
    try {
      let launcher: Launcher;
      if (bwrap !== undefined) {
        const program = seccompProgram();
        const seccompFile = program === undefined ? undefined : join(tree.root, 'seccomp.bpf');
        if (program === undefined) warnOnce(config, `the local sandbox has no seccomp filter for the ${process.arch} architecture`);
        else await writeFile(seccompFile!, program);
        limits = await placeLimits(`swe-srl-${id}`, {
          memoryBytes: config.memoryBytes ?? LOCAL_LIMIT_DEFAULTS.memoryBytes,
          pidsLimit: config.pidsLimit ?? LOCAL_LIMIT_DEFAULTS.pidsLimit,
          fileSizeBytes: config.fileSizeBytes ?? LOCAL_LIMIT_DEFAULTS.fileSizeBytes,
        });
        if (limits.enforcement.kind === 'none') {
          const message =
            `local sandboxes run WITHOUT memory and pids limits: ${limits.enforcement.reason}. A command can use all of ` +
            "the host's memory or fork until it runs out of processes; use the docker backend, or a machine with cgroup v2 " +
            '(systemd, or a delegated cgroup), for limits';
          if (config.requireLimits) throw new UnavailableError(message);
          warnOnce(config, message);
        }
        launcher = new BubblewrapLauncher(bwrap, {
          tree,
          ...(config.env ? { env: config.env } : {}),
          readOnlyPaths,
          ...(seccompFile ? { seccompFile } : {}),
          limits,
        });
      } else {
        launcher = new HostLauncher(tree, config.env);
      }
      const shell = await PersistentShell.start(new LocalShellHost(launcher), {
        workdir: launcher.workdir,
        outputLimitBytes: config.outputLimitBytes ?? LOCAL_DEFAULTS.outputLimitBytes,
        defaultTimeoutMs: config.defaultTimeoutMs ?? LOCAL_DEFAULTS.defaultTimeoutMs,
      });
      return new LocalSandbox(id, tree, launcher, shell, limits);
    } catch (error) {
      await limits?.release();
      await tree.remove();
      throw error;
    }
  }

  knownWorkingDir(): string | undefined {
    return this.commandsRun === 0 && !this.isKnownLost() ? this.workdir : undefined;
  }

  isKnownLost(): boolean {
    return this.closing !== undefined || !this.shell.connected;
  }

  async run(command: string, options?: RunOptions): Promise<RunResult> {
    this.commandsRun += 1;
    this.assertOpen();
    try {
      const result = await this.shell.run(command, options);
      // A close during the command killed it: its exit status says nothing about the command.
      this.assertOpen();
      return result;
    } catch (error) {
      this.assertOpen(error);
      throw error;
    }
  }

  async readFile(path: string, options?: ReadBackOptions): Promise<Buffer> {
    const target = this.resolve(path);
    const limits = readBackLimits('file', options);
    const result = await this.launch(['sh', '-c', READ_FILE_SCRIPT, 'read', target, String(limits.maxBytes)], undefined, {
      target: 'file',
      path,
      ...limits,
    });
    if (result.exitCode === FILE_SCRIPT_STATUS.tooLarge) throw new ReadBackLimitError('file', path, 'size', limits.maxBytes);
    if (result.exitCode === FILE_SCRIPT_STATUS.missing) throw new SandboxFileError(path, 'no such file');
    if (result.exitCode === FILE_SCRIPT_STATUS.directory) throw new SandboxFileError(path, 'is a directory');
    if (result.exitCode === FILE_SCRIPT_STATUS.notRegular) throw new SandboxFileError(path, 'is not a regular file');
    if (result.exitCode !== 0) throw new SandboxFileError(path, `could not read it: ${result.stderr.trim()}`);
    return result.stdout;
  }

  async writeFile(path: string, data: Buffer | string, options: { mode?: number } = {}): Promise<void> {
    const target = this.resolve(path);
    const mode = options.mode === undefined ? '' : options.mode.toString(8);
    const result = await this.launch(['sh', '-c', WRITE_FILE_SCRIPT, 'write', target, mode], Buffer.from(data));
    if (result.exitCode === FILE_SCRIPT_STATUS.directory) throw new SandboxFileError(path, 'is a directory');
    if (result.exitCode === FILE_SCRIPT_STATUS.notRegular) throw new SandboxFileError(path, 'is not a regular file');
    if (result.exitCode !== 0) throw new SandboxFileError(path, `could not write it: ${result.stderr.trim()}`);
  }

  async diff(options?: ReadBackOptions): Promise<string> {
    const limits = readBackLimits('diff', options);
    const result = await this.launch(
      ['env', ...envArgs(DIFF_GIT_ENV), 'sh', '-c', DIFF_SCRIPT, 'diff', this.tree.baseCommit, this.workdir, String(limits.maxBytes + 1)],
      undefined,
      { target: 'diff', path: 'git diff', ...limits },
    );
    if (result.exitCode !== 0) {
      throw new SweSrlError(`sandbox ${this.id}: git diff failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
    }
    return result.stdout.toString('utf8');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.shell.close();
      } finally {
        await this.placedLimits?.release();
        await this.tree.remove();
      }
    })();
    return this.closing;
  }

  /** A path as launched programs see it. Unsafe mode maps `/testbed/…` onto the clone for callers' convenience. */
  private resolve(path: string): string {
    const absolute = posix.resolve(this.workdir, path);
    if (this.launcher.isolated) return absolute;
    const underTestbed = posix.relative('/testbed', absolute);
    if (underTestbed === '' || (!underTestbed.startsWith('..') && !posix.isAbsolute(underTestbed))) {
      return posix.join(this.tree.testbed, underTestbed);
    }
    return absolute;
  }

  /** Closed: a SandboxGoneError, whatever else went wrong (the close is what did it). */
  private assertOpen(cause?: unknown): void {
    if (this.closing !== undefined) {
      throw new SandboxGoneError(this.id, 'closed', 'is closed', cause === undefined ? undefined : { cause });
    }
  }

  /**
   * Runs a helper program beside the session. With `bounds`, stdout is a read-back: past its cap
   * or its time limit the program is killed (and with it everything in its namespaces) and the
   * read is a ReadBackLimitError.
   */
  private launch(
    argv: string[],
    stdin?: Buffer,
    bounds?: { target: ReadBackTarget; path: string; maxBytes: number; timeoutMs: number },
  ): Promise<LaunchResult> {
    this.assertOpen();
    const child = this.launcher.spawn(argv);
    const result = new Promise<LaunchResult>((resolve, reject) => {
      const stdout = new BoundedBuffer(bounds?.maxBytes ?? Number.MAX_SAFE_INTEGER);
      const stderr = new BoundedBuffer(HELPER_STDERR_BYTES);
      let limitError: ReadBackLimitError | undefined;
      const stop = (error: ReadBackLimitError): void => {
        limitError ??= error;
        child.kill('SIGKILL');
      };
      const timer = bounds ? setTimeout(() => stop(new ReadBackLimitError(bounds.target, bounds.path, 'time', bounds.timeoutMs)), bounds.timeoutMs) : undefined;
      child.stdout!.on('data', (chunk: Buffer) => {
        if (!stdout.push(chunk) && bounds) stop(new ReadBackLimitError(bounds.target, bounds.path, 'size', bounds.maxBytes));
      });
      child.stderr!.on('data', (chunk: Buffer) => void stderr.push(chunk));
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        if (this.closing !== undefined) return reject(new SandboxGoneError(this.id, 'closed', 'is closed'));
        if (limitError) return reject(limitError);
        resolve({ stdout: stdout.toBuffer(), stderr: stderr.toBuffer().toString('utf8'), exitCode: code });
      });
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(stdin);
    });
    return result;
  }
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}
