/**
 * The docker backend against a real engine: container settings, the session's behaviour under
 * bad input (endless, flooding, stdin-reading, marker-faking commands, a fork bomb), files
 * through the archive API, the diff, and cleanup. Each test leaves no container behind.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import Docker from 'dockerode';
import { SandboxFileError, UnavailableError } from '../../../src/errors.js';
import { DockerSandbox } from '../../../src/sandbox/docker/docker-sandbox.js';
import type { DockerSandboxConfig } from '../../../src/sandbox/docker/docker-config.js';
import { DockerEngines } from '../../../src/sandbox/docker/engines.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { BINARY_FIXTURE, imageWithoutBashForTests, repoImageForTests } from './repo-image.js';

const skip = await skipUnlessDocker();
const docker = new Docker();
const engines = DockerEngines.fromEnvironment();
const RUN_ID = `test-docker-sandbox-${randomBytes(3).toString('hex')}`;

async function withSandbox(
  overrides: Partial<DockerSandboxConfig>,
  body: (sandbox: DockerSandbox) => Promise<void>,
): Promise<void> {
  const image = await repoImageForTests(docker);
  const sandbox = await DockerSandbox.create({ type: 'docker', image, runId: RUN_ID, ...overrides }, engines);
  try {
    await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

async function containersOfThisRun(): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`swe-srl.run=${RUN_ID}`] } });
  return found.map((info) => info.Id);
}

test('the container carries its labels and limits, has no network, and works in /testbed', { skip }, () =>
  withSandbox(
    { instanceId: 'owner__repo-1', memoryBytes: 512 * 1024 ** 2, cpus: 0.5, pidsLimit: 100 },
    async (sandbox) => {
      const info = await sandbox.container.inspect();
      assert.equal(info.Config.Labels['swe-srl.run'], RUN_ID);
      assert.equal(info.Config.Labels['swe-srl.instance'], 'owner__repo-1');
      assert.equal(info.HostConfig.Memory, 512 * 1024 ** 2);
      assert.equal(info.HostConfig.NanoCpus, 0.5e9);
      assert.equal(info.HostConfig.PidsLimit, 100);
      assert.equal(info.HostConfig.NetworkMode, 'none');
      const inside = await sandbox.run('pwd; ls /sys/class/net');
      assert.equal(inside.output, '/testbed\nlo\n');
      assert.equal(sandbox.workdir, '/testbed');
    },
  ),
);

test('the base commit is recorded at start, and cd and exports persist', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const head = await sandbox.run('git rev-parse HEAD');
    assert.equal(sandbox.baseCommit, head.output.trim());
    await sandbox.run('mkdir -p /tmp/work && cd /tmp/work && export MARK=kept');
    assert.equal((await sandbox.run('echo "$PWD $MARK"')).output, '/tmp/work kept\n');
  }),
);

test("a follow-up shares the container session's round trip, each side capped and timed on its own", { skip }, () =>
  withSandbox({ outputLimitBytes: 1_000 }, async (sandbox) => {
    const result = await sandbox.run("cd /tmp; head -c 50000 /dev/zero | tr '\\0' x; exit_code=3; (exit $exit_code)", {
      followUp: { command: 'pwd; sleep 0.3; echo done' },
    });
    assert.deepEqual([result.exitCode, result.truncated, result.timedOut], [3, true, false]);
    assert.match(result.output, /output truncated: \d+ of 50000 bytes omitted/);
    assert.deepEqual([result.followUp?.output, result.followUp?.exitCode, result.followUp?.truncated], ['/tmp\ndone\n', 0, false]);
    // The split is seen as the marker arrives: the follow-up's sleep is its own time, not the first command's.
    assert.ok((result.followUp?.durationMs ?? 0) >= 280, `follow-up took ${result.followUp?.durationMs} ms`);
  }),
);

test('a fresh sandbox knows where its shell is without asking, stops claiming it once a command ran, and knows when its container is gone', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    assert.equal(sandbox.knownWorkingDir(), '/testbed');
    assert.equal(sandbox.isKnownLost(), false);
    await sandbox.run('cd /tmp');
    assert.equal(sandbox.knownWorkingDir(), undefined, 'a command may have moved the shell');
    await docker.getContainer(sandbox.container.id).remove({ force: true });
    for (let waited = 0; !sandbox.isKnownLost() && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(sandbox.isKnownLost(), true, "the shell's stream ended with the container");
  }),
);

test('random bytes survive a writeFile/readFile round trip, into new directories too', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const bytes = randomBytes(300_000);
    await sandbox.writeFile('deep/new/dir/blob.bin', bytes);
    assert.deepEqual(await sandbox.readFile('/testbed/deep/new/dir/blob.bin'), bytes);
    assert.equal((await sandbox.run('stat -c %s deep/new/dir/blob.bin')).output.trim(), '300000');
  }),
);

test('writeFile keeps an existing file\'s mode unless given one, and writes through symlinks', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    await sandbox.writeFile('script.sh', '#!/bin/sh\necho changed\n');
    assert.equal((await sandbox.run('stat -c %a script.sh && ./script.sh')).output, '755\nchanged\n');
    await sandbox.writeFile('tool', 'x', { mode: 0o700 });
    assert.equal((await sandbox.run('stat -c %a tool')).output, '700\n');
    await sandbox.run('ln -s README.md link');
    await sandbox.writeFile('link', 'via link\n');
    assert.equal((await sandbox.run('cat README.md; test -L link && echo still-a-link')).output, 'via link\nstill-a-link\n');
  }),
);

test('readFile returns a binary file byte for byte, and names a missing file or a directory', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    assert.deepEqual(await sandbox.readFile('data.bin'), BINARY_FIXTURE);
    await assert.rejects(sandbox.readFile('no/such/file.txt'), (error: unknown) => {
      assert.ok(error instanceof SandboxFileError);
      assert.match(error.message, /\/testbed\/no\/such\/file\.txt: no such file/);
      return true;
    });
    await assert.rejects(sandbox.readFile('/usr'), /\/usr: is a directory/);
  }),
);

test('diff gives the change against the base commit, new and binary files included, and leaves the index alone', { skip }, async () => {
  let patch = '';
  await withSandbox({}, async (sandbox) => {
    await sandbox.run("printf 'hello\\nworld\\n' > README.md && echo new > added.txt && git add added.txt");
    // A NUL byte is what makes git call a file binary.
    await sandbox.writeFile('blob.bin', Buffer.concat([Buffer.from([0]), randomBytes(64)]));
    await sandbox.run('cd /tmp && export GIT_DIR=/nowhere');
    patch = await sandbox.diff();
    assert.match(patch, /^diff --git a\/README.md b\/README.md$/m);
    assert.match(patch, /^\+world$/m);
    assert.match(patch, /^diff --git a\/added.txt b\/added.txt\nnew file mode 100644/m);
    assert.match(patch, /^GIT binary patch$/m);
    const staged = await sandbox.run('cd /testbed && unset GIT_DIR && git diff --cached --name-only');
    assert.equal(staged.output, 'added.txt\n', 'the agent\'s own staging is unchanged');
    const expected = await sandbox.readFile('blob.bin');
    // The patch must rebuild the same tree from the base commit.
    await withSandbox({}, async (fresh) => {
      await fresh.writeFile('/tmp/change.patch', patch);
      const applied = await fresh.run('git apply /tmp/change.patch && cat README.md added.txt');
      assert.equal(applied.output, 'hello\nworld\nnew\n');
      assert.deepEqual(await fresh.readFile('blob.bin'), expected);
    });
  });
  assert.notEqual(patch, '');
});

test('a command past its timeout is interrupted, the session stays, and its state is kept', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    await sandbox.run('export KEPT=1; cd /tmp');
    const started = Date.now();
    const result = await sandbox.run('sleep 600; echo never', { timeoutMs: 500 });
    assert.deepEqual([result.timedOut, result.exitCode, result.sessionRestarted], [true, null, false]);
    assert.doesNotMatch(result.output, /never/);
    assert.ok(Date.now() - started < 5_000);
    assert.equal((await sandbox.run("echo $KEPT $PWD; ps -e -o args= | grep -c '^sleep 600'")).output, '1 /tmp\n0\n');
  }),
);

test('a flood is capped with a marker and stopped at the timeout, in bounded time', { skip }, () =>
  withSandbox({ outputLimitBytes: 10_000 }, async (sandbox) => {
    const result = await sandbox.run('yes', { timeoutMs: 1_000 });
    assert.deepEqual([result.timedOut, result.truncated], [true, true]);
    assert.match(result.output, /output truncated: \d+ of \d+ bytes omitted \(limit 10000 bytes\)/);
    assert.ok(result.output.length < 10_200);
    assert.ok(result.durationMs < 5_000);
    assert.equal((await sandbox.run('echo after')).output, 'after\n');
  }),
);

test('a bare cat gets end-of-file and a fake end marker is just output', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const cat = await sandbox.run('cat', { timeoutMs: 5_000 });
    assert.deepEqual([cat.output, cat.exitCode, cat.timedOut], ['', 0, false]);
    const fake = await sandbox.run("printf '__swe_srl_000000000000%s:0\\n' 000000000000__; echo real; false");
    assert.equal(fake.output, '__swe_srl_000000000000000000000000__:0\nreal\n');
    assert.equal(fake.exitCode, 1);
  }),
);

test('a fork bomb is contained by the pids limit, and a timed-out command clears it away', { skip }, async () => {
  await withSandbox({ pidsLimit: 64 }, async (sandbox) => {
    const bomb = await sandbox.run(':(){ :|:& };:', { timeoutMs: 3_000 });
    assert.ok(bomb.durationMs < 10_000);
    // The bomb runs in the background, in the session: a timeout kills the session's processes.
    const starved = await sandbox.run('sleep 600', { timeoutMs: 2_000 });
    assert.equal(starved.timedOut, true);
    assert.ok(starved.durationMs < 10_000);
    const census = await sandbox.run('ps -e -o comm= | grep -vc -e docker-init -e sleep -e bash -e ps -e grep', { timeoutMs: 10_000 });
    assert.deepEqual([census.output, census.timedOut], ['0\n', false], 'only the sandbox\'s own processes remain');
  });
  assert.deepEqual(await containersOfThisRun(), []);
});

test('a shell that exits is replaced, and the result says so', { skip }, () =>
  withSandbox({}, async (sandbox) => {
    const result = await sandbox.run('echo bye; exit 4');
    assert.deepEqual([result.output, result.exitCode, result.sessionRestarted], ['bye\n', 4, true]);
    assert.equal((await sandbox.run('pwd')).output, '/testbed\n');
  }),
);

test('close removes the container and can be called again', { skip }, async () => {
  const image = await repoImageForTests(docker);
  const sandbox = await DockerSandbox.create({ type: 'docker', image, runId: RUN_ID }, engines);
  const id = sandbox.container.id;
  await sandbox.run('sleep 600 &');
  await Promise.all([sandbox.close(), sandbox.close()]);
  await sandbox.close();
  await assert.rejects(docker.getContainer(id).inspect(), (error: { statusCode?: number }) => error.statusCode === 404);
  await assert.rejects(sandbox.run('true'), /closed/);
  await assert.rejects(sandbox.readFile('README.md'), /is closed/);
  await assert.rejects(sandbox.writeFile('README.md', 'x'), /is closed/);
  await assert.rejects(sandbox.diff(), /is closed/);
});

test('a container removed behind the sandbox\'s back is reported as gone, not as a missing file', { skip }, async () => {
  const image = await repoImageForTests(docker);
  const sandbox = await DockerSandbox.create({ type: 'docker', image, runId: RUN_ID }, engines);
  try {
    await docker.getContainer(sandbox.container.id).remove({ force: true });
    const gone = (error: unknown) => error instanceof UnavailableError && /its container is gone/.test(error.message);
    await assert.rejects(sandbox.readFile('README.md'), gone);
    await assert.rejects(sandbox.writeFile('README.md', 'x'), gone);
    await assert.rejects(sandbox.diff(), gone);
    // The shell may notice only on this call or the next one.
    await assert.rejects(
      (async () => {
        for (let attempt = 0; attempt < 3; attempt++) await sandbox.run('true', { timeoutMs: 5_000 });
      })(),
      gone,
    );
  } finally {
    await sandbox.close();
  }
});

test('a missing image fails fast with how to build it, leaving nothing behind', { skip }, async () => {
  const image = `swe-srl-test/no-such-image:${randomBytes(4).toString('hex')}`;
  await assert.rejects(DockerSandbox.create({ type: 'docker', image, runId: RUN_ID }, engines), (error: unknown) => {
    assert.ok(error instanceof UnavailableError);
    assert.match(error.message, new RegExp(`image ${image} is not on the Docker engine`));
    assert.match(error.message, /swe-srl image base/);
    return true;
  });
  assert.deepEqual(await containersOfThisRun(), []);
});

test('a sandbox whose session cannot start fails clearly and removes its container', { skip }, async () => {
  const image = await imageWithoutBashForTests(docker);
  await assert.rejects(DockerSandbox.create({ type: 'docker', image, runId: RUN_ID }, engines), (error: unknown) => {
    assert.ok(error instanceof UnavailableError, String(error));
    assert.match(error.message, /bash/);
    return true;
  });
  assert.deepEqual(await containersOfThisRun(), []);
});
