import assert from 'node:assert/strict';
import { test } from 'node:test';
import { truncateObservation, truncationMarker } from '../../../src/trajectories/index.js';

test('an observation within the budget is kept as it is', () => {
  assert.equal(truncateObservation('short', 5), 'short');
  assert.equal(truncateObservation('', 0), '');
});

test('a long observation keeps its head and tail around a marker saying how much was cut', () => {
  const text = `${'a'.repeat(50)}${'m'.repeat(1000)}${'z'.repeat(50)}`;
  const out = truncateObservation(text, 100);
  assert.equal(out, `${'a'.repeat(50)}${truncationMarker(1000)}${'z'.repeat(50)}`);
  assert.match(out, /\[\.\.\. 1000 characters truncated \.\.\.\]/);
});

test('truncation never splits a surrogate pair', () => {
  const text = `a${'😀'.repeat(20)}b`;
  const out = truncateObservation(text, 6);
  assert.doesNotMatch(out, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  const kept = out.replace(/\n\[\.\.\. \d+ characters truncated \.\.\.\]\n/, '');
  const omitted = Number(/(\d+) characters/.exec(out)![1]);
  assert.equal(kept.length + omitted, text.length);
});

test('a budget that is not a non-negative integer is refused', () => {
  assert.throws(() => truncateObservation('x', -1), RangeError);
  assert.throws(() => truncateObservation('x', 1.5), RangeError);
});
