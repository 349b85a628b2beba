import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import {
  SequenceMatcherWorkspace,
  sequenceMatcherBlocks,
  sequenceMatcherMatchCount,
  sequenceMatcherRatio,
  toCodePoints,
} from '../../src/reward/similarity.js';

test('matches CPython 3.11 bit for bit on every reference pair', { skip: skipUnlessShared('similarity-dev.jsonl') }, async () => {
  const path = sharedDataPath('similarity-dev.jsonl')!;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let checked = 0;
  const mismatches: string[] = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    checked++;
    const row = JSON.parse(line) as { a: string; b: string; ratio: number };
    const ours = sequenceMatcherRatio(row.a, row.b);
    if (!Object.is(ours, row.ratio)) mismatches.push(`line ${checked}: ours ${ours}, CPython ${row.ratio}`);
  }
  assert.equal(checked, 2000);
  assert.deepEqual(mismatches, []);
});

test('two empty strings are identical, one empty string shares nothing', () => {
  assert.equal(sequenceMatcherRatio('', ''), 1.0);
  assert.equal(sequenceMatcherRatio('', 'abc'), 0.0);
  assert.equal(sequenceMatcherRatio('abc', ''), 0.0);
});

test('ratio is 2·M / (len(a) + len(b)) as in the difflib documentation', () => {
  // "abcd" vs "bcde": the block "bcd" matches, 2·3 / 8.
  assert.equal(sequenceMatcherRatio('abcd', 'bcde'), 0.75);
  assert.equal(sequenceMatcherMatchCount('abcd', 'bcde'), 3);
});

test('matching blocks follow the recursion and merge like get_matching_blocks', () => {
  assert.deepEqual(sequenceMatcherBlocks('abxcd', 'abcd'), [
    { a: 0, b: 0, size: 2 },
    { a: 3, b: 2, size: 2 },
    { a: 5, b: 4, size: 0 },
  ]);
  // The longest match wins over the earlier shorter one, so " abcd" matches the second "abcd"
  // together with its leading space.
  assert.deepEqual(sequenceMatcherBlocks(' abcd', 'abcd abcd'), [
    { a: 0, b: 4, size: 5 },
    { a: 5, b: 9, size: 0 },
  ]);
});

test('ties between equally long matches go to the earliest position in a, then in b', () => {
  // "ab" occurs twice in each; the first occurrence in both is chosen, then the rest pairs up.
  assert.deepEqual(sequenceMatcherBlocks('abXab', 'abYab'), [
    { a: 0, b: 0, size: 2 },
    { a: 3, b: 3, size: 2 },
    { a: 5, b: 5, size: 0 },
  ]);
  // One "ab" in a against two in b: it pairs with the first one in b.
  assert.deepEqual(sequenceMatcherBlocks('ab', 'abab'), [
    { a: 0, b: 0, size: 2 },
    { a: 2, b: 4, size: 0 },
  ]);
});

test('astral characters count as one item each, as in Python strings', () => {
  // In UTF-16 the two emoji share their high surrogate and would score 0.5.
  assert.equal(sequenceMatcherRatio('🙂', '🙃'), 0.0);
  assert.equal(sequenceMatcherRatio('a🙂b', 'a🙂c'), (2 * 2) / 6);
  assert.deepEqual(Array.from(toCodePoints('a🙂b')), [0x61, 0x1f642, 0x62]);
  // A combining accent is its own code point, unlike the precomposed letter.
  assert.equal(sequenceMatcherRatio('e\u0301', '\u00e9'), 0.0);
  assert.equal(sequenceMatcherRatio('e\u0301', 'e'), (2 * 1) / 3);
});

test('lone surrogates stay one item each', () => {
  assert.deepEqual(Array.from(toCodePoints('\ud800x\udc00')), [0xd800, 0x78, 0xdc00]);
  assert.equal(sequenceMatcherRatio('\ud800', '\ud800'), 1.0);
  assert.equal(sequenceMatcherRatio('\ud800a', '\ud800b'), 0.5);
});

test('autojunk drops items of b seen more than len(b)//100 + 1 times from b2j once b has 200 items', () => {
  const a = 'ab' + 'x'.repeat(200);
  const b = 'x'.repeat(200) + 'ab';
  // 'x' is popular in b, so only "ab" can seed a match; it ends b and nothing follows it.
  assert.equal(sequenceMatcherRatio(a, b), (2 * 2) / 404);
  // Without autojunk the run of 200 'x' is the longest match.
  assert.equal(sequenceMatcherRatio(a, b, { autojunk: false }), (2 * 200) / 404);
  // At 199 items autojunk does not apply yet.
  const shortA = 'ab' + 'x'.repeat(197);
  const shortB = 'x'.repeat(197) + 'ab';
  assert.equal(sequenceMatcherRatio(shortA, shortB), (2 * 197) / 398);
});

test('a match seeded by a rare item extends over popular items on both sides', () => {
  // 'x' is popular; 'Q' seeds the match, which then grows over the equal 'x's around it.
  const a = 'x'.repeat(100) + 'Q' + 'x'.repeat(100);
  const b = 'x'.repeat(100) + 'Q' + 'x'.repeat(100);
  assert.equal(sequenceMatcherMatchCount(a, b), 201);
  const shifted = 'x'.repeat(50) + 'Q' + 'x'.repeat(150);
  // The match through 'Q' covers 50 x's before it and 100 after it (a runs out first).
  assert.deepEqual(sequenceMatcherBlocks(a, shifted)[0], { a: 50, b: 0, size: 151 });
});

test('a workspace gives the same result after comparing other pairs', () => {
  const workspace = new SequenceMatcherWorkspace();
  const pairs: [string, string][] = [
    ['short', 'shirt'],
    ['x'.repeat(500) + 'tail', 'head' + 'x'.repeat(480)],
    ['🙂 emoji 🙃', 'emoji 🙂'],
    ['', 'nothing'],
    ['short', 'shirt'],
  ];
  const first = pairs.map(([a, b]) => new SequenceMatcherWorkspace().ratio(a, b));
  const reused = pairs.map(([a, b]) => workspace.ratio(a, b));
  assert.deepEqual(reused, first);
});
