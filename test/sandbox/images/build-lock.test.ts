import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { withBuildLock } from '../../../src/sandbox/images/build-lock.js';
import { TimeoutError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/temp-dir.js';

const lockDir = await tempDir('locks');
after(() => rm(lockDir, { recursive: true, force: true }));

function lockFileFor(key: string): string {
  return join(lockDir, `swe-srl-build-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.lock`);
}

test('callers in one process run one after another and the lock file is gone afterwards', async () => {
  const events: string[] = [];
  const job = (name: string) => async () => {
    events.push(`${name} start`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    events.push(`${name} end`);
    return name;
  };
  const results = await Promise.all([withBuildLock('k1', job('a'), { lockDir }), withBuildLock('k1', job('b'), { lockDir })]);
  assert.deepEqual(results, ['a', 'b']);
  assert.deepEqual(events, ['a start', 'a end', 'b start', 'b end']);
  assert.deepEqual(await readdir(lockDir), []);
});

test('a failed build releases the lock for the next caller', async () => {
  await assert.rejects(withBuildLock('k2', async () => Promise.reject(new Error('boom')), { lockDir }), /boom/);
  assert.equal(await withBuildLock('k2', async () => 'second', { lockDir }), 'second');
});

test('a lock held by a live process makes the caller wait until it is released', async () => {
  await writeFile(lockFileFor('k3'), `${process.ppid}\n`);
  let ran = false;
  const waiting = withBuildLock('k3', async () => (ran = true), { lockDir, pollIntervalMs: 10 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(ran, false);
  await rm(lockFileFor('k3'));
  await waiting;
  assert.equal(ran, true);
});

test('a lock left by a dead process is taken over, and waiting is bounded', async () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  await writeFile(lockFileFor('k4'), `${dead}\n`);
  assert.equal(await withBuildLock('k4', async () => 'taken', { lockDir, pollIntervalMs: 10 }), 'taken');

  await writeFile(lockFileFor('k5'), `${process.ppid}\n`);
  await assert.rejects(withBuildLock('k5', async () => 'never', { lockDir, pollIntervalMs: 10, waitTimeoutMs: 50 }), TimeoutError);
  await rm(lockFileFor('k5'));
});
