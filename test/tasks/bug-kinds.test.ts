import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUG_KINDS, DELETED_LINE, parseBugKinds, splitArguments, transformSite } from '../../src/tasks/bugs/bug-kinds.js';
import { Random } from '../../src/tasks/random.js';
import { InputError } from '../../src/errors.js';

const random = () => new Random('bug-kinds test');

test('there are exactly the eight bug kinds the issue lists', () => {
  assert.deepEqual([...BUG_KINDS].sort(), [
    'flipped-operator',
    'inverted-condition',
    'missing-return',
    'off-by-one',
    'swapped-arguments',
    'wrong-constant',
    'wrong-key',
    'wrong-variable',
  ]);
});

test('a flipped operator becomes its opposite', () => {
  const cases: Array<[string, string]> = [['+', '-'], ['-', '+'], ['*', '/'], ['+=', '-='], ['<', '>'], ['>=', '<='], ['==', '!='], ['and', 'or']];
  for (const [from, to] of cases) assert.equal(transformSite('flipped-operator', from, undefined, random()), to);
  assert.throws(() => transformSite('flipped-operator', 'x', undefined, random()), /not an operator/);
});

test('an off-by-one moves a boundary by one: strictness of a comparison, or ±1 on a bound', () => {
  assert.equal(transformSite('off-by-one', '>=', undefined, random()), '>');
  assert.equal(transformSite('off-by-one', '<', undefined, random()), '<=');
  assert.ok(['2', '4'].includes(transformSite('off-by-one', '3', undefined, random())));
  assert.equal(transformSite('off-by-one', '0', undefined, random()), '1');
  assert.match(transformSite('off-by-one', 'start + size', undefined, random()), /^start \+ size [+-] 1$/);
});

test('a wrong constant is another number of the same type', () => {
  for (let index = 0; index < 20; index++) {
    const seeded = new Random('constant', index);
    const integer = transformSite('wrong-constant', '100', undefined, seeded);
    assert.match(integer, /^\d+$/);
    assert.notEqual(integer, '100');
    const small = transformSite('wrong-constant', '2', undefined, seeded);
    assert.ok(['1', '3'].includes(small), small);
    const float = transformSite('wrong-constant', '6.5', undefined, seeded);
    assert.match(float, /^\d+\.\d+$/);
    assert.notEqual(Number(float), 6.5);
  }
  assert.throws(() => transformSite('wrong-constant', 'rate', undefined, random()), /not a number literal/);
});

test('swapped arguments exchange the first two top-level arguments, not commas inside them', () => {
  assert.deepEqual(splitArguments('rec["a"], f(x, y), [1, 2]'), ['rec["a"]', 'f(x, y)', '[1, 2]']);
  assert.equal(transformSite('swapped-arguments', 'hits, len(rows)', undefined, random()), 'len(rows), hits');
  assert.equal(transformSite('swapped-arguments', 'a, b, c', undefined, random()), 'b, a, c');
  assert.throws(() => transformSite('swapped-arguments', 'a', undefined, random()), /two different arguments/);
});

test('a missing return deletes the statement; an inverted condition negates it; key and variable take the alternative', () => {
  assert.equal(transformSite('missing-return', 'return total', undefined, random()), DELETED_LINE);
  assert.throws(() => transformSite('missing-return', 'total', undefined, random()), /not a return/);
  assert.equal(transformSite('inverted-condition', 'not values', undefined, random()), 'values');
  assert.equal(transformSite('inverted-condition', 'values', undefined, random()), 'not values');
  assert.equal(transformSite('inverted-condition', 'whole == 0', undefined, random()), 'not (whole == 0)');
  assert.equal(transformSite('inverted-condition', 'row["price"]', undefined, random()), 'not row["price"]');
  assert.equal(transformSite('wrong-key', '"qty"', '"reserved"', random()), '"reserved"');
  assert.equal(transformSite('wrong-variable', 'best', 'current', random()), 'current');
  assert.throws(() => transformSite('wrong-key', '"qty"', undefined, random()), /no different alternative/);
});

test('bug kind lists are checked and the unknown one is named with the field', () => {
  assert.deepEqual(parseBugKinds('excludeBugKinds', ['wrong-key', 'off-by-one', 'wrong-key']), ['wrong-key', 'off-by-one']);
  assert.throws(() => parseBugKinds('--exclude-bug-kinds', ['typo']), (error: unknown) => error instanceof InputError && /^--exclude-bug-kinds: "typo" is not a bug kind \(known: flipped-operator/.test(error.message));
});
