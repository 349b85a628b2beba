/**
 * The tools on the real sandbox backends (Docker, and local with bubblewrap), not only on the test
 * double: each bad input of the issue gets its observation and the episode goes on, the lint gate
 * leaves a refused file untouched, and the submission is the diff against the base commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadInstances } from '../../src/eval/instances.js';
import { InstanceSandboxes, type SandboxBackend } from '../../src/agent/instance-sandbox.js';
import { findBubblewrap } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { ToolSession } from '../../src/tools/tool-session.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { writeReplayFixture } from '../helpers/traj-repos.js';
import { withTempDir } from '../helpers/temp-dir.js';

const files = {
  'pkg/mod.py': 'def f(x):\n    return x\n',
  'docs/my notes.txt': 'alpha\nbeta\n',
  'bin/run.sh': '#!/bin/sh\necho hi\n',
  // A NUL byte, and U+00FF as two UTF-8 bytes: 5 bytes in all.
  'data/blob.bin': String.fromCharCode(0, 1, 2, 255),
};

async function withBackend(backend: SandboxBackend, body: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const fixture = writeReplayFixture(dir, { recordedRoot: '/demo__tools', files, modes: { 'bin/run.sh': 0o755 } }, 'demo__tools-1');
    const [instance] = await loadInstances(fixture.instancesPath);
    const sandboxes = new InstanceSandboxes({
      backend,
      reposDir: fixture.reposDir,
      environmentsDir: fixture.environmentsDir,
      ...(backend === 'local' && findBubblewrap() === undefined ? { allowUnsafe: true } : {}),
    });
    const sandbox = await sandboxes.create(instance!);
    try {
      await body(sandbox);
    } finally {
      await sandbox.close();
    }
  });
}

async function exerciseTools(sandbox: Sandbox): Promise<void> {
  assert.equal(sandbox.workdir, '/testbed');
  const session = new ToolSession(sandbox, {
    actionTimeoutMs: 2_000,
    bundles: ['bash', 'windowed', 'search', 'edit_range', 'edit_replace', 'str_replace_editor', 'submit'],
  });
  const bash = (command: string) => session.execute({ tool: 'bash', args: { command } });
  const alive = async () => assert.equal((await bash('echo alive')).observation.trim(), 'alive');

  const hung = await bash('sleep 60');
  assert.equal(hung.timedOut, true);
  assert.match(hung.observation, /cancelled because it took more than 2 seconds/);
  await alive();

  assert.match((await bash('open data/blob.bin')).observation, /binary file \(5 bytes\)/);
  assert.match((await bash('open "docs/my notes.txt"')).observation, /^\[File: docs\/my notes\.txt \(2 lines total\)\]\n1:alpha\n2:beta$/);
  assert.match((await session.execute({ tool: 'str_replace_editor', args: { command: 'create', path: '/etc/evil.py', file_text: 'x' } })).observation, /outside the repository \(\/testbed\)/);
  assert.match((await bash('create ../escape.py')).observation, /outside the repository/);
  assert.match((await session.execute({ tool: 'fly', args: {} })).observation, /Unknown tool 'fly'/);
  await alive();

  await bash('open pkg/mod.py');
  const refused = await bash('edit 2:2\nreturn x +\nend_of_edit');
  assert.match(refused.observation, /introduced new syntax error[\s\S]*- E999 /);
  assert.equal((await sandbox.readFile('pkg/mod.py')).toString(), 'def f(x):\n    return x\n', 'a refused edit leaves the file unchanged');
  const accepted = await bash('edit 2:2\n    return x + 1\nend_of_edit');
  assert.match(accepted.observation, /^File updated\./);
  await bash('open bin/run.sh');
  await bash("edit 'echo hi' 'echo hello'");
  await session.execute({ tool: 'str_replace_editor', args: { command: 'create', path: '/testbed/pkg/new.py', file_text: 'Y = 2\n' } });
  const submitted = await session.execute({ tool: 'submit', args: {} });
  const patch = submitted.submission ?? '';
  assert.match(patch, /\+    return x \+ 1/);
  assert.match(patch, /\+echo hello/);
  assert.match(patch, /new file mode 100644\n[\s\S]*\+Y = 2/);
  assert.doesNotMatch(patch, /old mode|new mode/, 'rewritten files keep their mode');
}

test('the tools behave on the Docker backend', { skip: await skipUnlessDocker(), timeout: 300_000 }, async () => {
  await baseImageForTests();
  await withBackend('docker', exerciseTools);
});

test('the tools behave on the local backend', { timeout: 120_000 }, async () => {
  await withBackend('local', exerciseTools);
});
