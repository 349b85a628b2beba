/**
 * The SRL step reward on math rows goes through the same reward code as SWE rows: the `<think>`
 * splitter decides the format (−1 when broken), then difflib's ratio compares the step written
 * after `</think>` with the expert's step. `reward srl` reads math step rows as it reads SWE rows.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { registerMathCommand } from '../../src/cli/math.js';
import { registerRewardCommand } from '../../src/cli/reward.js';
import { sequenceMatcherRatio } from '../../src/reward/similarity.js';
import { srlStepReward, type ExpertText } from '../../src/reward/srl.js';
import { readJsonlFile, writeJsonlFile } from '../helpers/jsonl-files.js';
import { runInProcess } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

const step: ExpertText = { kind: 'text', text: '2. **Multiply** $3 \\times 4 = 12$.' };

test('a math response that breaks the <think> format scores -1 with the reason', () => {
  const reason = (response: string): string => {
    const result = srlStepReward(response, step);
    assert.equal(result.reward, -1);
    assert.ok(!result.formatOk);
    return result.reason;
  };
  assert.equal(reason(`<think>multiply ${step.text}`), 'no closing </think>');
  assert.equal(reason('<think>plan</think>\n  '), 'no action after </think>');
  assert.equal(reason(`Sure! <think>plan</think>${step.text}`), 'text before <think>');
  assert.equal(reason(`<think>a</think><think>b</think>${step.text}`), 'more than one <think> block');
});

test("a math response scores the difflib ratio of its step to the expert's, whatever the monologue says", () => {
  assert.equal(srlStepReward(`<think>3 times 4</think>\n${step.text}\n`, step).reward, 1);
  assert.equal(srlStepReward(`missing open tag</think>${step.text}`, step).reward, 1);
  const other = '2. **Multiply** $4 \\times 3 = 12$, as before.';
  const result = srlStepReward(`<think>${step.text}</think>\n${other}`, step);
  assert.ok(result.formatOk);
  assert.equal(result.reward, sequenceMatcherRatio(other, step.text));
  assert.deepEqual(result.compared, { response: other, expert: step.text });
  // The mode only matters for tool calls.
  assert.equal(srlStepReward(`<think>x</think>${other}`, step, { mode: 'raw' }).reward, result.reward);
});

test('math make, math steps and reward srl chain: the teacher scores 1, a broken format -1', async (t) => {
  await withTempDir(async (dir) => {
    const messages = await runInProcess(t, [registerMathCommand, registerRewardCommand], ['math', 'make', '--count', '5', '--seed', '2', '--tier', 'hard', '-o', join(dir, 'family')]);
    assert.match(messages.at(-1)!, /^wrote 5 train problems \(seed 2, tier hard: arithmetic 1, linear 1, fractions 1, combinatorics 1, modular 1\) to .*problems\.jsonl; they give \d+ step instances$/);
    const steps = join(dir, 'steps.jsonl');
    const stepMessages = await runInProcess(t, [registerMathCommand], ['math', 'steps', join(dir, 'family', 'problems.jsonl'), '-o', steps, '--next-title']);
    const rows = await readJsonlFile(steps);
    assert.match(stepMessages.at(-1)!, new RegExp(`^wrote ${rows.length} math step rows from 5 problems to .*; steps cut by: numbered 5; rejected 0 rows`));
    const responses = await writeJsonlFile(join(dir, 'responses.jsonl'), rows.flatMap((row) => [
      { step_id: row.step_id, response: `<think>follow</think>\n${row.target}`, sample: 0 },
      { step_id: row.step_id, response: String(row.target), sample: 1 },
    ]));
    const rewards = join(dir, 'rewards.jsonl');
    const rewardMessages = await runInProcess(t, [registerRewardCommand], ['reward', 'srl', '--steps', steps, '--responses', responses, '-o', rewards]);
    const scored = await readJsonlFile(rewards);
    assert.deepEqual(scored.map((line) => line.reward), rows.flatMap(() => [1, -1]));
    assert.ok(scored.every((line) => line.sample === 0 ? line.format_ok === true : line.reason === 'no closing </think>'));
    assert.match(rewardMessages.at(-1)!, new RegExp(`^scored ${rows.length * 2} responses \\(canonical\\): ${rows.length} format violations, mean reward 0\\.0000$`));
  });
});

test('math steps reports each rejected row with its line, and stops at an invalid row unless told to skip it', async (t) => {
  await withTempDir(async (dir) => {
    const input = await writeJsonlFile(join(dir, 'rows.jsonl'), [
      { problem: 'Q1', solution: '1. **A** x\n2. **B** y', answer: '1' },
      { problem: 'Q2', solution: 'no steps here', answer: '2' },
      { problem: 'Q3', solution: '1. **A** x\n2. **B** y' },
      { problem: 'Q4', solution: 'First.\n\nSecond.', answer: '4' },
    ]);
    const output = join(dir, 'steps.jsonl');
    await assert.rejects(runInProcess(t, [registerMathCommand], ['math', 'steps', input, '-o', output]), new RegExp(`${input.replace(/[.]/g, '\\.')}:3: answer: no answer`));
    const messages = await runInProcess(t, [registerMathCommand], ['math', 'steps', input, '-o', output, '--skip-invalid', '--split', 'paragraphs']);
    assert.deepEqual(messages.slice(0, -1), [
      `swe-srl: rejected: ${input}:2 (rows-2): solution: only one step (paragraphs): no partial solution to continue`,
      `swe-srl: skipped: ${input}:3: answer: no answer`,
    ]);
    assert.equal(messages.at(-1), `wrote 2 math step rows from 2 problems to ${output}; steps cut by: numbered 1, paragraphs 1; rejected 1 rows whose steps could not be parsed; skipped 1 invalid rows`);
    const strict = await runInProcess(t, [registerMathCommand], ['math', 'steps', input, '-o', output, '--skip-invalid']);
    assert.ok(strict.includes(`swe-srl: rejected: ${input}:2 (rows-2): solution: no numbered step (\`1. **Title** action\`) and no split rule for unnumbered solutions`));
    assert.match(strict.at(-1)!, /from 1 problems .*numbered 1; rejected 2 rows/);
  });
});

test('traj steps --domain math writes the same rows as math steps; math-only flags are refused for trajectories', async (t) => {
  const { registerTrajCommand } = await import('../../src/cli/traj.js');
  await withTempDir(async (dir) => {
    await runInProcess(t, [registerMathCommand], ['math', 'make', '--count', '4', '--seed', '9', '-o', join(dir, 'family')]);
    const problems = join(dir, 'family', 'problems.jsonl');
    const viaMath = join(dir, 'math.jsonl');
    const viaTraj = join(dir, 'traj.jsonl');
    await runInProcess(t, [registerMathCommand], ['math', 'steps', problems, '-o', viaMath, '--history', '2', '--next-title', '--prefix-budget', '50']);
    const messages = await runInProcess(t, [registerTrajCommand], ['traj', 'steps', '--domain', 'math', problems, '-o', viaTraj, '--history', '2', '--next-title', '--prefix-budget', '50']);
    assert.match(messages.at(-1)!, /^wrote \d+ math step rows from 4 problems/);
    assert.deepEqual(await readJsonlFile(viaTraj), await readJsonlFile(viaMath));
    await assert.rejects(runInProcess(t, [registerTrajCommand], ['traj', 'steps', '--domain', 'math', problems, '-o', viaTraj, '--form', 'raw']), /--form: math step rows come in chat form only/);
    await assert.rejects(runInProcess(t, [registerTrajCommand], ['traj', 'steps', '--domain', 'math', problems, '-o', viaTraj, '--history', '0']), /--history: a math prompt shows at least 1/);
    await assert.rejects(runInProcess(t, [registerTrajCommand], ['traj', 'steps', problems, '-o', viaTraj, '--next-title']), /--next-title: applies to --domain math only/);
  });
});

test('readers of SWE steps only (the reward server) refuse a math row by its line; the step-target reader takes both', async (t) => {
  const { loadExpertActions, loadStepTargets } = await import('../../src/reward/srl/score-file.js');
  await withTempDir(async (dir) => {
    await runInProcess(t, [registerMathCommand], ['math', 'make', '--count', '2', '--seed', '1', '-o', join(dir, 'family')]);
    const steps = join(dir, 'steps.jsonl');
    await runInProcess(t, [registerMathCommand], ['math', 'steps', join(dir, 'family', 'problems.jsonl'), '-o', steps]);
    const targets = await loadStepTargets(steps);
    assert.ok([...targets.values()].every((target) => 'kind' in target && target.kind === 'text'));
    await assert.rejects(loadExpertActions(steps), new RegExp(`${steps.replace(/[.]/g, '\\.')}:1: domain: a math step row`));
  });
});
