/**
 * The local backend under attack, as root (as CI runs): the probes that escaped main's sandbox
 * (a remount writing to the host, reads of the host's secrets and the project, every capability
 * kept, no seccomp) and the ones around them. Each fails if the attack works.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { arch } from 'node:process';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { UnavailableError } from '../../../src/errors.js';
import { LocalSandbox } from '../../../src/sandbox/local/local-sandbox.js';
import type { LocalSandboxConfig } from '../../../src/sandbox/local/local-config.js';
import { checkReadOnlyPath } from '../../../src/sandbox/local/launcher.js';
import { createRepository } from '../../helpers/git-repos.js';
import { skipUnlessBubblewrap } from '../../helpers/bubblewrap.js';
import {
  CAP_SYS_ADMIN,
  capabilities,
  hostProcessesNamed,
  remountEscape,
  setsidSurvivors,
  stillRunning,
  syscallProbe,
  visibilityProbe,
} from '../../helpers/containment-probes.js';
import { removeTree } from '../../helpers/temp-dir.js';

const skip = skipUnlessBubblewrap();
let repo: string;

before(async () => {
  repo = (await createRepository({ 'README.md': 'probe target\n' })).path;
});
after(async () => {
  if (repo) await removeTree(repo);
});

async function withSandbox(overrides: Partial<LocalSandboxConfig>, body: (sandbox: LocalSandbox) => Promise<void>): Promise<void> {
  const sandbox = await LocalSandbox.create({ type: 'local', repoPath: repo, onWarning: () => undefined, ...overrides });
  try {
    await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

test('a sandboxed command holds no capability, cannot regain one, and runs under a seccomp filter', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const status = capabilities((await sandbox.run('cat /proc/self/status')).output);
    assert.equal(status.effective, 0n, 'CapEff');
    assert.equal(status.bounding, 0n, 'CapBnd');
    assert.equal(status.effective & CAP_SYS_ADMIN, 0n);
    assert.equal(status.noNewPrivs, true);
    assert.equal(status.seccomp, 2, 'seccomp in filter mode');
    // A new user namespace would hand out a full set of capabilities again.
    const unshare = await sandbox.run('unshare -r cat /proc/self/status; echo "exit $?"');
    assert.match(unshare.output, /exit [1-9]/);
    assert.doesNotMatch(unshare.output, /CapEff:\s*0*[1-9a-f]/);
  }),
);

test('the remount escape fails and writes nothing to the host', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const escape = remountEscape();
    try {
      const result = await sandbox.run(escape.command);
      assert.doesNotMatch(result.output, /mounted/);
      assert.match(result.output, /done\n$/);
      assert.equal(existsSync(escape.hostFile), false, `${escape.hostFile} was written on the host`);
      assert.equal((await sandbox.run('touch /usr/probe /etc/probe /testbed/ok 2>&1; ls /testbed/ok')).output.match(/Read-only/g)?.length, 2);
    } finally {
      await rm(escape.hostFile, { force: true });
    }
  }),
);

test("the host's secrets, /var/lib, the homes and the folders of the project are not visible", { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const project = process.cwd();
    const paths = ['/etc/shadow', '/etc/gshadow', '/root', '/home', '/var/lib', '/var/lib/docker', '/var/run/docker.sock', '/run/docker.sock',
      '/opt', '/srv', '/mnt', '/boot', project, `${project}/package.json`, dirname(project), `${repo}/README.md`, `${repo}/.git/config`];
    const result = await sandbox.run(visibilityProbe(paths));
    assert.equal(result.output, '', `visible in the sandbox:\n${result.output}`);
    // What a toolchain needs is there.
    assert.equal((await sandbox.run('python3 -c "print(1 + 1)" && git --version >/dev/null && id -u')).output, '2\n0\n');
  }),
);

test('the system calls an escape needs are denied', { skip: skip || (arch !== 'x64' ? 'x86_64 system call numbers' : false) }, () =>
  withSandbox({}, async (sandbox) => {
    const CLONE_NEWUSER = 0x10000000;
    const probe = syscallProbe({
      unshare: { number: 272, args: [CLONE_NEWUSER] },
      mount: { number: 165, args: [0, 0, 0, 0, 0] },
      ptrace: { number: 101, args: [0, 0, 0, 0] },
      keyctl: { number: 250, args: [0, 0, 0, 0, 0] },
      bpf: { number: 321, args: [0, 0, 0] },
      clone_newuser: { number: 56, args: [CLONE_NEWUSER | 17, 0, 0, 0, 0] },
      clone3: { number: 435, args: [0, 0] },
      getpid: { number: 39, args: [] },
    });
    const errno = Object.fromEntries(
      (await sandbox.run(probe)).output.trim().split('\n').map((line) => line.split(' ')).map(([name, code]) => [name, Number(code)]),
    );
    const EPERM = 1;
    const ENOSYS = 38;
    assert.deepEqual(errno, { unshare: EPERM, mount: EPERM, ptrace: EPERM, keyctl: EPERM, bpf: EPERM, clone_newuser: EPERM, clone3: ENOSYS, getpid: 0 });
    // Ordinary processes and threads still start.
    assert.equal((await sandbox.run('(echo child) && python3 -c "import threading; t = threading.Thread(target=print, args=(\'thread\',)); t.start(); t.join()"')).output, 'child\nthread\n');
  }),
);

test('the sandbox has its own pid, uts and user namespaces and inherits no descriptor of the harness', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const result = await sandbox.run('hostname; cat /proc/self/uid_map | tr -s " "; ps -e --no-headers | wc -l');
    const [hostname, uidMap, processCount] = result.output.trim().split('\n');
    assert.equal(hostname, 'swe-srl-sandbox');
    assert.equal(uidMap!.trim(), '0 0 1');
    assert.ok(Number(processCount) < 10, `the sandbox sees ${processCount} processes: the host's?`);
    // A command started from the session holds stdio and nothing else (here: the directory `ls` reads).
    const fds = (await sandbox.run('ls -l /proc/self/fd | tail -n +2')).output.trim().split('\n');
    const others = fds.filter((line) => !/ [012] -> /.test(line) && !/ -> \/proc\/\d+\/fd$/.test(line));
    assert.deepEqual(others, []);
  }),
);

test('no file larger than the file-size limit can be written, and the limit cannot be raised (the 5 GiB dd)', { skip }, () =>
  withSandbox({ fileSizeBytes: 1024 * 1024 }, async (sandbox) => {
    const result = await sandbox.run('dd if=/dev/zero of=big bs=1M count=5120 2>&1; ls -l big | cut -d" " -f5; ulimit -f unlimited; echo "raise $?"');
    assert.match(result.output, /File size limit exceeded|File too large/);
    assert.match(result.output, /^1048576$/m);
    assert.match(result.output, /raise 1/);
  }),
);

test('without cgroup v2 the sandbox says loudly that memory and pids are not limited, and requireLimits refuses', { skip }, async () => {
  const warnings: string[] = [];
  await withSandbox({ onWarning: (message) => warnings.push(message) }, async (sandbox) => {
    if (sandbox.limits.kind !== 'none') {
      // A machine with cgroup v2 or systemd: the session runs inside the limits instead.
      assert.deepEqual(warnings, []);
      return;
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /WITHOUT memory and pids limits: .+/);
    await assert.rejects(
      LocalSandbox.create({ type: 'local', repoPath: repo, requireLimits: true, onWarning: () => undefined }),
      (error: unknown) => error instanceof UnavailableError && /WITHOUT memory and pids limits/.test(error.message),
    );
  });
});

test('a timeout kills a setsid child that ignores SIGTERM and a double-forked daemon', { skip, timeout: 30_000 }, () =>
  withSandbox({}, async (sandbox) => {
    const survivors = setsidSurvivors();
    const result = await sandbox.run(survivors.command, { timeoutMs: 1_000 });
    assert.equal(result.timedOut, true);
    assert.deepEqual(await stillRunning(sandbox, survivors.names), []);
    assert.deepEqual(await hostProcessesNamed(survivors.names), []);
    assert.equal((await sandbox.run('echo alive')).output, 'alive\n');
  }),
);

test('extra read-only paths may not show the homes, /var/lib or the folders above the project', () => {
  assert.equal(checkReadOnlyPath('/opt/toolchain', ['/work/project']), '/opt/toolchain');
  for (const refused of ['/home/me/tools', '/root', '/var/lib', '/var', '/', '/work', '/work/project', 'relative/path']) {
    assert.throws(() => checkReadOnlyPath(refused, ['/work/project']), /readOnlyPaths: /, refused);
  }
});
