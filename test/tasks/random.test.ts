import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../src/tasks/random.js';

test('the same labels give the same sequence; other labels another', () => {
  const draw = (...labels: Array<string | number>) => {
    const random = new Random(...labels);
    return Array.from({ length: 8 }, () => random.int(0, 1000));
  };
  assert.deepEqual(draw('tasks', 7, 'train'), draw('tasks', 7, 'train'));
  assert.notDeepEqual(draw('tasks', 7, 'train'), draw('tasks', 7, 'heldout'));
  assert.notDeepEqual(draw('tasks', 7, 'train'), draw('tasks', 8, 'train'));
});

test('picks avoid taken names, and shuffles keep every item', () => {
  const random = new Random('names');
  assert.equal(random.pickFresh(['a', 'b'], new Set(['a'])), 'b');
  assert.match(random.pickFresh(['a'], new Set(['a'])), /^a\d+$/);
  const items = ['a', 'b', 'c', 'd', 'e'];
  assert.deepEqual(random.shuffle(items).sort(), items);
  assert.equal(new Set(random.sample(items, 3)).size, 3);
  assert.ok(Array.from({ length: 50 }, () => random.next()).every((value) => value >= 0 && value < 1));
});
