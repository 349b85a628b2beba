import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { SandboxFileError } from '../../src/errors.js';
import { outputFence, readTextFiles, writeTextFiles } from '../../src/eval/session-files.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { TempDirSandbox } from '../helpers/temp-dir-sandbox.js';

/** The sandbox, counting what went through its file API. */
function counting(sandbox: Sandbox): { sandbox: Sandbox; fileApi: string[] } {
  const fileApi: string[] = [];
  const wrapped: Sandbox = Object.assign(Object.create(sandbox) as Sandbox, {
    readFile: (path: string, options?: Parameters<Sandbox['readFile']>[1]) => {
      fileApi.push(`read ${path}`);
      return sandbox.readFile(path, options);
    },
    writeFile: (path: string, data: Buffer | string, options?: { mode?: number }) => {
      fileApi.push(`write ${path}`);
      return sandbox.writeFile(path, data, options);
    },
    run: sandbox.run.bind(sandbox),
  });
  return { sandbox: wrapped, fileApi };
}

const AWKWARD = "line 'one' \\ \"two\"\n\t$HOME $(echo no) `no` \u00e9\u4e2d\u{1F600}\r\nlast\n\n";

test('text files go through the session byte for byte, past shell functions named like the commands, without the file API', async () => {
  const real = await TempDirSandbox.create({ files: { 'a.txt': 'x\n' } });
  try {
    const { sandbox, fileApi } = counting(real);
    // What an agent could leave in its shell: functions shadowing the commands a transfer could use
    // (this helper's own protocol needs printf, so that one stays).
    const shadowed = await sandbox.run('read() { return 1; }; test() { return 1; }; cat() { echo hijacked; }; base64() { echo hijacked; }; echo defined');
    assert.match(shadowed.output, /defined/);
    const first = join(real.workdir, 'first.diff');
    const second = join(real.workdir, 'second.diff');
    await writeTextFiles(sandbox, [{ path: first, content: AWKWARD }, { path: second, content: '' }]);
    assert.equal(await readFile(first, 'utf8'), AWKWARD);
    assert.equal(await readFile(second, 'utf8'), '');
    const reads = await readTextFiles(sandbox, [first, second, join(real.workdir, 'missing.xml')], { timeoutMs: 10_000 }, `rm -f ${second}`);
    assert.equal((await reads.read(first)).toString('utf8'), AWKWARD);
    assert.equal((await reads.read(second)).toString('utf8'), '');
    await assert.rejects(reads.read(join(real.workdir, 'missing.xml')), (error: Error) => error instanceof SandboxFileError && error.reason === 'no such file');
    assert.equal(reads.cleanedUp, true);
    await assert.rejects(readFile(second), /ENOENT/);
    assert.deepEqual(fileApi, []);
  } finally {
    await real.close();
  }
});

test('what cannot travel in a session command goes through the file API: a NUL byte, a file past the size a session answer carries', async () => {
  const real = await TempDirSandbox.create({ files: { 'a.txt': 'x\n' } });
  try {
    const { sandbox, fileApi } = counting(real);
    const withNul = join(real.workdir, 'nul.bin');
    await writeTextFiles(sandbox, [{ path: withNul, content: 'a\0b' }]);
    assert.equal(await readFile(withNul, 'utf8'), 'a\0b');
    assert.deepEqual(fileApi, [`write ${withNul}`]);
    const large = join(real.workdir, 'large.xml');
    const content = `${'<testcase/>\n'.repeat(100_000)}`;
    await writeFile(large, content);
    const reads = await readTextFiles(sandbox, [large], { timeoutMs: 10_000, maxBytes: 32 * 1024 * 1024 }, `rm -f ${large}`);
    // Not answered by the batch, so the cleanup did not run either: the file API still finds it.
    assert.equal(reads.cleanedUp, false);
    assert.equal((await reads.read(large)).toString('utf8'), content);
    // A file holding a NUL (a sparse file inflated past the cap starts with one) is the file API's too.
    const reread = await readTextFiles(sandbox, [withNul], { timeoutMs: 10_000 });
    assert.equal((await reread.read(withNul)).toString('utf8'), 'a\0b');
    assert.deepEqual(fileApi, [`write ${withNul}`, `read ${large}`, `read ${withNul}`]);
  } finally {
    await real.close();
  }
});

test('an output fence splits one round trip where it was printed, and an output that only names its token is not split', async () => {
  const sandbox = await TempDirSandbox.create({ files: {} });
  try {
    const fence = outputFence();
    const token = /swe-srl-fence-\S+/.exec(fence.print)![0];
    const result = await sandbox.run(`builtin printf '%s\\n' 'first part' ${token}; ${fence.print}; builtin printf '%s' 'second part'`);
    assert.deepEqual(fence.split(result.output), { before: `first part\n${token}\n`, after: 'second part' });
    const unfenced = await sandbox.run(`builtin printf '%s' 'no fence here' ${token}`);
    assert.deepEqual(fence.split(unfenced.output), { before: `no fence here${token}` });
    assert.notEqual(outputFence().print, fence.print, 'each fence has its own token');
  } finally {
    await sandbox.close();
  }
});
