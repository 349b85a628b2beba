/**
 * The answer checker, table-driven: pairs of the kinds the Qwen2.5-Math checker handles (plain
 * and formatted numbers, fractions, percent, roots and π, units and degrees, a leading `x =`,
 * tuples, intervals, sets, matrices, choices, expressions and equations), each one way and the
 * other, plus the pairs that must stay apart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerReward } from '../../src/math/answer/answer-reward.js';
import { answersEquivalent } from '../../src/math/answer/equivalence.js';
import { extractAnswer } from '../../src/math/answer/extract.js';

const EQUAL: ReadonlyArray<[string, string]> = [
  ['10', '10'],
  ['10.0', '10'],
  ['1,000', '1000'],
  ['1{,}000', '1000'],
  ['-.5', '-0.5'],
  ['\\frac{1}{2}', '0.5'],
  ['\\dfrac{1}{2}', '\\frac12'],
  ['1/2', '\\frac{1}{2}'],
  ['\\tfrac{3}{4}', '0.75'],
  ['-\\frac{7}{2}', '-3.5'],
  ['\\frac{-7}{2}', '-\\dfrac{7}{2}'],
  ['2\\frac{1}{2}', '\\frac{5}{2}'],
  ['0.0833333333333333', '\\frac{1}{12}'],
  ['0.3333', '\\frac13'],
  ['10\\%', '0.1'],
  ['10%', '10'],
  ['50\\%', '\\frac{1}{2}'],
  ['\\sqrt{2}', '\\sqrt2'],
  ['2\\sqrt{3}', '\\sqrt{12}'],
  ['1.4142', '\\sqrt{2}'],
  ['\\frac{\\sqrt{3}}{2}', '\\frac{1}{2}\\sqrt{3}'],
  ['\\sqrt[3]{27}', '3'],
  ['3\\pi', '3 \\pi'],
  ['\\pi/2', '\\frac{\\pi}{2}'],
  ['2^{10}', '1024'],
  ['\\binom{5}{2}', '10'],
  ['5!', '120'],
  ['90^\\circ', '90'],
  ['90^{\\circ}', '90°'],
  ['5\\text{ cm}', '5'],
  ['12 inches', '12'],
  ['\\$18.90', '18.9'],
  ['$\\frac{3}{4}$', '\\frac{3}{4}'],
  ['x = 5', '5'],
  ['x=-\\frac{7}{2}', '-3.5'],
  ['five', '5'],
  ['(1, 2)', '(1,2)'],
  ['\\left( 3, \\frac{1}{2} \\right)', '(3, 0.5)'],
  ['(1,4.5)', '(1,\\frac{9}{2})'],
  ['1, 2', '(1, 2)'],
  ['[1, 2)', '[1,2)'],
  ['(-\\infty, 3]', '(-\\infty,3]'],
  ['(-\\infty, 0) \\cup (1, \\infty)', '(1,\\infty)\\cup(-\\infty,0)'],
  ['\\{1, 2, 3\\}', '\\{3, 2, 1\\}'],
  ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix}1 & 2\\\\ 3 & 4\\end{bmatrix}'],
  ['(C)', 'C'],
  ['\\text{(B)}', 'B'],
  ['\\frac{x}{7}+\\frac{2}{7}', '\\frac{x+2}{7}'],
  ['x^2+2x+1', '(x+1)^2'],
  ['y = 2x + 3', 'y=3+2x'],
  ['\\frac{x^2-1}{x-1}', 'x+1'],
  ['\\infty', '\\infty'],
  ['20!', '2432902008176640000'],
];

const DIFFERENT: ReadonlyArray<[string, string]> = [
  ['10', '20'],
  ['5', '-5'],
  ['100001', '100000'],
  ['0.33', '\\frac{1}{3}'],
  ['3.14', '\\pi'],
  ['\\sqrt{2}', '2'],
  ['[1, 2)', '(1, 2)'],
  ['(1, 2)', '(2, 1)'],
  ['(1, 2, 3)', '(1, 2)'],
  ['\\{1,2\\}', '\\{1,3\\}'],
  ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&2\\\\3&5\\end{pmatrix}'],
  ['x+1', 'x+2'],
  ['x+1', 'y+1'],
  ['2x', '2'],
  ['(A)', 'B'],
  ['', '5'],
  ['\\frac{1}{2}', '\\frac{1}{3}'],
  ['2\\frac{1}{2}', '1'],
];

test('answers of the same value in different forms are equivalent, both ways round', () => {
  for (const [predicted, reference] of EQUAL) {
    assert.ok(answersEquivalent(predicted, reference), `${predicted} should equal ${reference}`);
    assert.ok(answersEquivalent(reference, predicted), `${reference} should equal ${predicted}`);
  }
});

test('answers of different values are not equivalent, both ways round', () => {
  for (const [predicted, reference] of DIFFERENT) {
    assert.ok(!answersEquivalent(predicted, reference), `${predicted} should differ from ${reference}`);
    assert.ok(!answersEquivalent(reference, predicted), `${reference} should differ from ${predicted}`);
  }
});

test('a missing answer is never equivalent to anything', () => {
  assert.equal(answersEquivalent(null, '5'), false);
  assert.equal(answersEquivalent(undefined, ''), false);
});

test('the final answer is the last boxed content, nested braces counted', () => {
  assert.deepEqual(extractAnswer('so x is \\boxed{\\frac{1}{2}}.'), { answer: '\\frac{1}{2}', via: 'boxed' });
  assert.equal(extractAnswer('first \\boxed{3}, then \\boxed{\\left(\\frac{1}{2}, \\{3\\}\\right)}').answer, '\\left(\\frac{1}{2}, \\{3\\}\\right)');
  assert.equal(extractAnswer('$\\boxed 5$').answer, '5');
  assert.equal(extractAnswer('\\fbox{7}').answer, '7');
  assert.equal(extractAnswer('\\boxed {12}').answer, '12');
});

test('an unclosed \\boxed{ is no answer and does not fall back to an earlier box or a number', () => {
  const cut = extractAnswer('The sum is 12, so \\boxed{\\frac{1}{2}');
  assert.equal(cut.answer, null);
  assert.equal(cut.via, 'none');
  assert.match(cut.reason ?? '', /never closes/);
  assert.equal(extractAnswer('\\boxed{3} and then \\boxed{4').answer, null);
  assert.equal(answerReward('\\boxed{\\frac{1}{2}', '\\frac12').reward, 0);
});

test('"the answer is" forms and the last number are the fallbacks', () => {
  assert.deepEqual(extractAnswer('Adding up, the answer is 42. Done.'), { answer: '42', via: 'answer-is' });
  assert.equal(extractAnswer('The final answer is $\\frac{3}{4}$. I hope it is correct.').answer, '\\frac{3}{4}');
  assert.equal(extractAnswer('The answer is: (B)').answer, '(B)');
  assert.deepEqual(extractAnswer('I had 3 apples and bought 1,250 more'), { answer: '1250', via: 'last-number' });
  assert.equal(extractAnswer('I had 3 apples', { lastNumber: false }).answer, null);
  assert.equal(extractAnswer('no digits here').via, 'none');
});

test('the answer reward is 1 for an equivalent final answer and 0 otherwise', () => {
  assert.deepEqual(answerReward('<think>2+2</think> The total is \\boxed{4}.', '4'), { reward: 1, correct: true, extracted: '4', via: 'boxed' });
  assert.equal(answerReward('It is \\boxed{\\dfrac{6}{8}}', '\\frac{3}{4}').reward, 1);
  assert.equal(answerReward('It is \\boxed{5}', '4').reward, 0);
  assert.equal(answerReward('I cannot tell.', '4').reward, 0);
});

test('pathological answers are refused quickly instead of hanging or overflowing the stack', () => {
  const deep = `${'('.repeat(50_000)}1${')'.repeat(50_000)}`;
  assert.equal(answersEquivalent(deep, '1'), false);
  assert.equal(answersEquivalent('2^{2^{2^{100}}}', '1'), false);
  assert.equal(answersEquivalent('\\binom{1000000}{500000}', '1'), false);
  assert.equal(answersEquivalent('10^{100000}', '10^{100000}'), true);
  assert.equal(answersEquivalent('10^{100000}', '10^{100001}'), false);
  assert.equal(extractAnswer(`\\boxed{${'{'.repeat(100_000)}`).answer, null);
});
