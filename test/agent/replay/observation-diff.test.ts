/**
 * The short diff `traj replay` prints for a mismatching step: recorded lines as `-`, replayed ones
 * as `+`, one line of context, a hunk header with the recorded line number, and a summary past the
 * line budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observationDiff } from '../../../src/agent/replay/observation-diff.js';

test('equal observations have no diff; a step the replay never reached says so', () => {
  assert.deepEqual(observationDiff('a\nb', 'a\nb'), []);
  assert.deepEqual(observationDiff('a', undefined), ['(the replay did not reach this step)']);
});

test('a changed line shows as - recorded, + replayed, with a line of context and where it is', () => {
  const recorded = ['[File: a.py (3 lines total)]', '1:x = 1', '2:y = 2', '3:z = 3'].join('\n');
  const replayed = ['[File: a.py (3 lines total)]', '1:x = 1', '2:y = 20', '3:z = 3'].join('\n');
  assert.deepEqual(observationDiff(recorded, replayed), ['@@ line 2 @@', '  1:x = 1', '- 2:y = 2', '+ 2:y = 20', '  3:z = 3']);
});

test('separate changes get separate hunks, and a long diff stops at the budget with a count of the rest', () => {
  const recorded = Array.from({ length: 40 }, (_, i) => `line ${i}`);
  const replayed = recorded.map((line, i) => (i % 10 === 5 ? `${line} changed` : line));
  const diff = observationDiff(recorded.join('\n'), replayed.join('\n'), { maxLines: 6 });
  assert.equal(diff[0], '@@ line 5 @@');
  assert.equal(diff.length, 7);
  assert.match(diff[6]!, /^… 6 more changed lines \(8 in all\)$/);
  const full = observationDiff(recorded.join('\n'), replayed.join('\n'), { maxLines: 100 });
  assert.equal(full.filter((line) => line.startsWith('@@')).length, 4);
});

test('missing and extra lines are told apart from changed ones', () => {
  assert.deepEqual(observationDiff('a\nb\nc', 'a\nc', { context: 0 }), ['@@ line 2 @@', '- b']);
  assert.deepEqual(observationDiff('a\nc', 'a\nb\nc', { context: 0 }), ['@@ line 2 @@', '+ b']);
});
