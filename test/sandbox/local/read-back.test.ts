/**
 * Read-backs from a local sandbox are bounded: an inflated file or diff is a named outcome and the
 * harness's memory stays flat, however much the sandbox holds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ReadBackLimitError } from '../../../src/errors.js';
import { LocalSandbox } from '../../../src/sandbox/local/local-sandbox.js';
import { skipUnlessBubblewrap } from '../../helpers/bubblewrap.js';
import { createRepository } from '../../helpers/git-repos.js';
import { removeTree } from '../../helpers/temp-dir.js';

const skip = skipUnlessBubblewrap();
const MIB = 1024 * 1024;
let repo: string;

before(async () => {
  repo = (await createRepository({ 'README.md': 'base\n' })).path;
});
after(async () => {
  if (repo) await removeTree(repo);
});

function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ value: T; growthBytes: number }> {
  const before = process.resourceUsage().maxRSS * 1024;
  return work().then((value) => ({ value, growthBytes: process.resourceUsage().maxRSS * 1024 - before }));
}

test('reading back a 1 GiB sparse file is a size-limit error, with the harness memory flat', { skip, timeout: 60_000 }, async () => {
  const sandbox = await LocalSandbox.create({ type: 'local', repoPath: repo, onWarning: () => undefined });
  try {
    await sandbox.run('truncate -s 1G /tmp/report.xml && truncate -s 1G inflated.bin');
    const { value: error, growthBytes } = await peakRssGrowth(() => sandbox.readFile('/tmp/report.xml').then(() => undefined, (e: unknown) => e));
    assert.ok(error instanceof ReadBackLimitError, String(error));
    assert.equal(error.exceeded, 'size');
    assert.equal(error.limit, 64 * MIB);
    assert.ok(growthBytes < 200 * MIB, `peak RSS grew by ${Math.round(growthBytes / MIB)} MiB`);
    // A smaller cap is honoured, and a file within it reads whole.
    await sandbox.run('head -c 2048 /dev/zero > /tmp/small');
    await assert.rejects(sandbox.readFile('/tmp/small', { maxBytes: 1024 }), /larger than the read-back limit of 1024 bytes/);
    assert.equal((await sandbox.readFile('/tmp/small', { maxBytes: 2048 })).length, 2048);
  } finally {
    await sandbox.close();
  }
});

test('diff() of a change larger than its cap is a size-limit error, read no further than the cap', { skip, timeout: 120_000 }, async () => {
  const sandbox = await LocalSandbox.create({ type: 'local', repoPath: repo, onWarning: () => undefined });
  try {
    // Text, so the patch is as large as the file: 3 MiB against a 1 MiB cap.
    await sandbox.run('yes "a line of text" | head -c 3145728 > big.txt');
    const { value: error, growthBytes } = await peakRssGrowth(() => sandbox.diff({ maxBytes: MIB }).then(() => undefined, (e: unknown) => e));
    assert.ok(error instanceof ReadBackLimitError, String(error));
    assert.deepEqual([error.target, error.exceeded, error.limit], ['diff', 'size', MIB]);
    assert.ok(growthBytes < 100 * MIB, `peak RSS grew by ${Math.round(growthBytes / MIB)} MiB`);
    await assert.rejects(sandbox.diff({ timeoutMs: 1 }), (e: unknown) => e instanceof ReadBackLimitError && e.exceeded === 'time');
    await sandbox.run('rm big.txt && echo changed > README.md');
    assert.match(await sandbox.diff({ maxBytes: MIB }), /^\+changed$/m);
  } finally {
    await sandbox.close();
  }
});
