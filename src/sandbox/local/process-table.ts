/**
 * Reads the host's /proc to find and stop the processes of a local sandbox's shell session.
 * Going through /proc (not `ps`/`pkill`) keeps this working on minimal hosts and lets us read
 * the pid a process has inside a sandbox's pid namespace.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** `Z` (zombie) and `X` (dead) entries are already gone in all but name. */
  state: string;
}

/** Parses one /proc/<pid>/stat line. The command name may contain spaces and ')', so split after the last ')'. */
export function parseStatLine(pid: number, line: string): ProcessEntry | undefined {
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgid, sid] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[3])];
  if (state === undefined || !Number.isInteger(ppid) || !Number.isInteger(pgid) || !Number.isInteger(sid)) {
    return undefined;
  }
  return { pid, ppid, pgid, sid, state };
}

export async function listProcesses(procRoot = '/proc'): Promise<ProcessEntry[]> {
  const names = await readdir(procRoot);
  const entries = await Promise.all(
    names
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const pid = Number(name);
        // A process may exit between readdir and read.
        const line = await readFile(`${procRoot}/${name}/stat`, 'utf8').catch(() => undefined);
        return line === undefined ? undefined : parseStatLine(pid, line);
      }),
  );
  return entries.filter((entry): entry is ProcessEntry => entry !== undefined);
}

/**
 * The host pid of the process that calls itself `namespacePid` inside its pid namespace, looked
 * for among `ancestorPid` and its descendants (the sandbox launcher and what it started).
 */
export async function findHostPid(ancestorPid: number, namespacePid: number): Promise<number | undefined> {
  const processes = await listProcesses();
  const childrenOf = new Map<number, number[]>();
  for (const entry of processes) {
    const siblings = childrenOf.get(entry.ppid) ?? [];
    siblings.push(entry.pid);
    childrenOf.set(entry.ppid, siblings);
  }
  const queue = [ancestorPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const namespacePids = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/).map(Number);
    if (namespacePids !== undefined && namespacePids[namespacePids.length - 1] === namespacePid) return pid;
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return undefined;
}

/**
 * SIGKILLs every live process in the session led by `leaderPid` except the leader itself (unless
 * `includeLeader`). `interruptLeader` first sends the leader (the agent's shell) SIGINT, which its
 * trap turns into abandoning the rest of its command line. Process groups go down with one killpg each, which a fork bomb can't outrun;
 * the loop catches anything forked while we were reading /proc.
 */
export async function killSession(
  leaderPid: number,
  options: { includeLeader?: boolean; interruptLeader?: boolean } = {},
): Promise<void> {
  if (options.interruptLeader) signal(leaderPid, 'SIGINT');
  for (let round = 0; round < 50; round++) {
    const members = (await listProcesses()).filter(
      (entry) => entry.sid === leaderPid && entry.state !== 'Z' && entry.state !== 'X',
    );
    const targets = members.filter((entry) => entry.pid !== leaderPid);
    const leaderAlive = members.some((entry) => entry.pid === leaderPid);
    if (targets.length === 0 && !(options.includeLeader && leaderAlive)) return;
    for (const entry of targets) {
      // The leader's own group also holds its command substitutions: those go one by one.
      if (entry.pgid !== leaderPid) signal(-entry.pgid);
      else signal(entry.pid);
    }
    if (options.includeLeader && leaderAlive) signal(leaderPid);
    await new Promise((resolve) => setTimeout(resolve, round < 5 ? 1 : 20));
  }
}

/** Every live descendant of `rootPid` (not itself), from one read of /proc. */
function descendantsOf(rootPid: number, processes: readonly ProcessEntry[]): ProcessEntry[] {
  const childrenOf = new Map<number, ProcessEntry[]>();
  for (const entry of processes) {
    const siblings = childrenOf.get(entry.ppid) ?? [];
    siblings.push(entry);
    childrenOf.set(entry.ppid, siblings);
  }
  const found: ProcessEntry[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const child of childrenOf.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found.filter((entry) => entry.state !== 'Z' && entry.state !== 'X');
}

/** `pid` and its ancestors up to and including `rootPid`, with the process groups they are in. */
async function ancestryUpTo(pid: number, rootPid: number): Promise<{ pids: Set<number>; groups: Set<number> }> {
  const processes = new Map((await listProcesses()).map((entry) => [entry.pid, entry]));
  const pids = new Set<number>();
  const groups = new Set<number>();
  for (let current: number | undefined = pid; current !== undefined && !pids.has(current); current = processes.get(current)?.ppid) {
    pids.add(current);
    const group = processes.get(current)?.pgid;
    if (group !== undefined) groups.add(group);
    if (current === rootPid) break;
  }
  return { pids, groups };
}

/**
 * SIGKILLs everything a sandbox runs except the shell `shellHostPid` and the processes it runs
 * under (bubblewrap, its namespace init, setsid). Every process in the sandbox's pid namespace
 * descends from the launcher `launcherPid`, an orphan too (it is reparented to the namespace's
 * init), so this reaches what a session or process-group kill cannot: a `setsid` child, a
 * daemon that double-forked, a process that ignores SIGTERM. `interruptLeader` first sends the
 * shell SIGINT, which its trap turns into abandoning the rest of its command line.
 */
export async function killNamespaceExceptShell(
  launcherPid: number,
  shellHostPid: number,
  options: { interruptLeader?: boolean } = {},
): Promise<void> {
  if (options.interruptLeader) signal(shellHostPid, 'SIGINT');
  const keep = await ancestryUpTo(shellHostPid, launcherPid);
  for (let round = 0; round < 50; round++) {
    const targets = descendantsOf(launcherPid, await listProcesses()).filter((entry) => !keep.pids.has(entry.pid));
    if (targets.length === 0) return;
    for (const entry of targets) {
      // One killpg per foreign process group (a fork bomb can't outrun it); the groups the shell
      // and its parents are in (the shell's holds its command substitutions) go one by one.
      if (!keep.groups.has(entry.pgid)) signal(-entry.pgid);
      signal(entry.pid);
    }
    await new Promise((resolve) => setTimeout(resolve, round < 5 ? 1 : 20));
  }
}

function signal(pidOrGroup: number, name: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pidOrGroup, name);
  } catch {
    // Already gone, or not ours to signal.
  }
}
