/**
 * The probes an adversarial run of main used against the sandboxes, as shell commands any backend
 * can run: each says what it tried, and the tests assert that none of it worked. They run as root,
 * as CI does.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Sandbox } from '../../src/sandbox/types.js';

/** Capability bits from /proc/<pid>/status, parsed. */
export function capabilities(status: string): { effective: bigint; bounding: bigint; noNewPrivs: boolean; seccomp: number } {
  const field = (name: string): string | undefined => status.match(new RegExp(`^${name}:\\s*(\\S+)`, 'm'))?.[1];
  const hex = (name: string): bigint => BigInt(`0x${field(name) ?? '0'}`);
  return {
    effective: hex('CapEff'),
    bounding: hex('CapBnd'),
    noNewPrivs: field('NoNewPrivs') === '1',
    seccomp: Number(field('Seccomp') ?? 0),
  };
}

export const CAP_SYS_ADMIN = 1n << 21n;

/** The escape: remount a read-only bind writable and write through it; a random name to look for on the host. */
export function remountEscape(): { command: string; hostFile: string } {
  const name = `swe-srl-escape-${randomBytes(4).toString('hex')}`;
  return {
    command:
      `mount -o remount,bind,rw /var && echo escaped > /var/tmp/${name}; ` +
      `mount -o remount,rw / && echo escaped > /${name}; ` +
      `mount -t tmpfs none /mnt 2>/dev/null && echo mounted; ` +
      'echo done',
    hostFile: `/var/tmp/${name}`,
  };
}

/** Prints `present <path>` for each path the command can read or list. */
export function visibilityProbe(paths: readonly string[]): string {
  return paths
    .map((path) => `if [ -e '${path}' ] && { cat '${path}' >/dev/null 2>&1 || [ -n "$(ls -A '${path}' 2>/dev/null)" ]; }; then echo 'present ${path}'; fi`)
    .join('; ');
}

/**
 * A `setsid` child that ignores SIGTERM and outlives the command that started it, named so it can
 * be found afterwards; plus a double-forked daemon. Both must die with the command's timeout.
 */
export function setsidSurvivors(): { command: string; names: string[] } {
  const tag = randomBytes(4).toString('hex');
  const names = [`swe-srl-setsid-${tag}`, `swe-srl-daemon-${tag}`];
  return {
    command:
      `setsid bash -c 'trap "" TERM HUP INT; exec -a ${names[0]} sleep 300' & ` +
      `( setsid bash -c 'exec -a ${names[1]} sleep 301' & ) ; ` +
      'sleep 100',
    names,
  };
}

/** Whether a process whose argv[0] is `name` still runs in the sandbox. */
export async function stillRunning(sandbox: Sandbox, names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    // `[s]` keeps the probe's own command line from matching itself.
    const pattern = `[${name[0]}]${name.slice(1)}`;
    const result = await sandbox.run(`ps -eo args | grep -c '^${pattern}' || true`, { timeoutMs: 10_000 });
    if (Number(result.output.trim().split('\n').at(-1)) > 0) found.push(name);
  }
  return found;
}

/** The host's own view, for backends that share the host's process table (local). */
export async function hostProcessesNamed(names: readonly string[]): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const argv0 = cmdline.split('\0')[0];
    if (argv0 !== undefined && names.includes(argv0)) found.push(argv0);
  }
  return found;
}

/** Python that calls system calls directly and prints their errno (0: allowed), one per line. */
export function syscallProbe(calls: Record<string, { number: number; args: number[] }>): string {
  const lines = Object.entries(calls).map(
    ([name, call]) => `r = libc.syscall(${[call.number, ...call.args].join(', ')}); print('${name}', 0 if r >= 0 else ctypes.get_errno())`,
  );
  return `python3 -c "${['import ctypes', 'libc = ctypes.CDLL(None, use_errno=True)', ...lines].join('; ')}"`;
}
