/**
 * The docker backend under the probes of the adversarial run: escapes, host reads, disk filling,
 * timeouts a `setsid` child survives, read-backs a sparse file or a huge diff inflates, and a
 * sandbox that goes away under a running command. Each fails if the attack works.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import { ReadBackLimitError, SandboxGoneError, SandboxLimitError } from '../../../src/errors.js';
import { DockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import type { DockerSandboxConfig } from '../../../src/sandbox/docker/docker-config.js';
import { DockerEngines } from '../../../src/sandbox/docker/engines.js';
import { CAP_SYS_ADMIN, capabilities, remountEscape, setsidSurvivors, stillRunning, visibilityProbe } from '../../helpers/containment-probes.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { repoImageForTests } from './repo-image.js';

const skip = await skipUnlessDocker();
const docker = new Docker();
const engines = DockerEngines.fromEnvironment();
const RUN_ID = `test-docker-containment-${randomBytes(3).toString('hex')}`;
const MIB = 1024 * 1024;

async function withSandbox(overrides: Partial<DockerSandboxConfig>, body: (sandbox: DockerSandbox) => Promise<void>): Promise<void> {
  const image = await repoImageForTests(docker);
  const sandbox = await DockerSandbox.create({ type: 'docker', image, runId: RUN_ID, ...overrides }, engines);
  try {
    await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ value: T; growthBytes: number }> {
  const before = process.resourceUsage().maxRSS * 1024;
  const value = await work();
  return { value, growthBytes: process.resourceUsage().maxRSS * 1024 - before };
}

const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

test('the container has no CAP_SYS_ADMIN, the remount escape fails, and no host path is visible', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const status = capabilities((await sandbox.run('cat /proc/self/status')).output);
    assert.equal(status.effective & CAP_SYS_ADMIN, 0n);
    assert.equal(status.noNewPrivs, true);
    const escape = remountEscape();
    try {
      const result = await sandbox.run(escape.command);
      assert.doesNotMatch(result.output, /mounted/);
      assert.equal(existsSync(escape.hostFile), false, `${escape.hostFile} was written on the host`);
    } finally {
      await rm(escape.hostFile, { force: true });
    }
    const project = process.cwd();
    const visible = await sandbox.run(visibilityProbe(['/var/lib/docker', '/var/run/docker.sock', '/run/docker.sock', project, dirname(project)]));
    assert.equal(visible.output, '');
    // The container's /etc/shadow is its image's, not the host's.
    const hostShadow = await readFile('/etc/shadow', 'utf8').catch(() => '');
    const shadow = await sandbox.run('cat /etc/shadow');
    assert.notEqual(shadow.output, hostShadow);
  }),
);

test('a 5 GiB dd stops at the disk limit, which the container cannot raise', { skip, timeout: 120_000 }, () =>
  withSandbox({ diskLimitBytes: 64 * MIB }, async (sandbox) => {
    const result = await sandbox.run('dd if=/dev/zero of=/testbed/fill bs=1M count=5120 2>&1; stat -c %s /testbed/fill; ulimit -f unlimited; echo "raise $?"', {
      timeoutMs: 60_000,
    });
    assert.match(result.output, /File too large|File size limit exceeded/);
    assert.match(result.output, new RegExp(`^${64 * MIB}$`, 'm'));
    assert.match(result.output, /raise 1/);
  }),
);

test('files that together pass the disk limit stop the sandbox with a named limit error', { skip, timeout: 120_000 }, () =>
  withSandbox({ diskLimitBytes: 64 * MIB, diskCheckIntervalMs: 200 }, async (sandbox) => {
    assert.equal(sandbox.diskLimit.enforcement, 'watchdog', 'this engine has no storage quota (overlay2 on ext4)');
    const error = await failure(sandbox.run('for i in 1 2 3; do head -c 40M /dev/zero > /tmp/part$i; done; sleep 60', { timeoutMs: 90_000 }));
    assert.ok(error instanceof SandboxLimitError, String(error));
    assert.equal(error.limit, 'disk');
    assert.match(error.message, /past the disk limit of 67108864 bytes/);
    await assert.rejects(sandbox.readFile('/testbed/README.md'), SandboxLimitError);
  }),
);

test('a timeout kills a setsid child that ignores SIGTERM and a double-forked daemon', { skip, timeout: 60_000 }, () =>
  withSandbox({}, async (sandbox) => {
    const survivors = setsidSurvivors();
    const result = await sandbox.run(survivors.command, { timeoutMs: 1_000 });
    assert.equal(result.timedOut, true);
    assert.deepEqual(await stillRunning(sandbox, survivors.names), []);
    // The keep-alive survives: the sandbox still works.
    assert.equal((await sandbox.run('echo alive')).output, 'alive\n');
  }),
);

test('reading back a 1 GiB sparse file is a size-limit error, with the harness memory flat', { skip, timeout: 60_000 }, () =>
  withSandbox({}, async (sandbox) => {
    await sandbox.run('truncate -s 1G /tmp/report.xml && ln -s /tmp/report.xml /tmp/link.xml');
    const { value: error, growthBytes } = await peakRssGrowth(() => failure(sandbox.readFile('/tmp/report.xml')));
    assert.ok(error instanceof ReadBackLimitError, String(error));
    assert.deepEqual([error.exceeded, error.limit], ['size', 64 * MIB]);
    assert.ok(growthBytes < 200 * MIB, `peak RSS grew by ${Math.round(growthBytes / MIB)} MiB`);
    // Through a symlink too, and a file within a given cap still reads whole.
    await assert.rejects(sandbox.readFile('/tmp/link.xml'), ReadBackLimitError);
    await sandbox.run('head -c 4096 /dev/urandom > /tmp/small');
    await assert.rejects(sandbox.readFile('/tmp/small', { maxBytes: 4095 }), /larger than the read-back limit of 4095 bytes/);
    assert.equal((await sandbox.readFile('/tmp/small', { maxBytes: 4096 })).length, 4096);
  }),
);

test('diff() with a 450 MB file in /testbed is a size-limit error, with the harness memory flat', { skip, timeout: 180_000 }, () =>
  withSandbox({}, async (sandbox) => {
    await sandbox.run("head -c 450000000 /dev/zero | tr '\\0' 'a' > /testbed/huge.txt", { timeoutMs: 120_000 });
    const { value: error, growthBytes } = await peakRssGrowth(() => failure(sandbox.diff()));
    assert.ok(error instanceof ReadBackLimitError, String(error));
    assert.deepEqual([error.target, error.exceeded, error.limit], ['diff', 'size', 32 * MIB]);
    assert.ok(growthBytes < 200 * MIB, `peak RSS grew by ${Math.round(growthBytes / MIB)} MiB`);
    await assert.rejects(sandbox.diff({ timeoutMs: 1 }), (e: unknown) => e instanceof ReadBackLimitError && e.exceeded === 'time');
    await sandbox.run('rm /testbed/huge.txt && echo changed >> README.md');
    assert.match(await sandbox.diff(), /^\+changed$/m);
  }),
);

test('a command cut off by close() rejects as a gone sandbox instead of returning the kill as its exit status', { skip, timeout: 60_000 }, () =>
  withSandbox({}, async (sandbox) => {
    const running = failure(sandbox.run('sleep 30; echo finished'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sandbox.close();
    const error = await running;
    assert.ok(error instanceof SandboxGoneError, String(error));
    assert.equal(error.reason, 'closed');
    await assert.rejects(sandbox.readFile('README.md'), (e: unknown) => e instanceof SandboxGoneError && e.reason === 'closed');
  }),
);

test('a container killed from outside during a command is a gone sandbox, not exit 137', { skip, timeout: 60_000 }, () =>
  withSandbox({}, async (sandbox) => {
    const running = failure(sandbox.run('sleep 30; echo finished'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sandbox.container.kill();
    const error = await running;
    assert.ok(error instanceof SandboxGoneError, String(error));
    assert.equal(error.reason, 'container-gone');
  }),
);

test('no container of these tests is left', { skip }, async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [`swe-srl.run=${RUN_ID}`] } });
  assert.deepEqual(left, []);
});
