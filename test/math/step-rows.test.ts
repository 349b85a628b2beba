import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MathProblem } from '../../src/math/solution/problems-file.js';
import { parseNumberedSteps, splitByRule } from '../../src/math/solution/steps.js';
import { mathStepRowSchema } from '../../src/math/steps/step-row-schema.js';
import { defaultMathStepOptions, mathStepRows, type MathStepOptions } from '../../src/math/steps/step-rows.js';
import { approximateTokenCount } from '../../src/math/steps/token-budget.js';

function problemOf(solution: string, rule: 'numbered' | 'paragraphs' = 'numbered'): MathProblem {
  const split = rule === 'numbered' ? parseNumberedSteps(solution) : splitByRule(solution, 'paragraphs');
  assert.ok(split.ok);
  return { id: 'p', file: 'f.jsonl', line: 1, problem: 'What is (1+2)*4 - 5?', answer: '7', steps: split.steps, rule: split.rule, preamble: split.preamble };
}

const FIVE_STEPS = ['Start from the expression.', '1. **Add inside** 1+2 = 3.', '2. **Multiply** 3*4 = 12.', '3. **Subtract** 12-5 = 7.', '4. **Check** 7 + 5 = 12.', '5. **Answer** $\\boxed{7}$.'].join('\n');
const options = (overrides: Partial<MathStepOptions> = {}): MathStepOptions => ({ ...defaultMathStepOptions, ...overrides });
const userOf = (row: { messages: Array<{ role: string; content: string }> }): string => row.messages.find((message) => message.role === 'user')!.content;

test('N steps give N-1 rows: row k shows the problem and steps 1..k and targets step k+1', () => {
  const problem = problemOf(FIVE_STEPS);
  const rows = mathStepRows(problem);
  assert.equal(rows.length, 4);
  rows.forEach((row, i) => {
    const k = i + 1;
    assert.equal(mathStepRowSchema.safeParse(row).success, true);
    assert.equal(row.step_id, `p#${k}`);
    assert.equal(row.step_index, k);
    assert.equal(row.domain, 'math');
    assert.equal(row.target, problem.steps[k]!.text);
    assert.equal(row.answer, '7');
    assert.equal(row.step_count, 5);
    assert.equal(row.omitted_steps, 0);
    assert.deepEqual(row.messages.map((message) => message.role), ['system', 'user']);
    const user = userOf(row);
    assert.ok(user.startsWith('Problem:\nWhat is (1+2)*4 - 5?\n\nSolution so far:\nStart from the expression.\n\n1. **Add inside**'), user);
    for (const shown of problem.steps.slice(0, k)) assert.ok(user.includes(shown.text), `row ${k} shows ${shown.text}`);
    for (const hidden of problem.steps.slice(k)) assert.ok(!user.includes(hidden.text), `row ${k} hides ${hidden.text}`);
    assert.ok(user.endsWith(`Write step ${k + 1}.`));
  });
  assert.match(rows[0]!.messages[0]!.content, /<think>/);
  assert.match(rows[0]!.messages[0]!.content, /single next step/);
});

test('an H-step window shows only the H most recent steps, and says how many are left out', () => {
  const rows = mathStepRows(problemOf(FIVE_STEPS), options({ history: 2 }));
  const last = rows[3]!;
  assert.equal(last.omitted_steps, 2);
  const user = userOf(last);
  assert.match(user, /\(The first 2 steps are not shown; the most recent ones follow\.\)\n3\. \*\*Subtract\*\*/);
  assert.ok(!user.includes('Start from the expression.'), 'the preamble goes with step 1');
  assert.ok(!user.includes('2. **Multiply**'));
  assert.equal(rows[0]!.omitted_steps, 0);
  assert.ok(userOf(rows[0]!).includes('Start from the expression.'));
});

test('with the next title, the prompt names the next step and the target is the rest of it', () => {
  const rows = mathStepRows(problemOf(FIVE_STEPS), options({ nextTitle: true }));
  assert.equal(rows[1]!.next_title, '3. **Subtract**');
  assert.equal(rows[1]!.target, '12-5 = 7.');
  assert.ok(userOf(rows[1]!).endsWith('The next step is:\n3. **Subtract**\nWrite the rest of step 3.'));
  assert.match(rows[1]!.messages[0]!.content, /number and title of the step are given/);
  // Paragraph steps have no titles: the option changes nothing there.
  const plain = mathStepRows(problemOf('First.\n\nSecond.\n\nThird.', 'paragraphs'), options({ nextTitle: true }));
  assert.equal(plain[0]!.next_title, undefined);
  assert.equal(plain[0]!.target, 'Second.');
  assert.ok(userOf(plain[0]!).endsWith('Write the next step.'));
});

test('a partial solution over the token budget loses its oldest steps first, then the middle of a step, with markers', () => {
  const long = (n: number) => Array.from({ length: 40 }, (_, i) => `word${n}x${i}`).join(' ');
  const solution = [1, 2, 3, 4].map((n) => `${n}. **Step ${n}** ${long(n)}`).join('\n');
  const problem = problemOf(solution);
  const stepTokens = approximateTokenCount(problem.steps[0]!.text);
  const rows = mathStepRows(problem, options({ prefixBudget: stepTokens * 2 + 5 }));
  const last = rows[2]!;
  assert.equal(last.truncated, true);
  assert.equal(last.omitted_steps, 1);
  assert.ok(last.prefix_tokens <= stepTokens * 2 + 5);
  assert.match(userOf(last), /\(The first step is not shown; the most recent ones follow\.\)\n2\. \*\*Step 2\*\*/);
  assert.equal(rows[0]!.truncated, false);

  const tight = mathStepRows(problem, options({ prefixBudget: 30 }));
  const cut = tight[0]!;
  assert.equal(cut.truncated, true);
  assert.ok(cut.prefix_tokens <= 30 + approximateTokenCount('[... 999 tokens cut to fit the prompt budget ...]'));
  assert.match(userOf(cut), /1\. \*\*Step 1\*\* word1x0[\s\S]*\[\.\.\. \d+ tokens cut to fit the prompt budget \.\.\.\][\s\S]*word1x39/);
  assert.equal(tight[2]!.omitted_steps, 2);
});

test('bad options are refused', () => {
  assert.throws(() => mathStepRows(problemOf(FIVE_STEPS), options({ history: 0 })), RangeError);
  assert.throws(() => mathStepRows(problemOf(FIVE_STEPS), options({ prefixBudget: 0 })), RangeError);
});
