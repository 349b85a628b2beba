import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CappedOutput } from '../../../src/sandbox/session/capped-output.js';

test('output under the cap comes back whole and untruncated', () => {
  const output = new CappedOutput(100);
  output.append(Buffer.from('hello '));
  output.append(Buffer.from('world'));
  assert.equal(output.text(), 'hello world');
  assert.equal(output.truncated, false);
});

test('output exactly at the cap is not truncated', () => {
  const output = new CappedOutput(10);
  output.append(Buffer.from('0123456789'));
  assert.equal(output.truncated, false);
  assert.equal(output.text(), '0123456789');
});

test('past the cap it keeps the head and the tail around a marker that counts the dropped bytes', () => {
  const output = new CappedOutput(20);
  const text = Array.from({ length: 100 }, (_, index) => String.fromCharCode(97 + (index % 26))).join('');
  // Chunks of odd sizes, to cross the head/tail boundaries anywhere.
  for (let at = 0; at < text.length; at += 7) output.append(Buffer.from(text.slice(at, at + 7)));
  assert.equal(output.truncated, true);
  const shown = output.text();
  assert.ok(shown.startsWith(text.slice(0, 10)), shown);
  assert.ok(shown.endsWith(text.slice(-10)), shown);
  assert.match(shown, /output truncated: 80 of 100 bytes omitted \(limit 20 bytes\)/);
});

test('a flood costs memory bounded by the cap however long it runs', () => {
  const output = new CappedOutput(1024);
  const chunk = Buffer.alloc(64 * 1024, 'y');
  for (let index = 0; index < 200; index++) output.append(chunk);
  const shown = output.text();
  assert.ok(shown.length < 1024 + 200, `text of ${shown.length} chars`);
  assert.match(shown, new RegExp(`${200 * 64 * 1024 - 1024} of ${200 * 64 * 1024} bytes omitted`));
});

test('a multibyte character split at either cut is dropped and counted, never shown as U+FFFD', () => {
  // 'é' is 2 bytes, '日' 3, '😀' 4: with a limit of 9 the head keeps 5 bytes and the tail 4.
  for (const char of ['é', '日', '😀']) {
    const output = new CappedOutput(9);
    const text = char.repeat(40);
    for (const byte of Buffer.from(text)) output.append(Buffer.from([byte]));
    const shown = output.text();
    assert.ok(!shown.includes('\uFFFD'), `${char}: ${JSON.stringify(shown)}`);
    const [head, tail] = shown.split(/\n\[\.\.\. swe-srl: output truncated: \d+ of \d+ bytes omitted \(limit 9 bytes\) \.\.\.\]\n/);
    assert.ok(head !== undefined && tail !== undefined, shown);
    assert.ok(text.startsWith(head) && text.endsWith(tail), shown);
    const omitted = Number(/truncated: (\d+) of/.exec(shown)![1]);
    assert.equal(Buffer.byteLength(head) + Buffer.byteLength(tail) + omitted, Buffer.byteLength(text));
  }
});
