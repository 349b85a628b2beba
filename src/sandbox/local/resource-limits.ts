/**
 * Memory, process and file-size limits for a local sandbox's session. What a machine allows
 * differs, so the limits are placed by the first of these that works:
 *
 *  1. `systemd-run --scope` with MemoryMax, MemorySwapMax and TasksMax, where systemd runs the
 *     machine (the proper way to get a cgroup there);
 *  2. a cgroup v2 of our own, next to ours (or under the root when we are in it), where the
 *     unified hierarchy is mounted with the memory and pids controllers available to us;
 *  3. none: the sandbox still runs, with a warning that says what is missing (cgroup v1 machines,
 *     containers without a delegated cgroup).
 *
 * The size of any one file written is capped in every case with RLIMIT_FSIZE, set on the host
 * before bubblewrap starts; without CAP_SYS_RESOURCE in the host's user namespace the sandbox cannot
 * raise it. There is no cap on the total written: cgroups have no disk-space controller.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';

export interface LocalResourceLimits {
  /** Memory of the whole session (swap excluded: none is allowed). */
  memoryBytes: number;
  /** Most processes and threads at once. */
  pidsLimit: number;
  /** Largest file any process may write. */
  fileSizeBytes: number;
}

export const LOCAL_LIMIT_DEFAULTS: LocalResourceLimits = {
  memoryBytes: 2 * 1024 ** 3,
  pidsLimit: 512,
  fileSizeBytes: 8 * 1024 ** 3,
};

/** How memory and pids limits are enforced, or why they are not. */
export type LimitEnforcement =
  | { kind: 'systemd-run' }
  | { kind: 'cgroup-v2'; path: string }
  | { kind: 'none'; reason: string };

export interface PlacedLimits {
  readonly enforcement: LimitEnforcement;
  /**
   * The command line that runs `argv` (the launcher's bwrap command line) with only the standard
   * descriptors and fd 3 open, and, for the agent's `session`, under the limits.
   */
  wrap(argv: readonly string[], options: { session: boolean }): string[];
  /** Kills what is left in our cgroup and removes it. Idempotent. */
  release(): Promise<void>;
}

/** Where to look; tests point these at a fake cgroup file system. */
export interface CgroupEnvironment {
  cgroupRoot: string;
  selfCgroupFile: string;
  /** Present when systemd manages the machine. */
  systemdRuntimeDir: string;
  systemdRun: string | undefined;
}

const HOST_ENVIRONMENT: CgroupEnvironment = {
  cgroupRoot: '/sys/fs/cgroup',
  selfCgroupFile: '/proc/self/cgroup',
  systemdRuntimeDir: '/run/systemd/system',
  systemdRun: '/usr/bin/systemd-run',
};

/**
 * Runs on the host, just before bubblewrap: closes every descriptor the harness inherited from
 * its own parent beyond stdio and fd 3 (the seccomp filter), which the sandbox must not reach;
 * sets RLIMIT_FSIZE (bash counts `ulimit -f` in KiB); joins the cgroup when there is one; then
 * becomes the command, so the sandbox never runs outside its limits.
 */
const LAUNCH_WRAPPER = `set -e
for fd in /proc/$$/fd/*; do
  fd=\${fd##*/}
  case $fd in 0|1|2|3) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
done
if [ -n "$1" ]; then echo "$$" > "$1/cgroup.procs"; fi
# Without -H or -S bash sets both limits: the soft one never above the hard one.
ulimit -f "$2"
shift 2
exec "$@"`;

function wrapperArgv(cgroupPath: string, fileSize: string, argv: readonly string[]): string[] {
  return ['bash', '--noprofile', '--norc', '-c', LAUNCH_WRAPPER, 'swe-srl-launch', cgroupPath, fileSize, ...argv];
}

function fileSizeKibibytes(limits: LocalResourceLimits): string {
  return String(Math.max(1, Math.floor(limits.fileSizeBytes / 1024)));
}

const run = promisify(execFile);
const systemdRunWorks = new Map<string, Promise<boolean>>();

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}

