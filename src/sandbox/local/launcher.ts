/**
 * How a local sandbox starts a program: inside bubblewrap (the default, and the only safe way
 * to run model-written commands on the host) or, with the explicit unsafe opt-in, directly.
 *
 * Under bubblewrap the program runs in new user, pid, ipc, uts, network and cgroup namespaces,
 * with every capability dropped and a seccomp filter (seccomp-filter.ts) that denies mounting,
 * new namespaces, ptrace and the other calls no build needs. Its root is a read-only tmpfs holding
 * only what a toolchain needs: /usr (and the /bin, /lib… links into it), a short list of /etc
 * entries (no shadow files, no keys), any extra read-only paths the caller names, and its own
 * /dev, /proc and /run. Never the homes, /root, /var, /opt, /srv, /mnt, the host's /tmp or the
 * folders the project lives in. The work tree is writable at /testbed, with a private /tmp beside
 * it. It dies with us.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, lstatSync, openSync, readlinkSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { PlacedLimits } from './resource-limits.js';
import type { WorkTree } from './work-tree.js';

/** The system directories a toolchain needs (on usrmerge systems all but /usr are links into it). */
const SYSTEM_DIRECTORIES = ['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/**
 * The /etc entries programs read to run: users and groups (names only; the shadow files stay out),
 * the dynamic linker's cache, time zone, certificates (not /etc/ssl/private), Debian's alternatives
 * links, and the few configuration files git, Python, Perl and the shell look for.
 */
export const ETC_ENTRIES = [
  'alternatives', 'bash.bashrc', 'ca-certificates', 'ca-certificates.conf', 'debian_version', 'environment', 'gitconfig',
  'group', 'host.conf', 'hostname', 'hosts', 'inputrc', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'locale.alias',
  'localtime', 'login.defs', 'lsb-release', 'magic', 'magic.mime', 'mime.types', 'mtab', 'nsswitch.conf', 'os-release',
  'passwd', 'perl', 'pip.conf', 'profile', 'protocols', 'python3', 'python3.9', 'python3.10', 'python3.11', 'python3.12',
  'python3.13', 'resolv.conf', 'rpc', 'services', 'ssl/certs', 'ssl/openssl.cnf', 'terminfo', 'timezone', 'xattr.conf',
];

/** Host paths no extra read-only path may be, or contain. */
const NEVER_VISIBLE = ['/root', '/home', '/var/lib', '/etc/shadow', '/etc/gshadow', '/run', '/proc', '/sys', '/dev'];

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

export interface BubblewrapSetup {
  tree: WorkTree;
  env?: Record<string, string>;
  /** Host paths to show read-only at the same place (a toolchain under /opt, say). */
  readOnlyPaths?: readonly string[];
  /** A file holding the compiled seccomp filter; none on architectures without a table. */
  seccompFile?: string;
  /** The host-side wrapper: descriptor hygiene for every launch, limits for the agent's session (`newSession`). */
  limits?: PlacedLimits;
}

export class BubblewrapLauncher implements Launcher {
  readonly isolated = true;
  readonly workdir = '/testbed';
  readonly tmpdir = '/tmp';
  private readonly mountArgs: string[];
  private readonly env: Record<string, string>;

  constructor(
    private readonly bwrap: string,
    private readonly setup: BubblewrapSetup,
  ) {
    this.mountArgs = bubblewrapArgs(setup.tree, { readOnlyPaths: setup.readOnlyPaths ?? [] });
    this.env = setup.env ?? {};
  }

  spawn(argv: string[], options: { newSession?: boolean } = {}): ChildProcess {
    // `setsid` inside the namespace (bwrap's --new-session only detaches bwrap's own child): the
    // shell itself must lead its session.
    const program = options.newSession ? ['setsid', '--wait', ...argv] : argv;
    const seccomp = this.setup.seccompFile === undefined ? undefined : openSync(this.setup.seccompFile, 'r');
    try {
      const bwrapArgv = [this.bwrap, ...this.mountArgs, ...(seccomp === undefined ? [] : ['--seccomp', '3']), '--', ...program];
      const argvWithLimits = this.setup.limits ? this.setup.limits.wrap(bwrapArgv, { session: options.newSession === true }) : bwrapArgv;
      const [command, ...args] = argvWithLimits;
      return spawn(command!, args, {
        env: sandboxEnvironment(this.tmpdir, this.env),
        // bwrap reads the filter from fd 3 to its end before the program starts.
        stdio: seccomp === undefined ? 'pipe' : ['pipe', 'pipe', 'pipe', seccomp],
      });
    } finally {
      if (seccomp !== undefined) closeSync(seccomp);
    }
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

/** One host path as bwrap arguments: a link is recreated as a link, a file or folder bound read-only. */
function readOnlyEntry(hostPath: string, sandboxPath: string): string[] {
  const stat = lstatSync(hostPath, { throwIfNoEntry: false });
  if (stat === undefined) return [];
  if (stat.isSymbolicLink()) return ['--symlink', readlinkSync(hostPath), sandboxPath];
  if (stat.isDirectory() || stat.isFile()) return ['--ro-bind', hostPath, sandboxPath];
  return [];
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Refuses an extra read-only path that would show private data or the folders above the project. */
export function checkReadOnlyPath(path: string, protectedPaths: readonly string[] = [process.cwd()]): string {
  if (!isAbsolute(path)) throw new InputError(`readOnlyPaths: ${path} is not an absolute path`);
  const normalized = resolve(path);
  if (normalized === '/') throw new InputError('readOnlyPaths: / would show the whole host');
  for (const hidden of NEVER_VISIBLE) {
    if (isInside(normalized, hidden) || isInside(hidden, normalized)) throw new InputError(`readOnlyPaths: ${path} would show ${hidden}`);
  }
  for (const project of protectedPaths) {
    if (isInside(project, normalized)) throw new InputError(`readOnlyPaths: ${path} holds ${project}, which the sandbox must not see`);
  }
  return normalized;
}

export function bubblewrapArgs(tree: WorkTree, options: { readOnlyPaths?: readonly string[]; root?: string } = {}): string[] {
  const root = options.root ?? '/';
  const args = ['--tmpfs', '/'];
  for (const name of SYSTEM_DIRECTORIES) args.push(...readOnlyEntry(join(root, name), `/${name}`));
  args.push('--dir', '/etc');
  for (const entry of ETC_ENTRIES) args.push(...readOnlyEntry(join(root, 'etc', entry), `/etc/${entry}`));
  for (const path of options.readOnlyPaths ?? []) args.push(...readOnlyEntry(join(root, checkReadOnlyPath(path)), path));
  args.push(
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/run',
    '--dir', '/root',
    '--dir', '/var',
    '--symlink', '../tmp', '/var/tmp',
    '--bind', tree.tmp, '/tmp',
    '--bind', tree.testbed, '/testbed',
    // The clone borrows objects from the source repository, which may live under a hidden home.
    '--ro-bind', tree.sharedObjects, tree.sharedObjects,
    '--remount-ro', '/',
    '--unshare-user', '--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--cap-drop', 'ALL',
    '--hostname', 'swe-srl-sandbox',
    '--new-session',
    '--die-with-parent',
    '--chdir', '/testbed',
  );
  return args;
}
