/**
 * A sandbox on the host, over a temporary clone of a repository: for machines without Docker
 * and for fast tests. Commands run under bubblewrap when it is installed; without it the
 * sandbox refuses to start unless the caller explicitly allowed unsafe execution.
 *
 * File access and the diff go through the same launcher as the commands, so they see the
 * sandbox's view of the file system: a symlink the agent planted in /testbed can't make the
 * harness read or write a host file outside it.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { SandboxFileError, SweSrlError, UnavailableError } from '../../errors.js';
import { DIFF_GIT_ENV, DIFF_SCRIPT, FILE_SCRIPT_STATUS, READ_FILE_SCRIPT, WRITE_FILE_SCRIPT } from '../session/helper-scripts.js';
import { PersistentShell } from '../session/persistent-shell.js';
import type { RunOptions, RunResult, Sandbox } from '../types.js';
import { BubblewrapLauncher, findBubblewrap, HostLauncher, type Launcher } from './launcher.js';
import { LOCAL_DEFAULTS, type LocalSandboxConfig } from './local-config.js';
import { LocalShellHost } from './local-shell-host.js';
import { prepareWorkTree, type WorkTree } from './work-tree.js';

export class LocalSandbox implements Sandbox {
  readonly backend = 'local' as const;
  readonly id = `local-${randomBytes(4).toString('hex')}`;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly tree: WorkTree,
    private readonly launcher: Launcher,
    private readonly shell: PersistentShell,
  ) {}

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
    const tree = await prepareWorkTree(config.repoPath, config.commit);
    try {
      const launcher = bwrap !== undefined ? new BubblewrapLauncher(bwrap, tree, config.env) : new HostLauncher(tree, config.env);
      const shell = await PersistentShell.start(new LocalShellHost(launcher), {
        workdir: launcher.workdir,
        outputLimitBytes: config.outputLimitBytes ?? LOCAL_DEFAULTS.outputLimitBytes,
        defaultTimeoutMs: config.defaultTimeoutMs ?? LOCAL_DEFAULTS.defaultTimeoutMs,
      });
      return new LocalSandbox(tree, launcher, shell);
    } catch (error) {
      await tree.remove();
      throw error;
    }
  }

  run(command: string, options?: RunOptions): Promise<RunResult> {
    return this.shell.run(command, options);
  }

  async readFile(path: string): Promise<Buffer> {
    const target = this.resolve(path);
    const result = await this.launch(['sh', '-c', READ_FILE_SCRIPT, 'read', target]);
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

  async diff(): Promise<string> {
    const result = await this.launch(['env', ...envArgs(DIFF_GIT_ENV), 'sh', '-c', DIFF_SCRIPT, 'diff', this.tree.baseCommit, this.workdir]);
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

  private launch(argv: string[], stdin?: Buffer): Promise<{ stdout: Buffer; stderr: string; exitCode: number | null }> {
    if (this.closing !== undefined) return Promise.reject(new SweSrlError(`sandbox ${this.id} is closed`));
    const child = this.launcher.spawn(argv);
    return new Promise((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.once('error', reject);
      child.once('close', (code) =>
        resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), exitCode: code }),
      );
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(stdin);
    });
  }
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}
