/**
 * Where the local backend places its memory and pids limits, against fake cgroup file systems (this
 * machine may have cgroup v1 only): systemd's scopes first, a cgroup v2 of our own next, and a
 * reason when neither is there. The launch wrapper runs for real: it joins the cgroup it is given,
 * sets the file-size limit and closes inherited descriptors.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { placeLimits, type CgroupEnvironment } from '../../../src/sandbox/local/resource-limits.js';
import { withTempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);
const LIMITS = { memoryBytes: 256 * 1024 ** 2, pidsLimit: 64, fileSizeBytes: 4 * 1024 ** 2 };

async function fakeCgroupV2(root: string, own: string, parentDelegates: string): Promise<CgroupEnvironment> {
  const cgroupRoot = join(root, 'cgroup');
  const parent = join(cgroupRoot, own === '/' ? '' : own.split('/').slice(0, -1).join('/'));
  await mkdir(join(cgroupRoot, own), { recursive: true });
  await writeFile(join(cgroupRoot, 'cgroup.controllers'), 'cpu io memory pids\n');
  await writeFile(join(parent, 'cgroup.controllers'), 'cpu io memory pids\n');
  await writeFile(join(parent, 'cgroup.subtree_control'), parentDelegates);
  await writeFile(join(root, 'self-cgroup'), `0::${own}\n`);
  return { cgroupRoot, selfCgroupFile: join(root, 'self-cgroup'), systemdRuntimeDir: join(root, 'no-systemd'), systemdRun: undefined };
}

test('on cgroup v2 the limits go into a new cgroup beside ours, which the launch joins before bwrap starts', () =>
  withTempDir(async (root) => {
    const environment = await fakeCgroupV2(root, '/machine/session', 'memory pids\n');
    const placed = await placeLimits('swe-srl-test', LIMITS, environment);
    assert.equal(placed.enforcement.kind, 'cgroup-v2');
    const cgroup = join(environment.cgroupRoot, 'machine', 'swe-srl-test');
    assert.deepEqual(placed.enforcement, { kind: 'cgroup-v2', path: cgroup });
    assert.equal(await readFile(join(cgroup, 'memory.max'), 'utf8'), String(LIMITS.memoryBytes));
    assert.equal(await readFile(join(cgroup, 'pids.max'), 'utf8'), '64');

    await writeFile(join(cgroup, 'cgroup.procs'), '');
    const [command, ...args] = placed.wrap(['bash', '-c', 'ulimit -f; echo "$$"'], { session: true });
    const { stdout } = await run(command!, args);
    const [fileSizeKib, pid] = stdout.trim().split('\n');
    assert.equal(fileSizeKib, '4096');
    assert.equal((await readFile(join(cgroup, 'cgroup.procs'), 'utf8')).trim(), pid, 'the wrapper joined the cgroup and exec-ed the command');

    // Helper launches (file reads, diffs) get the descriptor hygiene but not the session's limits.
    const [helper, ...helperArgs] = placed.wrap(['bash', '-c', 'ulimit -f'], { session: false });
    assert.equal((await run(helper!, helperArgs)).stdout.trim(), 'unlimited');
  }));

test('in the root cgroup, memory and pids are handed down to a child cgroup of our own', () =>
  withTempDir(async (root) => {
    const environment = await fakeCgroupV2(root, '/', '');
    const placed = await placeLimits('swe-srl-root', LIMITS, environment);
    assert.deepEqual(placed.enforcement, { kind: 'cgroup-v2', path: join(environment.cgroupRoot, 'swe-srl-root') });
    assert.equal(await readFile(join(environment.cgroupRoot, 'cgroup.subtree_control'), 'utf8'), '+memory +pids');
  }));

test('on cgroup v1 there is nowhere to put the limits, and the reason says so', () =>
  withTempDir(async (root) => {
    await mkdir(join(root, 'cgroup', 'memory'), { recursive: true });
    const placed = await placeLimits('swe-srl-v1', LIMITS, {
      cgroupRoot: join(root, 'cgroup'),
      selfCgroupFile: '/proc/self/cgroup',
      systemdRuntimeDir: join(root, 'none'),
      systemdRun: undefined,
    });
    assert.equal(placed.enforcement.kind, 'none');
    assert.match((placed.enforcement as { reason: string }).reason, /not a cgroup v2 \(unified\) hierarchy; this machine uses cgroup v1/);
  }));

test('where systemd runs the machine, the session runs in a transient scope carrying the limits', () =>
  withTempDir(async (root) => {
    const systemdRun = join(root, 'systemd-run');
    // Records its arguments and runs the command after `--`, as `systemd-run --scope` does.
    await writeFile(systemdRun, `#!/bin/bash\necho "$*" >> ${join(root, 'calls')}\nwhile [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done\n[ $# -gt 0 ] || exit 0\nshift\nexec "$@"\n`);
    await chmod(systemdRun, 0o755);
    await mkdir(join(root, 'run-systemd'));
    const placed = await placeLimits('swe-srl-scope', LIMITS, {
      cgroupRoot: join(root, 'cgroup'),
      selfCgroupFile: '/proc/self/cgroup',
      systemdRuntimeDir: join(root, 'run-systemd'),
      systemdRun,
    });
    assert.deepEqual(placed.enforcement, { kind: 'systemd-run' });
    const [command, ...args] = placed.wrap(['echo', 'inside'], { session: true });
    assert.equal(command, systemdRun);
    assert.equal((await run(command!, args)).stdout, 'inside\n');
    const calls = (await readFile(join(root, 'calls'), 'utf8')).trim().split('\n');
    assert.equal(calls[0], '--scope --quiet --collect true', 'first a probe that scopes work');
    assert.match(calls[1]!, /^--scope --quiet --collect -p MemoryMax=268435456 -p MemorySwapMax=0 -p TasksMax=64 -- bash /);
  }));
