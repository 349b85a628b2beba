/**
 * The session protocol against a real bash on the host (no isolation needed: the commands are
 * the test's own). The docker and local backends run the same protocol over other streams.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HostLauncher } from '../../../src/sandbox/local/launcher.js';
import { LocalShellHost } from '../../../src/sandbox/local/local-shell-host.js';
import { listProcesses } from '../../../src/sandbox/local/process-table.js';
import { PersistentShell, type PersistentShellOptions } from '../../../src/sandbox/session/persistent-shell.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swe-srl-session-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withShell(
  options: Partial<PersistentShellOptions>,
  body: (shell: PersistentShell) => Promise<void>,
): Promise<void> {
  const shell = await PersistentShell.start(new LocalShellHost(new HostLauncher({ testbed: dir, tmp: dir })), {
    workdir: dir,
    outputLimitBytes: 10_000,
    defaultTimeoutMs: 10_000,
    interruptGraceMs: 500,
    ...options,
  });
  try {
    await body(shell);
  } finally {
    await shell.close();
  }
}

test('cd and exported variables carry over from one command to the next', () =>
  withShell({}, async (shell) => {
    await shell.run('mkdir -p sub && cd sub && export GREETING=hello && alias ll="echo aliased"');
    const result = await shell.run('pwd; echo "$GREETING"');
    assert.equal(result.output, `${join(dir, 'sub')}\nhello\n`);
    assert.equal(result.exitCode, 0);
  }));

test('a command that reads stdin gets end-of-file instead of the session', () =>
  withShell({}, async (shell) => {
    const cat = await shell.run('cat', { timeoutMs: 3_000 });
    assert.deepEqual([cat.output, cat.exitCode, cat.timedOut], ['', 0, false]);
    const read = await shell.run('read line; echo "status $?"');
    assert.equal(read.output, 'status 1\n');
    assert.equal((await shell.run('echo still here')).output, 'still here\n');
  }));

test('exit status, stderr and output without a final newline come back as written', () =>
  withShell({}, async (shell) => {
    const result = await shell.run('echo out; echo err >&2; printf tail; exit_code=7; (exit $exit_code)');
    assert.equal(result.output, 'out\nerr\ntail');
    assert.equal(result.exitCode, 7);
  }));

test('a command printing something that looks like the end marker does not end the read', () =>
  withShell({}, async (shell) => {
    const fake = "printf '__swe_srl_0123456789ab%s:0\\n' 0123456789ab__; echo after-the-fake; exit_status=5; (exit $exit_status)";
    const result = await shell.run(fake);
    assert.equal(result.output, '__swe_srl_0123456789ab0123456789ab__:0\nafter-the-fake\n');
    assert.equal(result.exitCode, 5);
  }));

test('a syntax error is the command\'s failure, not the session\'s', () =>
  withShell({}, async (shell) => {
    const broken = await shell.run("echo 'unterminated");
    assert.equal(broken.exitCode, 2);
    assert.match(broken.output, /unexpected EOF/);
    const next = await shell.run('echo fine');
    assert.deepEqual([next.output, next.sessionRestarted], ['fine\n', false]);
  }));

test('a command past its timeout is killed, with its background jobs, and the session stays', () =>
  withShell({}, async (shell) => {
    await shell.run('cd /tmp; export KEPT=yes');
    const started = Date.now();
    const result = await shell.run('sleep 300 & sleep 200 | cat; echo never', { timeoutMs: 300 });
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, null);
    assert.equal(result.sessionRestarted, false);
    assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
    assert.doesNotMatch(result.output, /never/);
    const after = await shell.run('pwd; echo $KEPT; echo $$');
    // bash may report the killed background job first, as a terminal would show it.
    const [cwd, kept, shellPid] = after.output.trim().split('\n').slice(-3);
    assert.deepEqual([cwd, kept], ['/tmp', 'yes']);
    const leftovers = (await listProcesses()).filter(
      (entry) => entry.sid === Number(shellPid) && entry.pid !== Number(shellPid) && entry.state !== 'Z',
    );
    assert.deepEqual(leftovers, [], 'nothing the timed-out command started is still running');
  }));

test('a loop of builtins past its timeout is broken off, and the session stays', () =>
  withShell({}, async (shell) => {
    await shell.run('export KEPT=yes');
    const stuck = await shell.run('while :; do :; done; echo never', { timeoutMs: 200 });
    assert.deepEqual([stuck.timedOut, stuck.sessionRestarted, stuck.exitCode, stuck.output], [true, false, null, '']);
    assert.equal((await shell.run('echo "[$KEPT]"')).output, '[yes]\n');
  }));

test('a shell that ignores the interrupt is replaced, and the result says so', () =>
  withShell({}, async (shell) => {
    await shell.run('export LOST=yes');
    const stuck = await shell.run("trap '' INT; while :; do :; done", { timeoutMs: 200 });
    assert.deepEqual([stuck.timedOut, stuck.sessionRestarted, stuck.exitCode], [true, true, null]);
    const next = await shell.run('echo "[$LOST]"');
    assert.deepEqual([next.output, next.sessionRestarted, next.exitCode], ['[]\n', false, 0]);
  }));

test('a command that exits the shell returns its status and output, and a new shell takes over', () =>
  withShell({}, async (shell) => {
    const result = await shell.run('echo bye; exit 3');
    assert.deepEqual([result.output, result.exitCode, result.sessionRestarted], ['bye\n', 3, true]);
    assert.equal((await shell.run('echo back')).output, 'back\n');
  }));

test('a flood is capped, marked, and stopped at the timeout', () =>
  withShell({ outputLimitBytes: 1_000 }, async (shell) => {
    const result = await shell.run('yes', { timeoutMs: 500 });
    assert.equal(result.timedOut, true);
    assert.equal(result.truncated, true);
    assert.match(result.output, /output truncated: \d+ of \d+ bytes omitted \(limit 1000 bytes\)/);
    assert.ok(result.output.length < 1_200);
    assert.equal((await shell.run('echo ok')).output, 'ok\n');
  }));

test('concurrent runs go one after another in call order', () =>
  withShell({}, async (shell) => {
    const results = await Promise.all([
      shell.run('sleep 0.2; echo first'),
      shell.run('echo second'),
      shell.run('echo third'),
    ]);
    assert.deepEqual(
      results.map((result) => result.output),
      ['first\n', 'second\n', 'third\n'],
    );
  }));

test('a closed shell refuses to run', () =>
  withShell({}, async (shell) => {
    await shell.close();
    await assert.rejects(shell.run('true'), /closed/);
  }));

test('a timeout of Infinity (or past what a timer holds) waits; a timeout that is not positive is refused', () =>
  withShell({}, async (shell) => {
    for (const timeoutMs of [Number.POSITIVE_INFINITY, 3e9]) {
      const result = await shell.run('sleep 0.2; echo done', { timeoutMs });
      assert.deepEqual([result.output, result.exitCode, result.timedOut], ['done\n', 0, false], String(timeoutMs));
    }
    for (const timeoutMs of [0, -5, Number.NaN]) {
      await assert.rejects(shell.run('echo never', { timeoutMs }), /timeoutMs: .* is not a positive number of milliseconds/);
    }
    assert.equal((await shell.run('echo still here')).output, 'still here\n');
  }));

test('a printf or eval function or alias the agent defines cannot swallow the end marker', () =>
  withShell({}, async (shell) => {
    await shell.run('shopt -s expand_aliases; alias printf=echo');
    const aliased = await shell.run('echo aliased', { timeoutMs: 3_000 });
    assert.deepEqual([aliased.output, aliased.exitCode, aliased.timedOut], ['aliased\n', 0, false]);
    await shell.run('unalias printf');
    await shell.run('printf() { echo hijacked; }; eval() { echo hijacked; }');
    const shadowed = await shell.run('echo shadowed', { timeoutMs: 3_000 });
    assert.deepEqual([shadowed.output, shadowed.exitCode, shadowed.timedOut, shadowed.sessionRestarted], ['shadowed\n', 0, false, false]);
  }));

test('a follow-up shares the round trip and the shell, with its own output, cap, exit status and time', () =>
  withShell({ outputLimitBytes: 200 }, async (shell) => {
    const result = await shell.run("cd /tmp; printf 'a%.0s' {1..150}; (exit 3)", {
      followUp: { command: "pwd; printf 'b%.0s' {1..150}; sleep 0.4; (exit 4)" },
    });
    assert.deepEqual([result.output, result.exitCode, result.truncated, result.timedOut], ['a'.repeat(150), 3, false, false]);
    assert.ok(result.followUp, 'the follow-up ran');
    assert.deepEqual(
      [result.followUp.output, result.followUp.exitCode, result.followUp.truncated, result.followUp.timedOut],
      [`/tmp\n${'b'.repeat(150)}`, 4, false, false],
    );
    // Each side's time is its own: the follow-up's sleep is not the first command's.
    assert.ok(result.durationMs < 350, `first command took ${result.durationMs} ms`);
    assert.ok(result.followUp.durationMs >= 380, `follow-up took ${result.followUp.durationMs} ms`);
  }));

test("a capped command output leaves its follow-up's output whole, and the other way round", () =>
  withShell({ outputLimitBytes: 100 }, async (shell) => {
    const flood = await shell.run("printf 'x%.0s' {1..1000}", { followUp: { command: 'echo whole' } });
    assert.equal(flood.truncated, true);
    assert.match(flood.output, /output truncated/);
    assert.deepEqual([flood.followUp?.output, flood.followUp?.truncated], ['whole\n', false]);
    const quiet = await shell.run('echo whole', { followUp: { command: "printf 'y%.0s' {1..1000}" } });
    assert.deepEqual([quiet.output, quiet.truncated, quiet.followUp?.truncated], ['whole\n', false, true]);
  }));

test('a command that times out skips its follow-up; a follow-up past its own timeout leaves the command\'s result standing', () =>
  withShell({}, async (shell) => {
    const slow = await shell.run('sleep 5', { timeoutMs: 300, followUp: { command: 'echo ran > follow-up-ran' } });
    assert.deepEqual([slow.timedOut, slow.exitCode, slow.followUp], [true, null, undefined]);
    assert.equal((await shell.run('test -e follow-up-ran; echo $?')).output, '1\n', 'the follow-up did not run');
    const stuck = await shell.run('echo first', { timeoutMs: 5_000, followUp: { command: 'echo begun; sleep 5', timeoutMs: 300 } });
    assert.deepEqual([stuck.output, stuck.exitCode, stuck.timedOut, stuck.sessionRestarted], ['first\n', 0, false, false]);
    assert.deepEqual([stuck.followUp?.exitCode, stuck.followUp?.timedOut], [null, true]);
    // bash may add how the killed sleep ended, as a terminal would show it.
    assert.match(stuck.followUp?.output ?? '', /^begun\n/);
    assert.equal((await shell.run('echo still here')).output, 'still here\n');
  }));

test('a command that leaves the shell has no follow-up; one that prints a marker-like line does not split early', () =>
  withShell({}, async (shell) => {
    const gone = await shell.run('echo bye; exit 3', { followUp: { command: 'echo never' } });
    assert.deepEqual([gone.output, gone.exitCode, gone.sessionRestarted, gone.followUp], ['bye\n', 3, true, undefined]);
    const fake = "printf '__swe_srl_0123456789ab%s:0\\n' 0123456789ab__; echo after-the-fake";
    const faked = await shell.run(fake, { followUp: { command: 'echo follow-up' } });
    assert.equal(faked.output, '__swe_srl_0123456789ab0123456789ab__:0\nafter-the-fake\n');
    assert.equal(faked.followUp?.output, 'follow-up\n');
    await assert.rejects(shell.run('true', { followUp: { command: 'true', timeoutMs: 0 } }), /followUp\.timeoutMs: 0 is not a positive/);
  }));
