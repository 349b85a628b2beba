import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNumberedSteps, splitSolution } from '../../src/math/solution/steps.js';

const SOLUTION = [
  'SOLUTION:',
  'We count the coprime pairs.',
  '1. **Factor 20!** The primes up to 20 are 2, 3, 5, 7, 11, 13, 17 and 19.',
  '2. **Assign the primes**:',
  '   - Each prime goes wholly to a or to b.',
  '   1. **not a step** an indented list item stays inside step 2',
  '   - That gives $2^8 = 256$ pairs.',
  '',
  '3. **Keep a < b** Half of them: $\\boxed{128}$.',
].join('\n');

test('numbered steps split on `N. **Title**` at the start of a line, keeping multi-line actions and the preamble', () => {
  const parsed = parseNumberedSteps(SOLUTION);
  assert.ok(parsed.ok);
  assert.equal(parsed.rule, 'numbered');
  assert.equal(parsed.preamble, 'We count the coprime pairs.');
  assert.deepEqual(parsed.steps.map((step) => [step.number, step.title]), [[1, 'Factor 20!'], [2, 'Assign the primes'], [3, 'Keep a < b']]);
  assert.equal(parsed.steps[1]!.text, '2. **Assign the primes**:\n   - Each prime goes wholly to a or to b.\n   1. **not a step** an indented list item stays inside step 2\n   - That gives $2^8 = 256$ pairs.');
  assert.equal(parsed.steps[1]!.action, ':\n   - Each prime goes wholly to a or to b.\n   1. **not a step** an indented list item stays inside step 2\n   - That gives $2^8 = 256$ pairs.');
  assert.equal(parsed.steps[2]!.action, 'Half of them: $\\boxed{128}$.');
});

test('a broken numbered form is refused with the reason', () => {
  const fail = (text: string): string => {
    const result = parseNumberedSteps(text);
    assert.ok(!result.ok, text);
    return result.reason;
  };
  assert.match(fail('1. **A** x\n3. **C** z'), /step 3 follows step 1/);
  assert.match(fail('2. **B** y\n3. **C** z'), /first numbered step is 2/);
  assert.match(fail('1. **A** x\n2. **B**\n3. **C** z'), /step 2 has a title and no action/);
  assert.match(fail('1. ** ** x'), /empty title/);
  assert.match(fail('just prose'), /no numbered step/);
});

test('a solution without numbered steps is cut by the chosen rule, or refused without one', () => {
  const prose = 'First we add.\nThen we carry.\n\nFinally we read off 12.';
  const paragraphs = splitSolution(prose, 'paragraphs');
  assert.ok(paragraphs.ok);
  assert.equal(paragraphs.rule, 'paragraphs');
  assert.deepEqual(paragraphs.steps.map((step) => step.text), ['First we add.\nThen we carry.', 'Finally we read off 12.']);
  const lines = splitSolution(prose, 'lines');
  assert.ok(lines.ok);
  assert.deepEqual(lines.steps.map((step) => step.text), ['First we add.', 'Then we carry.', 'Finally we read off 12.']);
  const none = splitSolution(prose);
  assert.ok(!none.ok);
  assert.match(none.reason, /no numbered step/);
  // A numbered solution is taken as numbered even when a fallback rule is given.
  const numbered = splitSolution('1. **A** x\n\n2. **B** y', 'lines');
  assert.ok(numbered.ok);
  assert.equal(numbered.rule, 'numbered');
});
