/**
 * The math RLVR reward of a whole solution: the answer reward behind the same `<think>` format
 * check as the math SRL step reward, and the same extraction `eval-math` grades with.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mathRlvrReward } from '../../src/math/index.js';
import { gradeMathPredictions } from '../../src/math/eval/grade-predictions.js';
import { readJsonlFile, writeJsonlFile } from '../helpers/jsonl-files.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { join } from 'node:path';

const SOLUTION = '1. **Reduce** $17 \\equiv 2 \\pmod{5}$.\n2. **State the answer** The remainder is $\\boxed{2}$.';

test('a well-formed solution scores 1 when its boxed answer is equivalent to the reference and 0 when it is not', () => {
  assert.deepEqual(
    [mathRlvrReward(`<think>\n</think>\n${SOLUTION}`, '2').reward, mathRlvrReward(`<think>17 = 15 + 2</think>\n${SOLUTION}`, '\\frac{4}{2}').reward, mathRlvrReward(`<think></think>\n${SOLUTION}`, '3').reward],
    [1, 1, 0],
  );
  const unclosed = mathRlvrReward('<think></think>\nThe remainder is $\\boxed{2$', '2');
  assert.equal(unclosed.reward, 0, 'a box that never closes is no answer');
  assert.equal(unclosed.formatOk, true);
});

test('a broken <think> format scores -1 whatever the answer, as the math SRL reward scores it', () => {
  for (const response of [SOLUTION, `<think>${SOLUTION}`, '<think>\\boxed{2}</think>\n', `Sure. <think></think>${SOLUTION}`]) {
    const result = mathRlvrReward(response, '2');
    assert.equal(result.reward, -1, response);
    assert.equal(result.formatOk, false);
  }
});

test('on well-formed responses the reward agrees with eval-math grading', async () => {
  await withTempDir(async (dir) => {
    const problems = join(dir, 'problems.jsonl');
    const predictions = join(dir, 'preds.jsonl');
    await writeJsonlFile(problems, [{ id: 'p', problem: 'What is 17 mod 5?', answer: '2' }]);
    const responses = [`<think></think>\n${SOLUTION}`, '<think></think>\nThe answer is 3.', '<think>maybe 2</think>\nso it is \\boxed{2.0}', '<think></think>\nno idea'];
    await writeJsonlFile(predictions, responses.map((response) => ({ id: 'p', response })));
    await gradeMathPredictions({ problems, predictions });
    const graded = await readJsonlFile(join(dir, 'preds.graded.jsonl'));
    assert.deepEqual(graded.map((line) => (line.correct ? 1 : 0)), responses.map((response) => mathRlvrReward(response, '2').reward));
  }, 'math-rlvr-reward');
});
