/**
 * How a local sandbox starts a program: inside bubblewrap (the default, and the only safe way
 * to run model-written commands on the host) or, with the explicit unsafe opt-in, directly.
 *
 * Under bubblewrap the program sees a read-only root assembled from the host's top-level
 * directories, with the work tree at /testbed as the only writable place besides a private /tmp;
 * no network; its own pid, ipc and uts namespaces; and the homes, /run (where the Docker socket
 * lives) and the host's /tmp hidden. It dies with us.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { WorkTree } from './work-tree.js';

/** Top-level host directories a sandbox does not get: private data, or replaced by its own. */
const HIDDEN_TOP_LEVEL = new Set(['dev', 'proc', 'sys', 'tmp', 'run', 'home', 'root', 'testbed', 'mnt', 'media', 'lost+found', 'boot']);

export interface Launcher {
  /** True under bubblewrap. */
  readonly isolated: boolean;
  /** The work tree as the launched programs see it. */
  readonly workdir: string;
  /** The private /tmp as the launched programs see it. */
  readonly tmpdir: string;
  /** Starts `argv` in the sandbox with piped stdio. `newSession`: make it a session leader. */
  spawn(argv: string[], options?: { newSession?: boolean }): ChildProcess;
}

/** The bwrap binary: the given path if it is executable, else `bwrap` on PATH, else undefined. */
export function findBubblewrap(explicit?: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = explicit !== undefined ? [explicit] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, 'bwrap'));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The environment launched programs get: a clean one, never the host's (it may hold secrets). */
export function sandboxEnvironment(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: home,
    ...extra,
  };
}

export class BubblewrapLauncher implements Launcher {
  readonly isolated = true;
  readonly workdir = '/testbed';
  readonly tmpdir = '/tmp';
  private readonly mountArgs: string[];

  constructor(
    private readonly bwrap: string,
    tree: WorkTree,
    private readonly env: Record<string, string> = {},
  ) {
    this.mountArgs = bubblewrapMountArgs(tree);
  }

  spawn(argv: string[], options: { newSession?: boolean } = {}): ChildProcess {
    // `setsid` inside the namespace, not bwrap's --new-session: the program itself must lead its
    // session, so a timeout can stop exactly the processes it started.
    const program = options.newSession ? ['setsid', '--wait', ...argv] : argv;
    return spawn(this.bwrap, [...this.mountArgs, '--', ...program], {
      env: sandboxEnvironment(this.tmpdir, this.env),
      stdio: 'pipe',
    });
  }
}

export class HostLauncher implements Launcher {
  readonly isolated = false;
  readonly workdir: string;
  readonly tmpdir: string;

  constructor(
    tree: Pick<WorkTree, 'testbed' | 'tmp'>,
    private readonly env: Record<string, string> = {},
  ) {
    this.workdir = tree.testbed;
    this.tmpdir = tree.tmp;
  }

  spawn(argv: string[], options: { newSession?: boolean } = {}): ChildProcess {
    const [command, ...args] = argv;
    return spawn(command!, args, {
      cwd: this.workdir,
      env: sandboxEnvironment(this.tmpdir, this.env),
      stdio: 'pipe',
      detached: options.newSession ?? false,
    });
  }
}

export function bubblewrapMountArgs(tree: WorkTree, root = '/'): string[] {
  const args = ['--tmpfs', '/'];
  for (const name of readdirSync(root).sort()) {
    if (HIDDEN_TOP_LEVEL.has(name)) continue;
    const hostPath = join(root, name);
    const stat = lstatSync(hostPath, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    // usrmerge: /bin, /lib… are symlinks into /usr; recreate them rather than bind their targets twice.
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(hostPath), `/${name}`);
    else if (stat.isDirectory()) args.push('--ro-bind', hostPath, `/${name}`);
  }
  args.push(
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/run',
    '--dir', '/root',
    '--bind', tree.tmp, '/tmp',
    '--bind', tree.testbed, '/testbed',
    // The clone borrows objects from the source repository, which may live under a hidden home.
    '--ro-bind', tree.sharedObjects, tree.sharedObjects,
    '--remount-ro', '/',
    '--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--hostname', 'swe-srl-sandbox',
    '--die-with-parent',
    '--chdir', '/testbed',
  );
  return args;
}
