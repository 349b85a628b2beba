import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { InputError } from '../../src/errors.js';
import { writeFileAtomically, writeStreamAtomically } from '../../src/io/atomic-write.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('writeFileAtomically replaces the file and leaves no temporary file', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'report.json');
    await writeFile(path, 'old');
    await writeFileAtomically(path, 'new');
    assert.equal(await readFile(path, 'utf8'), 'new');
    assert.deepEqual(await readdir(dir), ['report.json']);
  });
});

test('writeStreamAtomically shows the file only when the producer finishes; a failing producer leaves the old file alone', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.jsonl');
    const count = await writeStreamAtomically(path, async (output) => {
      output.write('a\n');
      assert.ok(!(await readdir(dir)).includes('out.jsonl'), 'not visible while being written');
      output.write('b\n');
      return 2;
    });
    assert.equal(count, 2);
    assert.equal(await readFile(path, 'utf8'), 'a\nb\n');

    await assert.rejects(
      writeStreamAtomically(path, async (output) => {
        output.write('half');
        throw new Error('bad input line');
      }),
      /bad input line/,
    );
    assert.equal(await readFile(path, 'utf8'), 'a\nb\n');
    assert.deepEqual(await readdir(dir), ['out.jsonl']);
  });
});

test('writeStreamAtomically leaves no temporary file when the producer fails before the file is open', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.jsonl');
    await assert.rejects(
      writeStreamAtomically(path, async () => {
        throw new Error('bad first line');
      }),
      /bad first line/,
    );
    await delay(100); // an open still in flight would create the file now
    assert.deepEqual(await readdir(dir), []);
  });
});

test('writeStreamAtomically into a missing folder is an error naming the path, not a crash', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'missing', 'out.jsonl');
    await assert.rejects(
      writeStreamAtomically(path, async (output) => {
        await delay(20);
        output.write('a\n');
        return 1;
      }),
      (error: unknown) => error instanceof InputError && error.message === `${path}: cannot write (ENOENT)`,
    );
  });
});
