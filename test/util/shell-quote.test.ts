import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { shellQuote, shlexQuote, singleQuote } from '../../src/util/shell-quote.js';

const WORDS = ['', 'plain', 'a b', "it's", 'x=1,y:2/3.4@5%6+7-8_9', 'tab\there', 'ünï', '$(rm -rf /)', 'new\nline', '"', "'", '\\', '*', '~'];

test("shlexQuote quotes exactly like Python's shlex.quote", () => {
  const python = spawnSync('python3', ['-c', 'import json,shlex,sys; print(json.dumps([shlex.quote(w) for w in json.load(sys.stdin)]))'], {
    input: JSON.stringify(WORDS),
    encoding: 'utf8',
  });
  assert.equal(python.status, 0, python.stderr);
  assert.deepEqual(WORDS.map(shlexQuote), JSON.parse(python.stdout) as string[]);
});

test('every quoting reaches bash as the same word', () => {
  for (const quote of [shellQuote, singleQuote, shlexQuote]) {
    const script = `printf '%s\\0' ${WORDS.map(quote).join(' ')}`;
    const bash = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    assert.equal(bash.status, 0, bash.stderr);
    assert.deepEqual(bash.stdout.split('\0').slice(0, -1), WORDS, quote.name);
  }
});

test("shellQuote leaves a safe word bare and spells a quote '\\''; singleQuote always quotes", () => {
  assert.equal(shellQuote('src/a-b_c.py'), 'src/a-b_c.py');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(singleQuote('plain'), "'plain'");
  assert.equal(shlexQuote("it's"), `'it'"'"'s'`);
});
