import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, countOccurrences, editBetween } from '../../src/tasks/edits.js';

test('an edit replaces the changed line, widened by context until the old text is unique', () => {
  const before = 'def a():\n    return x\n\n\ndef b():\n    return x\n';
  const after = 'def a():\n    return x\n\n\ndef b():\n    return y\n';
  const edit = editBetween('m.py', before, after);
  assert.equal(countOccurrences(before, edit.old_str), 1);
  assert.match(edit.old_str, /def b\(\):\n    return x/);
  assert.equal(applyEdits(new Map([['m.py', before]]), [edit]).get('m.py'), after);
});

test('an inserted line is anchored on the line above it', () => {
  const before = 'def f():\n    total = 1\n';
  const after = 'def f():\n    total = 1\n    return total\n';
  const edit = editBetween('m.py', before, after);
  assert.equal(edit.old_str, '    total = 1');
  assert.equal(edit.new_str, '    total = 1\n    return total');
  assert.equal(applyEdits(new Map([['m.py', before]]), [edit]).get('m.py'), after);
});

test('applying an edit whose old text is missing or repeated fails, naming the edit and file', () => {
  const files = new Map([['m.py', 'x\nx\n']]);
  assert.throws(() => applyEdits(files, [{ path: 'm.py', old_str: 'x', new_str: 'y' }]), /edit 1: old_str occurs 2 times in m.py/);
  assert.throws(() => applyEdits(files, [{ path: 'm.py', old_str: 'z', new_str: 'y' }]), /occurs 0 times/);
  assert.throws(() => applyEdits(files, [{ path: 'n.py', old_str: 'x', new_str: 'y' }]), /no file n.py/);
  assert.throws(() => editBetween('m.py', 'same\n', 'same\n'), /the same/);
});
