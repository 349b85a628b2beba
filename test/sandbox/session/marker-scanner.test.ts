import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarkerScanner } from '../../../src/sandbox/session/marker-scanner.js';

const TOKEN = '__swe_srl_0123456789abcdef__';

function scan(chunks: string[]): { output: string; value: string | undefined } {
  let output = '';
  const scanner = new MarkerScanner(TOKEN, (chunk) => (output += chunk.toString('utf8')));
  let value: string | undefined;
  for (const chunk of chunks) {
    value = scanner.push(Buffer.from(chunk));
    if (value !== undefined) break;
  }
  return { output, value };
}

test('finds the marker and its value wherever the stream is cut', () => {
  const stream = `some output\nwithout end${TOKEN}:42\n`;
  for (let cut = 0; cut <= stream.length; cut++) {
    const { output, value } = scan([stream.slice(0, cut), stream.slice(cut)]);
    assert.equal(value, '42', `cut at ${cut}`);
    assert.equal(output, 'some output\nwithout end', `cut at ${cut}`);
  }
});

test('finds the marker when it arrives one byte at a time', () => {
  const stream = `abc${TOKEN}:0\n`;
  const { output, value } = scan([...stream]);
  assert.equal(value, '0');
  assert.equal(output, 'abc');
});

test('a marker with another token is output, not an end', () => {
  const fake = '__swe_srl_ffffffffffffffff__:0\n';
  const { output, value } = scan([fake, `real${TOKEN}:1\n`]);
  assert.equal(value, '1');
  assert.equal(output, `${fake}real`);
});

test('only what could start a marker waits for the next chunk; flush hands it on', () => {
  let output = '';
  const scanner = new MarkerScanner(TOKEN, (chunk) => (output += chunk.toString('utf8')));
  assert.equal(scanner.push(Buffer.from('a whole line\n')), undefined);
  assert.equal(output, 'a whole line\n', 'a line that cannot start the marker goes on at once');
  assert.equal(scanner.push(Buffer.from('short__swe_s')), undefined);
  assert.equal(output, 'a whole line\nshort');
  scanner.flush();
  assert.equal(output, 'a whole line\nshort__swe_s');
});

test("what follows the marker's line in the same chunk is kept for the next reader", () => {
  const scanner = new MarkerScanner(TOKEN, () => undefined);
  assert.equal(scanner.push(Buffer.from(`out${TOKEN}:7`)), undefined);
  assert.equal(scanner.push(Buffer.from('\nnext command output')), '7');
  assert.equal(scanner.rest.toString('utf8'), 'next command output');
});
