import { test } from 'node:test';
import assert from 'node:assert/strict';
import { integerAtLeast, nonNegativeNumber, oneOf, positiveNumber, positiveSeconds, sandboxBackend } from '../../src/cli/option-values.js';

test('option values are parsed, and a wrong one names the flag and the value', () => {
  assert.equal(positiveNumber('--top-p')('0.5'), 0.5);
  assert.throws(() => positiveNumber('--top-p')('0'), /--top-p: "0" is not a positive number/);
  assert.throws(() => positiveSeconds('--timeout')('-1'), /--timeout: "-1" is not a positive number of seconds/);
  assert.equal(nonNegativeNumber('--epsilon')('0'), 0);
  assert.throws(() => nonNegativeNumber('--epsilon')('-0.1'), /--epsilon: "-0.1" is not a number >= 0/);
  assert.equal(integerAtLeast('--max-retries', 0)('3'), 3);
  assert.throws(() => integerAtLeast('--max-workers', 1)('1.5'), /--max-workers: "1.5" is not an integer >= 1/);
  assert.equal(oneOf('--form', ['raw', 'chat'] as const)('chat'), 'chat');
  assert.throws(() => oneOf('--form', ['raw', 'chat'] as const)('xml'), /--form: "xml" is not one of raw, chat/);
  assert.equal(sandboxBackend('local'), 'local');
  assert.throws(() => sandboxBackend('k8s'), /--backend: "k8s" is not auto, docker or local/);
});

test('a blank value is refused, not read as 0', () => {
  assert.throws(() => nonNegativeNumber('--temperature')(''), /--temperature: "" is not a number >= 0/);
  assert.throws(() => integerAtLeast('--max-retries', 0)(' '), /--max-retries: " " is not an integer >= 0/);
});
