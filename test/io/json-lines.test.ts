import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { InputError } from '../../src/errors.js';
import { readJsonLines, readTextLines, writeJsonLines } from '../../src/io/json-lines.js';
import { withTempDir } from '../helpers/temp-dir.js';

function withFile<T>(content: string | Buffer, use: (path: string, dir: string) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    const path = join(dir, 'data.jsonl');
    await writeFile(path, content);
    return use(path, dir);
  });
}

async function collect<T>(lines: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

test('text lines keep blank lines and their numbers, drop \\r and a BOM, and add no line after the last break', async () => {
  await withFile('\uFEFFa\r\n\nb\n', async (path) => {
    assert.deepEqual(await collect(readTextLines(path)), [
      { text: 'a', line: 1 },
      { text: '', line: 2 },
      { text: 'b', line: 3 },
    ]);
  });
});

test('lines that span read chunks come back whole', async () => {
  const long = 'x'.repeat(200_000);
  await withFile(`${JSON.stringify({ long })}\n{"n":2}`, async (path) => {
    const lines = await collect(readJsonLines(path));
    assert.deepEqual(lines.map((entry) => entry.line), [1, 2]);
    assert.equal((lines[0]!.value as { long: string }).long.length, long.length);
  });
});

test('with onInvalidLine, a line that is not UTF-8 or not JSON is reported and the read goes on', async () => {
  const content = Buffer.concat([Buffer.from('{"n":1}\n"\xff'), Buffer.from([0xff]), Buffer.from('"\n{"n":\n\n{"n":4}\n')]);
  await withFile(content, async (path) => {
    const errors: InputError[] = [];
    const values = await collect(readJsonLines(path, { onInvalidLine: (error) => errors.push(error) }));
    assert.deepEqual(values, [{ line: 1, value: { n: 1 } }, { line: 5, value: { n: 4 } }]);
    assert.match(errors[0]!.message, /data\.jsonl:2: not valid UTF-8 \(bad byte at byte column \d+\)/);
    assert.match(errors[1]!.message, /data\.jsonl:3: truncated JSON/);
  });
});

test('a missing file and a directory are named as such', async () => {
  await withFile('', async (_path, dir) => {
    await assert.rejects(collect(readTextLines(join(dir, 'absent.jsonl'))), /absent\.jsonl: no such file/);
    await assert.rejects(collect(readJsonLines(dir)), /: is a directory, not a JSONL file/);
  });
});

test('writing JSONL to a directory names the path', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(writeJsonLines(dir, [{ a: 1 }]), (error: InputError) => error.message === `${dir}: cannot write (EISDIR)`);
  });
});

test('writeJsonLines leaves an earlier file whole when producing the values fails midway', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'steps.jsonl');
    await writeFile(path, '{"old":true}\n');
    async function* failing(): AsyncGenerator<unknown> {
      yield { step: 0 };
      throw new Error('bad input line 2');
    }
    await assert.rejects(writeJsonLines(path, failing()), /bad input line 2/);
    assert.equal(await readFile(path, 'utf8'), '{"old":true}\n');
    assert.deepEqual(await readdir(dir), ['steps.jsonl']);
    assert.equal(await writeJsonLines(path, [{ a: 1 }, { a: 2 }]), 2);
    assert.equal(await readFile(path, 'utf8'), '{"a":1}\n{"a":2}\n');
  });
});
