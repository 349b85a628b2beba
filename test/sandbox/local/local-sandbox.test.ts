/**
 * The local backend over a temporary clone, isolated with bubblewrap. Isolation tests skip
 * where bwrap is not installed; refusing to run without it is tested everywhere.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { InputError, UnavailableError } from '../../../src/errors.js';
import { findBubblewrap } from '../../../src/sandbox/local/launcher.js';
import { LocalSandbox } from '../../../src/sandbox/local/local-sandbox.js';
import type { LocalSandboxConfig } from '../../../src/sandbox/local/local-config.js';
import { listProcesses } from '../../../src/sandbox/local/process-table.js';

const skipWithoutBwrap = findBubblewrap() === undefined ? 'bubblewrap (bwrap) is not installed' : false;
let repo: string;
let firstCommit: string;
let secondCommit: string;

before(async () => {
  repo = await mkdtemp(join(tmpdir(), 'swe-srl-local-test-repo-'));
  const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
  await git('init', '-q');
  await writeFile(join(repo, 'README.md'), 'first\n');
  await git('add', '-A');
  await git('commit', '-qm', 'first');
  firstCommit = (await git('rev-parse', 'HEAD')).stdout.trim();
  await writeFile(join(repo, 'README.md'), 'second\n');
  await git('commit', '-qam', 'second');
  secondCommit = (await git('rev-parse', 'HEAD')).stdout.trim();
  // Uncommitted changes in the source repository are not the sandbox's business.
  await writeFile(join(repo, 'README.md'), 'dirty\n');
});
after(async () => {
  await rm(repo, { recursive: true, force: true });
});

async function withSandbox(overrides: Partial<LocalSandboxConfig>, body: (sandbox: LocalSandbox) => Promise<void>): Promise<void> {
  const sandbox = await LocalSandbox.create({ type: 'local', repoPath: repo, ...overrides });
  try {
    await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

test('the sandbox sees a clone at the asked commit in /testbed, and cd and exports persist', { skip: skipWithoutBwrap }, () =>
  withSandbox({ commit: firstCommit }, async (sandbox) => {
    assert.equal(sandbox.workdir, '/testbed');
    assert.equal(sandbox.baseCommit, firstCommit);
    assert.equal((await sandbox.run('pwd; cat README.md; git rev-parse HEAD')).output, `/testbed\nfirst\n${firstCommit}\n`);
    await sandbox.run('cd /tmp && export MARK=kept');
    assert.equal((await sandbox.run('echo "$PWD $MARK"')).output, '/tmp kept\n');
  }),
);

test('no ref, reflog or object in /testbed reaches a commit after the base (the fix may be there)', { skip: skipWithoutBwrap }, () =>
  withSandbox({ commit: firstCommit }, async (sandbox) => {
    const history = await sandbox.run('git log --all --format=%H; git reflog --format=%H; git for-each-ref');
    assert.equal(history.exitCode, 0, history.output);
    assert.ok(!history.output.includes(secondCommit), history.output);
    assert.deepEqual([...new Set(history.output.trim().split('\n'))], [firstCommit]);
    // Not even as an object: the borrowed store holds the base commit's history only.
    const objects = await sandbox.run('git cat-file --batch-all-objects --batch-check');
    assert.doesNotMatch(objects.output, new RegExp(secondCommit));
    assert.match(objects.output, new RegExp(`^${firstCommit} commit`, 'm'));
  }),
);

test('under bubblewrap only /testbed and a private /tmp are writable, and there is no network', { skip: skipWithoutBwrap }, () =>
  withSandbox({}, async (sandbox) => {
    const marker = `swe-srl-probe-${randomBytes(3).toString('hex')}`;
    const probe = await sandbox.run(
      `touch /usr/swe-srl-probe 2>&1 | grep -c "Read-only"; touch /testbed/ok /tmp/${marker} && echo writable; ` +
        'grep -c : /proc/net/dev; ls /run | wc -l; test -e /var/run/docker.sock || echo no-docker-socket',
    );
    // /proc/net/dev: two header lines and the loopback device only.
    assert.equal(probe.output, '1\nwritable\n1\n0\nno-docker-socket\n');
    assert.equal(existsSync('/usr/swe-srl-probe'), false);
    assert.equal(existsSync(`/tmp/${marker}`), false, 'the sandbox /tmp is not the host /tmp');
    await assert.rejects(sandbox.writeFile('/etc/swe-srl-probe', 'x'), /Read-only file system/);
  }),
);

test('the host environment is not passed on, the configured one is', { skip: skipWithoutBwrap }, async () => {
  process.env.SWE_SRL_TEST_SECRET = 'do-not-leak';
  try {
    await withSandbox({ env: { GIVEN: 'yes' } }, async (sandbox) => {
      assert.equal((await sandbox.run('echo "[$SWE_SRL_TEST_SECRET] [$GIVEN] $HOME"')).output, '[] [yes] /tmp\n');
    });
  } finally {
    delete process.env.SWE_SRL_TEST_SECRET;
  }
});

test('a symlink planted in /testbed cannot make writeFile reach a host file', { skip: skipWithoutBwrap }, async () => {
  const hostFile = join(repo, '..', `swe-srl-outside-${randomBytes(3).toString('hex')}`);
  await writeFile(hostFile, 'host secret\n');
  const hostname = await readFile('/etc/hostname', 'utf8').catch(() => undefined);
  try {
    await withSandbox({}, async (sandbox) => {
      await sandbox.run(`ln -s /etc/hostname to-etc && ln -s ${hostFile} to-host-tmp`);
      // Files the sandbox can see are read-only to it, through a link or not.
      await assert.rejects(sandbox.writeFile('to-etc', 'overwritten'), /Read-only file system/);
      // The host's /tmp is not the sandbox's: the link leads into the sandbox's own /tmp.
      await assert.rejects(sandbox.readFile('to-host-tmp'), /no such file/);
      await sandbox.writeFile('to-host-tmp', 'overwritten');
      assert.equal((await sandbox.readFile('to-host-tmp')).toString(), 'overwritten');
    });
    assert.equal(await readFile(hostFile, 'utf8'), 'host secret\n');
    assert.equal(await readFile('/etc/hostname', 'utf8').catch(() => undefined), hostname);
  } finally {
    await rm(hostFile, { force: true });
  }
});

test('files round-trip byte for byte, and a missing file or a directory is named', { skip: skipWithoutBwrap }, () =>
  withSandbox({}, async (sandbox) => {
    const bytes = randomBytes(200_000);
    await sandbox.writeFile('nested/dir/blob.bin', bytes);
    assert.deepEqual(await sandbox.readFile('/testbed/nested/dir/blob.bin'), bytes);
    await sandbox.writeFile('/tmp/note.txt', 'in tmp');
    assert.equal((await sandbox.run('cat /tmp/note.txt')).output, 'in tmp');
    await assert.rejects(sandbox.readFile('missing.txt'), /missing\.txt: no such file/);
    await assert.rejects(sandbox.readFile('nested'), /nested: is a directory/);
  }),
);

test('readFile and writeFile refuse a fifo instead of waiting on it forever', { skip: skipWithoutBwrap, timeout: 20_000 }, () =>
  withSandbox({}, async (sandbox) => {
    await sandbox.run('mkfifo pipe && ln -s pipe to-pipe');
    await assert.rejects(sandbox.readFile('pipe'), /pipe: is not a regular file/);
    await assert.rejects(sandbox.readFile('to-pipe'), /to-pipe: is not a regular file/);
    await assert.rejects(sandbox.writeFile('pipe', 'x'), /pipe: is not a regular file/);
    await sandbox.writeFile('to-regular', 'still fine');
    assert.equal((await sandbox.readFile('to-regular')).toString(), 'still fine');
  }),
);

test('diff gives the change against the base commit, new and binary files included', { skip: skipWithoutBwrap }, () =>
  withSandbox({ commit: firstCommit }, async (sandbox) => {
    await sandbox.run('echo changed > README.md && echo new > added.txt');
    await sandbox.writeFile('blob.bin', Buffer.from([0, 1, 2, 3, 255]));
    const patch = await sandbox.diff();
    assert.match(patch, /^-first\n\+changed$/m);
    assert.match(patch, /^diff --git a\/added.txt b\/added.txt\nnew file mode 100644/m);
    assert.match(patch, /^GIT binary patch$/m);
    // The agent's index is untouched: nothing was staged by diff().
    assert.equal((await sandbox.run('git diff --cached --name-only | wc -l')).output, '0\n');
  }),
);

test('diff is a standard a/ b/ patch with three lines of context whatever git config the agent set', { skip: skipWithoutBwrap }, () =>
  withSandbox({ commit: firstCommit }, async (sandbox) => {
    await sandbox.run('git config diff.noprefix true && git config diff.mnemonicPrefix true && git config diff.context 0');
    await sandbox.run('echo more >> README.md');
    const patch = await sandbox.diff();
    assert.match(patch, /^diff --git a\/README.md b\/README.md$/m);
    assert.match(patch, /^--- a\/README.md\n\+\+\+ b\/README.md\n@@ -1 \+1,2 @@\n first\n\+more$/m);
  }),
);

test('a timed-out command is stopped with everything it started, and the session stays', { skip: skipWithoutBwrap }, () =>
  withSandbox({}, async (sandbox) => {
    // Durations of this run's own, so another test run's sleeps on the same machine are not counted.
    const [background, foreground] = [400 + Math.floor(Math.random() * 500), 1000 + Math.floor(Math.random() * 500)];
    const result = await sandbox.run(`sleep ${background} & sleep ${foreground}; echo never`, { timeoutMs: 300 });
    assert.deepEqual([result.timedOut, result.exitCode, result.sessionRestarted], [true, null, false]);
    assert.doesNotMatch(result.output, /never/);
    const sleeping = (await listProcesses()).filter((entry) => entry.state !== 'Z');
    const cmdlines = await Promise.all(
      sleeping.map((entry) => readFile(`/proc/${entry.pid}/cmdline`, 'utf8').catch(() => '')),
    );
    assert.equal(cmdlines.filter((line) => line === `sleep\0${background}\0` || line === `sleep\0${foreground}\0`).length, 0);
    assert.equal((await sandbox.run('echo alive')).output.trim().split('\n').at(-1), 'alive');
  }),
);

test('close removes the temporary clone, even when called twice', { skip: skipWithoutBwrap }, async () => {
  const sandbox = await LocalSandbox.create({ type: 'local', repoPath: repo });
  assert.equal(existsSync(join(sandbox.hostPath, 'README.md')), true);
  await Promise.all([sandbox.close(), sandbox.close()]);
  assert.equal(existsSync(sandbox.hostPath), false);
  await assert.rejects(sandbox.run('true'), /closed/);
});

test('without bubblewrap it refuses to run unless unsafe execution is allowed', async () => {
  await assert.rejects(
    LocalSandbox.create({ type: 'local', repoPath: repo, bwrapPath: '/nonexistent/bwrap' }),
    (error: unknown) => error instanceof UnavailableError && /bubblewrap/.test(error.message) && /allowUnsafe/.test(error.message),
  );
  await withSandbox({ bwrapPath: '/nonexistent/bwrap', allowUnsafe: true }, async (sandbox) => {
    assert.equal(sandbox.isolated, false);
    assert.notEqual(sandbox.workdir, '/testbed');
    // HEAD by default; the source repository's uncommitted change stays out.
    assert.equal(sandbox.baseCommit, secondCommit);
    assert.equal((await sandbox.run('cat README.md')).output, 'second\n');
    // Callers may still name files by their /testbed path.
    assert.equal((await sandbox.readFile('/testbed/README.md')).toString(), 'second\n');
  });
});

test('an unknown commit or a directory that is no repository is an input error naming it', async () => {
  await assert.rejects(
    LocalSandbox.create({ type: 'local', repoPath: repo, commit: 'f'.repeat(40), allowUnsafe: true }),
    (error: unknown) => error instanceof InputError && /commit: f{40} is not a commit/.test(error.message),
  );
  const empty = await mkdtemp(join(tmpdir(), 'swe-srl-not-a-repo-'));
  try {
    await assert.rejects(
      LocalSandbox.create({ type: 'local', repoPath: empty, allowUnsafe: true }),
      (error: unknown) => error instanceof InputError && error.message.includes(`${empty} is not a git repository`),
    );
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('a shallow source repository gives a sandbox whose history ends where the source\'s does', { skip: skipWithoutBwrap }, async () => {
  const shallow = await mkdtemp(join(tmpdir(), 'swe-srl-local-shallow-'));
  try {
    await execa('git', ['clone', '-q', '--depth', '1', `file://${repo}`, shallow]);
    const sandbox = await LocalSandbox.create({ type: 'local', repoPath: shallow });
    try {
      const result = await sandbox.run('git log --format=%H && git fsck 2>&1 | grep -c missing');
      assert.equal(result.output, `${secondCommit}\n0\n`);
    } finally {
      await sandbox.close();
    }
  } finally {
    await rm(shallow, { recursive: true, force: true });
  }
});
