import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { emptyReadReport, fieldMapFrom, readMathProblems, S1K_FIELDS, type MathProblem, type MathRowRejection } from '../../src/math/solution/problems-file.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { writeJsonlFile } from '../helpers/jsonl-files.js';

async function readAll(path: string, options: Parameters<typeof readMathProblems>[1] = {}) {
  const report = emptyReadReport();
  const problems: MathProblem[] = [];
  for await (const problem of readMathProblems(path, options, report)) problems.push(problem);
  return { problems, report };
}

test('plain rows give problems with numbered steps; rows whose steps do not parse are dropped, named and counted', async () => {
  await withTempDir(async (dir) => {
    const path = await writeJsonlFile(join(dir, 'set.jsonl'), [
      { id: 'p1', problem: 'What is 2+3?', solution: '1. **Add** $2+3=5$.\n2. **Answer** $\\boxed{5}$.', answer: '5', dataset: 'toy' },
      { problem: 'Broken', solution: '1. **A** x\n3. **C** y', answer: 1 },
      { problem: 'One step', solution: '1. **Only** it is 4', answer: '4' },
      { problem: 'Prose', solution: 'It is 7.', answer: '7' },
      { problem: 'What is 6/3?', solution: '1. **Divide** 6/3 = 2.\n2. **Answer** 2.', answer: 2 },
    ]);
    const rejected: MathRowRejection[] = [];
    const { problems, report } = await readAll(path, { onRejected: (rejection) => rejected.push(rejection) });
    assert.deepEqual(problems.map((p) => [p.id, p.line, p.answer, p.steps.length, p.rule]), [['p1', 1, '5', 2, 'numbered'], ['set-5', 5, '2', 2, 'numbered']]);
    assert.equal(problems[0]!.dataset, 'toy');
    assert.deepEqual(rejected.map((r) => [r.line, r.id]), [[2, 'set-2'], [3, 'set-3'], [4, 'set-4']]);
    assert.match(rejected[0]!.reason, /^solution: step 3 follows step 1/);
    assert.match(rejected[1]!.reason, /only one step/);
    assert.match(rejected[2]!.reason, /no numbered step/);
    assert.deepEqual(report, { problems: 2, rejected: 3, skipped: 0, rules: { numbered: 2, paragraphs: 0, lines: 0 } });
  });
});

test('s1K-1.1 rows are read through the field map, the answer taken from the reference solution\'s box, and unnumbered attempts cut by the rule', async () => {
  await withTempDir(async (dir) => {
    const path = await writeJsonlFile(join(dir, 's1k.jsonl'), [
      {
        question: 'How many pairs?',
        solution: 'There are 256 pairs, half with a<b, so \\boxed{128}.',
        deepseek_thinking_trajectory: 'Let me think.\n\nPrimes first.',
        deepseek_attempt: 'Intro.\n1. **Factor** eight primes.\n2. **Halve** $256/2 = 128$.',
        source_type: 'aime',
      },
      { question: 'Sum?', solution: '12', deepseek_thinking_trajectory: 't', deepseek_attempt: 'Add the numbers.\n\nThe sum is 12.' },
    ]);
    const { problems, report } = await readAll(path, { fields: S1K_FIELDS, fallbackSplit: 'paragraphs' });
    assert.equal(problems[0]!.answer, '128');
    assert.equal(problems[0]!.preamble, 'Intro.');
    assert.equal(problems[0]!.dataset, 'aime');
    assert.equal(problems[0]!.trace, 'Let me think.\n\nPrimes first.');
    assert.equal(problems[1]!.rule, 'paragraphs');
    assert.deepEqual(problems[1]!.steps.map((step) => step.text), ['Add the numbers.', 'The sum is 12.']);
    assert.deepEqual(report.rules, { numbered: 1, paragraphs: 1, lines: 0 });
    const fromTrace = await readAll(path, { fields: S1K_FIELDS, fallbackSplit: 'paragraphs', stepsFrom: 'trace' });
    assert.deepEqual(fromTrace.problems[0]!.steps.map((step) => step.text), ['Let me think.', 'Primes first.']);
    assert.equal(fromTrace.report.rejected, 1, 'a one-paragraph trace gives no instance');
  });
});

test('a row without an answer or with an empty solution stops the read with file and line, or is skipped and counted with skipInvalid', async () => {
  await withTempDir(async (dir) => {
    const good = { problem: 'Q', solution: '1. **A** x\n2. **B** y', answer: '1' };
    const path = await writeJsonlFile(join(dir, 'bad.jsonl'), [good, { problem: 'Q', solution: '1. **A** x\n2. **B** y' }, { problem: 'Q', solution: '  ', answer: '2' }, { ...good, answer: '\\boxed{3' }]);
    await assert.rejects(readAll(path), (error: Error) => error instanceof InputError && error.message === `${path}:2: answer: no answer`);
    const skipped: string[] = [];
    const { problems, report } = await readAll(path, { skipInvalid: true, onInvalid: (error) => skipped.push(error.message) });
    assert.equal(problems.length, 1);
    assert.deepEqual(skipped, [`${path}:2: answer: no answer`, `${path}:3: solution: empty solution`, `${path}:4: answer: no answer: the last \\boxed{ never closes`]);
    assert.equal(report.skipped, 3);
  });
});

test('lines that are not JSON objects and repeated ids are invalid rows', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'mixed.jsonl');
    const { writeFile } = await import('node:fs/promises');
    const row = JSON.stringify({ id: 'a', problem: 'Q', solution: '1. **A** x\n2. **B** y', answer: '1' });
    await writeFile(path, `${row}\n{"truncated": \n[1, 2]\n${row}\n`);
    await assert.rejects(readAll(path), /mixed\.jsonl:2: /);
    const skipped: string[] = [];
    const { problems } = await readAll(path, { skipInvalid: true, onInvalid: (error) => skipped.push(error.message) });
    assert.equal(problems.length, 1);
    assert.equal(skipped.length, 3);
    assert.match(skipped[1]!, /mixed\.jsonl:3: expected a JSON object/);
    assert.match(skipped[2]!, /mixed\.jsonl:4: id: "a" already used on line 1/);
  });
});

test('a field map override names a field and a column', () => {
  assert.equal(fieldMapFrom('s1k', ['solution=gemini_attempt']).solution, 'gemini_attempt');
  assert.equal(fieldMapFrom('plain', ['problem = question']).problem, 'question');
  assert.throws(() => fieldMapFrom('plain', ['question']), /"question" is not FIELD=NAME/);
  assert.throws(() => fieldMapFrom('plain', ['title=x']), /"title" is not one of id, problem/);
});
