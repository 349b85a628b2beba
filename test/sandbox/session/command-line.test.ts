import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.js';
import { commandLine, EndMarker, quoteAnsiC } from '../../../src/sandbox/session/command-line.js';

/** What bash makes of a quoted word. */
function bashValue(word: string): string {
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', `printf %s ${word}`], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test('quoteAnsiC gives bash back exactly the string it was given', () => {
  const samples = [
    '',
    'plain words',
    "it's a 'quote'",
    'back\\slash \\n not a newline',
    'line one\nline two\n',
    'tab\there, bell\x07, escape\x1b[0m, delete\x7f',
    '$HOME `id` $(whoami) ${x} "double" !bang',
    "cat <<'EOF'\nheredoc body\nEOF",
    'x\x01' + '7', // a control byte followed by a digit must not merge into one escape
    'unicode: é ü 中文 🚀',
  ];
  for (const sample of samples) assert.equal(bashValue(quoteAnsiC(sample)), sample, JSON.stringify(sample));
});

test('quoteAnsiC survives random text of every byte value but NUL', () => {
  for (let round = 0; round < 20; round++) {
    const text = [...randomBytes(64)].map((byte) => String.fromCharCode((byte % 127) + 1)).join('');
    assert.equal(bashValue(quoteAnsiC(text)), text);
  }
});

test('commandLine is one line whatever the command holds, and rejects NUL', () => {
  const line = commandLine('echo a\necho b\n', new EndMarker());
  assert.equal(line.indexOf('\n'), line.length - 1);
  assert.throws(() => commandLine('echo \0', new EndMarker()), InputError);
});

test('an end marker never writes its joined token on the command line', () => {
  const marker = new EndMarker();
  const other = new EndMarker();
  assert.notEqual(marker.token, other.token);
  // The shell sees the halves; only printf's output holds the whole token (even under set -x).
  assert.equal(commandLine('true', marker).includes(marker.token), false);
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', `set -x; false; ${marker.printer('$?')}`], { encoding: 'utf8' });
  assert.equal(result.stdout, `${marker.token}:1\n`);
  assert.equal(result.stderr.includes(marker.token), false);
});
