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

test('commands sent back to back reach bash whole and in order, whatever they hold and whatever the locale; NUL is refused', () => {
  const commands = [
    "printf '%s|' \"it's\" 'a \"quote\"'",
    "cat <<'EOF'\nheredoc body\nEOF",
    "echo 'an unterminated quote", // a broken command must not swallow the next one
    'printf %s "unicode: é ü 中文 🚀" | wc -c',
    'export LC_ALL=C.UTF-8; printf %s "ü☃"', // the session's locale changes what a character is, not the byte count
    'printf %s "after: ü☃" | wc -c',
  ];
  const markers = commands.map(() => new EndMarker());
  const input = commands.map((command, index) => commandLine(command, markers[index]!)).join('');
  const result = spawnSync('bash', ['--noprofile', '--norc'], { input, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
  const outputs = result.stdout.split(/__swe_srl_[0-9a-f]+__:\d+\n/);
  assert.equal(outputs.length, commands.length + 1, result.stdout + result.stderr);
  assert.deepEqual(outputs.slice(0, commands.length).map((text) => text.trim()), [
    "it's|a \"quote\"|",
    'heredoc body',
    '',
    String(Buffer.byteLength('unicode: é ü 中文 🚀')),
    'ü☃',
    String(Buffer.byteLength('after: ü☃')),
  ]);
  for (const marker of markers) assert.ok(result.stdout.includes(marker.token));
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
