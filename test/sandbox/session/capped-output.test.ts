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
