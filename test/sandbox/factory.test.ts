import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { InputError, SandboxGoneError } from '../../src/errors.js';
import { createSandbox, parseSandboxConfig } from '../../src/sandbox/factory.js';
import { DockerEngines } from '../../src/sandbox/docker/engines.js';
import { LiveSandboxes } from '../../src/sandbox/live-sandboxes.js';
import { findBubblewrap } from '../../src/sandbox/local/launcher.js';

test('a config from outside is checked, and each wrong field is named', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ type: 'docker' }, /image: /],
    [{ type: 'docker', image: 'x', memory: 1 }, /memory/],
    [{ type: 'docker', image: 'x', cpus: 'two' }, /cpus: /],
    [{ type: 'docker', image: 'x', engines: ['unix:///var/run/docker.sock'] }, /engines: expected DockerEngines/],
    [{ type: 'local' }, /repoPath: /],
    [{ type: 'kubernetes' }, /type: /],
  ];
  for (const [config, expected] of cases) {
    assert.throws(
      () => parseSandboxConfig(config, 'run.yaml'),
      (error: unknown) => error instanceof InputError && error.message.startsWith('run.yaml: ') && expected.test(error.message),
      JSON.stringify(config),
    );
  }
  const engines = DockerEngines.fromEndpoints(['unix:///var/run/docker.sock']);
  assert.equal(parseSandboxConfig({ type: 'docker', image: 'x', engines }).type, 'docker');
});

test('createSandbox tracks each sandbox until it is closed, and closeAll closes the rest', async () => {
  const repo = await mkdtemp(join(tmpdir(), 'swe-srl-factory-test-'));
  try {
    await execa('git', ['init', '-q'], { cwd: repo });
    await writeFile(join(repo, 'file.txt'), 'content\n');
    await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'c', '--allow-empty'], { cwd: repo });
    const registry = new LiveSandboxes();
    // Isolation does not matter here; bubblewrap is used when present.
    const config = { type: 'local', repoPath: repo, allowUnsafe: findBubblewrap() === undefined } as const;
    const first = await createSandbox(config, { registry });
    const second = await createSandbox(config, { registry });
    assert.equal(registry.size, 2);
    assert.equal((await first.run('echo one')).output, 'one\n');
    await first.close();
    assert.equal(registry.size, 1);
    await registry.closeAll();
    assert.equal(registry.size, 0);
    await assert.rejects(second.run('true'), /closed/);
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
});

test('closeAll during a creation waits for it and closes the new sandbox too (a signal mid-start leaks nothing)', async () => {
  // The creation itself rejects: work that was about to use the sandbox must not take it for a working one.
  const repo = await mkdtemp(join(tmpdir(), 'swe-srl-factory-test-'));
  try {
    await execa('git', ['init', '-q'], { cwd: repo });
    await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'c', '--allow-empty'], { cwd: repo });
    const registry = new LiveSandboxes();
    const config = { type: 'local', repoPath: repo, allowUnsafe: findBubblewrap() === undefined } as const;
    const creation = createSandbox(config, { registry });
    assert.equal(registry.size, 1, 'a sandbox being created already counts');
    await registry.closeAll();
    await assert.rejects(creation, (error: unknown) => error instanceof SandboxGoneError && error.reason === 'closed');
    assert.equal(registry.size, 0);
    // After a signal's cleanup has begun, no new work starts, and a sandbox asked for anyway is closed at once.
    assert.equal(registry.shutdownSignal.aborted, true);
    await assert.rejects(createSandbox(config, { registry }), /shutting down/);
    assert.equal(registry.size, 0);
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
});
