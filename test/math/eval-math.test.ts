import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { generateMathFamily } from '../../src/math/family/generate.js';
import { formatMathEvalTable, gradedPathFor, gradeMathPredictions } from '../../src/math/eval/grade-predictions.js';
import { sampleAnswers } from '../../src/math/eval/sample-answers.js';
import { resolveOpenAiConfig } from '../../src/policy/openai/openai-config.js';
import { OpenAiPolicy } from '../../src/policy/openai/openai-policy.js';
import { SeededRandom } from '../../src/util/seeded-random.js';
import { runCli } from '../helpers/cli.js';
import { readJsonlFile, writeJsonlFile } from '../helpers/jsonl-files.js';
import { completionBody, startOpenAiServer } from '../helpers/openai-server.js';
import { withTempDir } from '../helpers/temp-dir.js';

const PROBLEMS = [
  { id: 'a1', problem: 'Half of 1?', answer: '\\frac{1}{2}', dataset: 'alpha' },
  { id: 'a2', problem: '2+2?', answer: '4', dataset: 'alpha' },
  { id: 'b1', problem: 'Point?', answer: '(1, 2)', dataset: 'beta' },
  { id: 'b2', problem: 'Unasked', answer: '9', dataset: 'beta' },
];

test('graded lines follow the predictions; accuracy is over predictions, Avg@k over problems, per dataset', async () => {
  await withTempDir(async (dir) => {
    const problems = await writeJsonlFile(join(dir, 'problems.jsonl'), PROBLEMS);
    const predictions = await writeJsonlFile(join(dir, 'preds.jsonl'), [
      { id: 'a1', response: 'So it is \\boxed{0.5}.' },
      { id: 'a1', response: 'It is \\boxed{\\frac{1}{3}}' },
      { id: 'a2', response: 'The answer is 4.' },
      { id: 'a2', response: 'cut off \\boxed{4' },
      { id: 'a2', response: '\\boxed{\\dfrac{8}{2}}' },
      { id: 'a2', response: '<think>2+2</think> 4' },
      { id: 'b1', response: '\\boxed{\\left(1,2\\right)}' },
    ]);
    const summary = await gradeMathPredictions({ problems, predictions });
    assert.equal(summary.graded, join(dir, 'preds.graded.jsonl'));
    assert.deepEqual(await readJsonlFile(summary.graded), [
      { id: 'a1', extracted: '0.5', correct: true },
      { id: 'a1', extracted: '\\frac{1}{3}', correct: false },
      { id: 'a2', extracted: '4', correct: true },
      { id: 'a2', extracted: null, correct: false },
      { id: 'a2', extracted: '\\dfrac{8}{2}', correct: true },
      { id: 'a2', extracted: '4', correct: true },
      { id: 'b1', extracted: '\\left(1,2\\right)', correct: true },
    ]);
    assert.equal(summary.predictions, 7);
    assert.equal(summary.accuracy, 5 / 7);
    assert.deepEqual(summary.datasets.alpha, { problems: 2, predictions: 6, correct: 4, accuracy: 4 / 6, avg_at_k: (1 / 2 + 3 / 4) / 2, k: 2, k_max: 4, problems_without_predictions: 0 });
    assert.deepEqual(summary.datasets.beta, { problems: 2, predictions: 1, correct: 1, accuracy: 1, avg_at_k: 0.5, k: 1, problems_without_predictions: 1 });
    assert.equal(summary.avg_at_k, ((1 / 2 + 3 / 4) / 2 + 0.5) / 2);
    const table = formatMathEvalTable(summary);
    assert.match(table, /^dataset +problems +k +avg@k % +accuracy % +no prediction$/m);
    assert.match(table, /^alpha +2 +2-4 +62\.5 +66\.7 +0$/m);
    assert.match(table, /^beta +2 +1 +50\.0 +100\.0 +1$/m);
    assert.match(table, /^average \(of datasets\) +4 +56\.3 +71\.4$/m);
    const strict = await gradeMathPredictions({ problems, predictions, lastNumber: false });
    assert.equal(strict.datasets.alpha!.correct, 3, 'without the last-number fallback "<think>2+2</think> 4" has no answer');
  });
});

test('a prediction for an unknown problem, or a line that is not a prediction, is an error naming the line', async () => {
  await withTempDir(async (dir) => {
    const problems = await writeJsonlFile(join(dir, 'problems.jsonl'), PROBLEMS);
    const unknown = await writeJsonlFile(join(dir, 'unknown.jsonl'), [{ id: 'a1', response: '1' }, { id: 'zz', response: '1' }]);
    await assert.rejects(gradeMathPredictions({ problems, predictions: unknown }), (error: Error) => error instanceof InputError && error.message === `${unknown}:2: id: "zz" is not in ${problems}`);
    const noResponse = await writeJsonlFile(join(dir, 'nores.jsonl'), [{ id: 'a1' }]);
    await assert.rejects(gradeMathPredictions({ problems, predictions: noResponse }), /nores\.jsonl:1: response: expected the response text/);
    const badProblems = await writeJsonlFile(join(dir, 'bad-problems.jsonl'), [{ id: 'x', problem: 'p' }]);
    await assert.rejects(gradeMathPredictions({ problems: badProblems, predictions: unknown }), /bad-problems\.jsonl:1: answer: no answer/);
    assert.equal(gradedPathFor('out/preds.jsonl'), 'out/preds.graded.jsonl');
    assert.equal(gradedPathFor('preds.txt'), 'preds.txt.graded.jsonl');
  });
});