async function systemdScopesWork(environment: CgroupEnvironment): Promise<boolean> {
  if (environment.systemdRun === undefined || !(await exists(environment.systemdRuntimeDir))) return false;
  if (!(await exists(environment.systemdRun, constants.X_OK))) return false;
  // Asked once per process: a machine where the system bus does not answer says so at once.
  let works = systemdRunWorks.get(environment.systemdRun);
  if (works === undefined) {
    works = run(environment.systemdRun, ['--scope', '--quiet', '--collect', 'true'], { timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    systemdRunWorks.set(environment.systemdRun, works);
  }
  return works;
}

/** Our own cgroup v2 path (`0::/path`), or why there is none to use. */
async function ownCgroup(environment: CgroupEnvironment): Promise<{ path: string } | { reason: string }> {
  if (!(await exists(join(environment.cgroupRoot, 'cgroup.controllers')))) {
    return { reason: `${environment.cgroupRoot} is not a cgroup v2 (unified) hierarchy; this machine uses cgroup v1` };
  }
  const lines = (await readFile(environment.selfCgroupFile, 'utf8').catch(() => '')).split('\n');
  const unified = lines.find((line) => line.startsWith('0::'));
  if (unified === undefined) return { reason: `${environment.selfCgroupFile} names no cgroup v2 path` };
  return { path: unified.slice(3).trim() || '/' };
}

async function controllersOf(directory: string, file: 'cgroup.controllers' | 'cgroup.subtree_control'): Promise<Set<string>> {
  const text = await readFile(join(directory, file), 'utf8').catch(() => '');
  return new Set(text.split(/\s+/).filter(Boolean));
}

/**
 * A new cgroup for one sandbox. Processes may only sit in leaf cgroups once controllers are on, so
 * ours goes beside the cgroup we run in (its parent already hands memory and pids down to us), or
 * under the root when we run in the root (the one cgroup exempt from that rule).
 */
async function createOwnCgroup(
  environment: CgroupEnvironment,
  name: string,
  limits: LocalResourceLimits,
): Promise<{ path: string } | { reason: string }> {
  const own = await ownCgroup(environment);
  if ('reason' in own) return own;
  const parentRelative = own.path === '/' ? '/' : posix.dirname(own.path);
  const parent = join(environment.cgroupRoot, parentRelative);
  const needed = ['memory', 'pids'];
  let delegated = await controllersOf(parent, 'cgroup.subtree_control');
  if (!needed.every((controller) => delegated.has(controller))) {
    const available = await controllersOf(parent, 'cgroup.controllers');
    if (!needed.every((controller) => available.has(controller))) {
      return { reason: `the cgroup ${parentRelative} has no memory and pids controllers to give` };
    }
    try {
      await writeFile(join(parent, 'cgroup.subtree_control'), needed.map((controller) => `+${controller}`).join(' '));
    } catch (error) {
      return { reason: `cannot enable memory and pids controllers under ${parentRelative} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
    }
    delegated = await controllersOf(parent, 'cgroup.subtree_control');
  }
  const path = join(parent, name);
  try {
    await mkdir(path);
    await writeFile(join(path, 'memory.max'), String(limits.memoryBytes));
    if (await exists(join(path, 'memory.swap.max'))) await writeFile(join(path, 'memory.swap.max'), '0');
    await writeFile(join(path, 'pids.max'), String(limits.pidsLimit));
  } catch (error) {
    await rmdir(path).catch(() => undefined);
    return { reason: `cannot create the cgroup ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  return { path };
}

async function removeCgroup(path: string): Promise<void> {
  // cgroup.kill (Linux 5.14) takes every process at once; older kernels get them one by one.
  if (await exists(join(path, 'cgroup.kill'))) await writeFile(join(path, 'cgroup.kill'), '1').catch(() => undefined);
  for (let attempt = 0; attempt < 50; attempt++) {
    const pids = (await readFile(join(path, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    try {
      await rmdir(path);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Places the limits for one sandbox named `name` (a cgroup or scope name part). */
export async function placeLimits(
  name: string,
  limits: LocalResourceLimits,
  environment: CgroupEnvironment = HOST_ENVIRONMENT,
): Promise<PlacedLimits> {
  if (await systemdScopesWork(environment)) {
    const properties = [`MemoryMax=${limits.memoryBytes}`, 'MemorySwapMax=0', `TasksMax=${limits.pidsLimit}`];
    const prefix = [environment.systemdRun!, '--scope', '--quiet', '--collect', ...properties.flatMap((property) => ['-p', property]), '--'];
    return {
      enforcement: { kind: 'systemd-run' },
      wrap: (argv, { session }) => (session ? [...prefix, ...wrapperArgv('', fileSizeKibibytes(limits), argv)] : wrapperArgv('', 'unlimited', argv)),
      release: async () => undefined,
    };
  }
  const cgroup = await createOwnCgroup(environment, name, limits);
  if ('path' in cgroup) {
    let released: Promise<void> | undefined;
    return {
      enforcement: { kind: 'cgroup-v2', path: cgroup.path },
      wrap: (argv, { session }) => (session ? wrapperArgv(cgroup.path, fileSizeKibibytes(limits), argv) : wrapperArgv('', 'unlimited', argv)),
      release: () => (released ??= removeCgroup(cgroup.path)),
    };
  }
  return {
    enforcement: { kind: 'none', reason: cgroup.reason },
    wrap: (argv, { session }) => wrapperArgv('', session ? fileSizeKibibytes(limits) : 'unlimited', argv),
    release: async () => undefined,
  };
}

