import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentHash, sanitizeForImageName, TAG_HASH_LENGTH } from '../../../src/sandbox/images/content-hash.js';

test('the hash ignores key order but not values, nesting or list order', () => {
  const hash = contentHash({ a: 1, b: { c: ['x', 'y'] } });
  assert.match(hash, new RegExp(`^[0-9a-f]{${TAG_HASH_LENGTH}}$`));
  assert.equal(contentHash({ b: { c: ['x', 'y'] }, a: 1 }), hash);
  assert.notEqual(contentHash({ a: 2, b: { c: ['x', 'y'] } }), hash);
  assert.notEqual(contentHash({ a: 1, b: { c: ['y', 'x'] } }), hash);
  assert.notEqual(contentHash({ a: '1', b: { c: ['x', 'y'] } }), hash, 'a string and a number differ');
  assert.equal(contentHash({ a: 1, b: { c: ['x', 'y'] }, d: undefined }), hash, 'an absent optional field is not an input');
});

test('identifiers become valid Docker repository name parts', () => {
  assert.equal(sanitizeForImageName('django__django-11099'), 'django__django-11099');
  assert.equal(sanitizeForImageName('Astropy/Astropy 12907'), 'astropy-astropy-12907');
  assert.equal(sanitizeForImageName('a._-b'), 'a.b');
  assert.equal(sanitizeForImageName('--3.0--'), '3.0');
  assert.equal(sanitizeForImageName('!!!'), 'x');
  for (const name of ['django__django-11099', 'a...b', 'Q__-_x', '_lead', `${'a'.repeat(99)}-b`, `${'a'.repeat(98)}__b`]) {
    assert.match(sanitizeForImageName(name), /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/, name);
  }
});
