import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { InputError } from '../../src/errors.js';
import { sequenceMatcherRatio } from '../../src/reward/similarity.js';
import { scoreSimilarityPairs } from '../../src/reward/similarity/pairs-file.js';
import { readTextLines } from '../../src/io/json-lines.js';
import { withTempDir } from '../helpers/temp-dir.js';

/** A Writable that keeps what it is given and applies back-pressure on every write. */
function collectingStream(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk.toString('utf8'));
      setImmediate(callback);
    },
  });
  return { stream, text: () => parts.join('') };
}

function ratiosOf(text: string): number[] {
  return text
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { ratio: number }).ratio);
}

test('writes one ratio per input line, in order, to a stream', async () => {
  await withTempDir(async (dir) => {
    const pairs = [
      { a: 'abcd', b: 'bcde' },
      { a: '', b: '' },
      { a: '🙂', b: '🙃', ratio: 'extra fields are ignored' },
      { a: 'kitten', b: 'sitting' },
    ];
    const input = join(dir, 'pairs.jsonl');
    await writeFile(input, pairs.map((pair) => JSON.stringify(pair)).join('\n') + '\n');
    const output = collectingStream();
    const result = await scoreSimilarityPairs(input, { output: output.stream });
    assert.equal(result.pairs, 4);
    assert.deepEqual(ratiosOf(output.text()), [0.75, 1, 0, sequenceMatcherRatio('kitten', 'sitting')]);
  });
});

test('streams many pairs and lines longer than a read chunk, with CRLF and a BOM', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'pairs.jsonl');
    const lines: string[] = [];
    const expected: number[] = [];
    for (let index = 0; index < 3000; index++) {
      // Every 500th pair is ~200 KB, longer than the 64 KiB read chunks.
      const size = index % 500 === 0 ? 100_000 : 20 + (index % 37);
      const a = `${index}:` + 'ab cd\n'.repeat(Math.ceil(size / 6)).slice(0, size);
      const b = a.slice(index % 7) + String(index % 11);
      lines.push(JSON.stringify({ a, b }));
      expected.push(sequenceMatcherRatio(a, b));
    }
    await writeFile(input, '\ufeff' + lines.join('\r\n') + '\r\n');
    const output = collectingStream();
    const result = await scoreSimilarityPairs(input, { output: output.stream });
    assert.equal(result.pairs, 3000);
    assert.deepEqual(ratiosOf(output.text()), expected);
  });
});

test('writes to a file path and honours autojunk: false', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'pairs.jsonl');
    const a = 'ab' + 'x'.repeat(200);
    const b = 'x'.repeat(200) + 'ab';
    await writeFile(input, JSON.stringify({ a, b }) + '\n');
    await scoreSimilarityPairs(input, { output: join(dir, 'with.jsonl') });
    await scoreSimilarityPairs(input, { output: join(dir, 'without.jsonl'), autojunk: false });
    assert.deepEqual(ratiosOf(await readFile(join(dir, 'with.jsonl'), 'utf8')), [4 / 404]);
    assert.deepEqual(ratiosOf(await readFile(join(dir, 'without.jsonl'), 'utf8')), [400 / 404]);
  });
});

async function expectInputError(content: string | Buffer, pattern: RegExp): Promise<void> {
  await withTempDir(async (dir) => {
    const input = join(dir, 'pairs.jsonl');
    await writeFile(input, content);
    const output = join(dir, 'ratios.jsonl');
    await assert.rejects(scoreSimilarityPairs(input, { output }), (error: unknown) => {
      assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
      assert.match(error.message, pattern);
      return true;
    });
    // No partial output is left behind.
    assert.deepEqual(await readdir(dir), ['pairs.jsonl']);
  });
}

test('a field of the wrong type names the file, line and field', async () => {
  await expectInputError('{"a":"x","b":"y"}\n{"a":"x","b":3}\n', /pairs\.jsonl:2: b: .*string/);
});

test('a missing field names the line and field', async () => {
  await expectInputError('{"a":"x","b":"y"}\n{"a":"x"}\n', /pairs\.jsonl:2: b: /);
});

test('truncated JSON names the line', async () => {
  await expectInputError('{"a":"x","b":"y"}\n{"a":"x","b":"y', /pairs\.jsonl:2: not valid JSON/);
});

test('bytes that are not UTF-8 name the line', async () => {
  await expectInputError(Buffer.concat([Buffer.from('{"a":"x","b":"y"}\n{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","b":"y"}\n')]), /pairs\.jsonl:2: not valid UTF-8/);
});

test('a line that is not an object, or a blank line, names the line', async () => {
  await expectInputError('["x","y"]\n', /pairs\.jsonl:1: expected an object/);
  await expectInputError('{"a":"x","b":"y"}\n\n{"a":"x","b":"y"}\n', /pairs\.jsonl:2: blank line/);
});

test('a missing input file is a clear error', async () => {
  await assert.rejects(scoreSimilarityPairs('/nonexistent/pairs.jsonl', { output: collectingStream().stream }), /\/nonexistent\/pairs\.jsonl: no such file/);
});

test('a line over the byte limit is refused with its line number', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'big.jsonl');
    await writeFile(input, '{"a":"x","b":"y"}\n' + JSON.stringify({ a: 'z'.repeat(5000), b: '' }) + '\n');
    const lines: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const entry of readTextLines(input, { maxLineBytes: 1000 })) lines.push(entry.line);
      })(),
      /big\.jsonl:2: line longer than 1000 bytes/,
    );
    assert.deepEqual(lines, [1]);
  });
});

test('an output in a missing folder is an error naming it, also past the first batch of lines', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'pairs.jsonl');
    await writeFile(input, `${JSON.stringify({ a: 'abc', b: 'abd' })}\n`.repeat(2000));
    const output = join(dir, 'missing', 'ratios.jsonl');
    await assert.rejects(
      scoreSimilarityPairs(input, { output }),
      (error: unknown) => error instanceof InputError && error.message === `${output}: cannot write (ENOENT)`,
    );
    assert.deepEqual(await readdir(dir), ['pairs.jsonl']);
  });
});