/**
 * A stand-in for a sampled model: for every sample it draws, from a seeded generator, whether to
 * answer right (in one of several equivalent forms) or wrong (a wrong value, an unclosed box, no
 * answer), and records its choice, so the expected Avg@k is known without the checker.
 */
function samplingModel(answers: ReadonlyMap<string, string>) {
  const random = new SeededRandom(2024);
  const right = new Map<string, number>();
  const asked: number[] = [];
  const respond = (problem: string): string => {
    const answer = answers.get(problem)!;
    const correct = random.chance(0.6);
    right.set(problem, (right.get(problem) ?? 0) + (correct ? 1 : 0));
    if (correct) return random.pick([`Step by step... so the result is $\\boxed{${answer}}$.`, `<think>scratch</think>\nThe answer is $${answer.replace('\\frac', '\\dfrac')}$.`, `Therefore $x = \\boxed{${answer}}$`]);
    return random.pick([`So $\\boxed{${answer} + 1}$.`, `Hence \\boxed{${answer}`, 'I am not sure.', `The answer is $${answer} + 1$.`]);
  };
  return { right, asked, respond };
}

test('eval-math reports Avg@k on predictions sampled from an OpenAI-compatible endpoint; sampling resumes where it stopped', async () => {
  await withTempDir(async (dir) => {
    const rows = generateMathFamily({ count: 10, seed: 3, tier: 'mixed', split: 'held-out' });
    const problems = await writeJsonlFile(join(dir, 'problems.jsonl'), rows);
    const model = samplingModel(new Map(rows.map((row) => [row.problem, row.answer])));
    const server = await startOpenAiServer((request) => {
      const messages = request.body.messages as Array<{ role: string; content: string }>;
      const n = Number(request.body.n ?? 1);
      model.asked.push(n);
      return { json: completionBody(Array.from({ length: n }, () => model.respond(messages[1]!.content))) };
    });
    try {
      const policy = new OpenAiPolicy(resolveOpenAiConfig({ baseUrl: server.baseUrl, model: 'sampler' }, {}));
      const predictions = join(dir, 'run', 'preds.jsonl');
      const first = await sampleAnswers({ problems, output: predictions, policy, samples: 3, temperature: 1 });
      assert.deepEqual(first, { problems: 10, asked: 30, reused: 0 });
      // A run killed while writing leaves a torn last line; the next run drops it and asks again.
      await writeFile(predictions, `${await readFile(predictions, 'utf8')}{"id": "math-held`);
      const second = await sampleAnswers({ problems, output: predictions, policy, samples: 8, temperature: 1 });
      assert.deepEqual(second, { problems: 10, asked: 50, reused: 30 });
      assert.deepEqual(model.asked, [...Array(10).fill(3), ...Array(10).fill(5)]);
      assert.equal(server.requests[0]!.body.temperature, 1);
      assert.match((server.requests[0]!.body.messages as Array<{ content: string }>)[0]!.content, /\\boxed\{\}/);
      const lines = await readJsonlFile(predictions);
      assert.equal(lines.length, 80);
      assert.deepEqual(lines.filter((line) => line.id === rows[0]!.id).map((line) => line.sample), [0, 1, 2, 3, 4, 5, 6, 7]);

      const summaryPath = join(dir, 'summary.json');
      const result = await runCli(['eval-math', '--problems', problems, '--predictions', predictions, '-o', summaryPath]);
      assert.equal(result.code, 0, result.stderr);
      const summary = JSON.parse(await readFile(summaryPath, 'utf8'));
      const expected = (dataset: string) => {
        const inSet = rows.filter((row) => row.dataset === dataset);
        return inSet.reduce((sum, row) => sum + model.right.get(row.problem)! / 8, 0) / inSet.length;
      };
      for (const [name, figures] of Object.entries(summary.datasets as Record<string, { avg_at_k: number; k: number }>)) {
        assert.equal(figures.k, 8);
        assert.ok(Math.abs(figures.avg_at_k - expected(name)) < 1e-12, `${name}: ${figures.avg_at_k} vs ${expected(name)}`);
      }
      const totalRight = [...model.right.values()].reduce((sum, n) => sum + n, 0);
      assert.equal(summary.accuracy, totalRight / 80);
      assert.match(result.stdout, /^builtin-linear +2 +8 +\d+\.\d +\d+\.\d +0$/m);
      assert.equal((await readJsonlFile(join(dir, 'run', 'preds.graded.jsonl'))).length, 80);
    } finally {
      await server.close();
    }
  });
});

test('eval-math exits 2 with one line naming the bad line', async () => {
  await withTempDir(async (dir) => {
    const problems = await writeJsonlFile(join(dir, 'problems.jsonl'), PROBLEMS);
    const predictions = join(dir, 'preds.jsonl');
    await writeFile(predictions, '{"id": "a1", "response": "1"}\n{"id": \n');
    const result = await runCli(['eval-math', '--problems', problems, '--predictions', predictions]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^swe-srl: .*preds\.jsonl:2: /);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });
});
