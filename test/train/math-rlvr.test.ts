/**
 * Math RLVR: GRPO on whole solutions with the answer reward, through the SRL trainer's group
 * sampler and GRPO update. A tiny model warmed up by SFT on four whole-solution rows (answers 2 to
 * 5 to near-identical prompts) writes the format and mixes up the answers, so its groups vary.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeMathStepFile } from '../../src/math/index.js';
import { mathAnswerReward, trainMathRlvr } from '../../src/train/rlvr/math-rlvr.js';
import { readStepRows } from '../../src/train/data/examples.js';
import { readMetrics } from '../../src/train/metrics.js';
import { trainSft } from '../../src/train/sft/sft-trainer.js';
import { writeJsonlFile } from '../helpers/jsonl-files.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';
import { writeSyntheticSteps } from './helpers/synthetic-steps.js';
import { tinyConfig } from './helpers/tiny-config.js';

const PROBLEMS = [1, 2, 3, 4].map((n) => ({
  id: `add-${n}`,
  problem: `Add 1 and ${n}.`,
  solution: `1. **Add** 1 + ${n}.\n2. **Answer** $\\boxed{${n + 1}}$`,
  answer: String(n + 1),
}));

describe('math RLVR (GRPO on whole solutions, answer reward)', () => {
  let dir: string;
  let rows: string;
  let warm: string;
  before(async () => {
    dir = await tempDir('math-rlvr');
    rows = join(dir, 'solutions.jsonl');
    await writeMathStepFile([await writeJsonlFile(join(dir, 'problems.jsonl'), PROBLEMS)], { output: rows, rows: 'solutions', history: 'all', nextTitle: false, prefixBudget: 4096 });
    warm = (await trainSft({ config: tinyConfig({ sft: { steps: 40 } }), outDir: join(dir, 'sft'), data: { kind: 'steps', path: rows } })).modelDir!;
  });
  after(() => removeTree(dir));

  it('rewards whole solutions by their answer, keeps the groups that vary and updates the policy as an rlvr stage', async () => {
    const out = join(dir, 'rlvr');
    const config = tinyConfig({ rlvr: { steps: 2, batchSize: 1, groupSize: 6, maxNewTokens: 40, learningRate: 1e-4, checkpointEvery: 1000, evalEvery: 1000, maxDroppedGroups: 40 } });
    const result = await trainMathRlvr({ config, outDir: out, init: warm, data: { kind: 'steps', path: rows } });
    assert.equal(result.steps, 2);
    const training = readMetrics(join(out, 'metrics.jsonl')).filter((m) => m.loss !== undefined);
    assert.deepEqual(training.map((m) => [m.stage, m.step]), [['rlvr', 1], ['rlvr', 2]]);
    for (const m of training) {
      assert.equal(m.groups_kept, 1);
      assert.ok((m.reward_std as number) > 0, 'the kept group has varying answer rewards');
      assert.ok((m.reward_mean as number) >= -1 && (m.reward_mean as number) <= 1);
      assert.ok((m.format_ok_fraction as number) > 0, 'the warmed-up policy writes the format');
    }
    const state = JSON.parse(await readFile(join(out, 'train-config.json'), 'utf8')) as { stage: string };
    assert.equal(state.stage, 'rlvr');
    assert.ok(existsSync(join(out, 'model', 'model.safetensors')));
  });

  it('scores a response against the row answer: 1 correct, 0 wrong, -1 broken format', async () => {
    const [example] = await readStepRows(rows);
    assert.equal(example!.answer, '2');
    assert.deepEqual(
      ['<think></think>\n1. **Add** 1 + 1.\n2. **Answer** $\\boxed{2}$', '<think></think>\n$\\boxed{3}$', '1. **Add** $\\boxed{2}$'].map((text) => mathAnswerReward(text, example!)),
      [1, 0, -1],
    );
  });

  it('refuses rows that carry no answer (SWE step rows), naming the row', async () => {
    const swe = await writeSyntheticSteps(join(dir, 'swe.jsonl'));
    await assert.rejects(
      trainMathRlvr({ config: tinyConfig({ rlvr: { steps: 1, groupSize: 2, maxNewTokens: 4 } }), outDir: join(dir, 'swe-run'), init: warm, data: { kind: 'steps', path: swe } }),
      /swe\.jsonl: demo__parser-0#0: not a math row with an answer/,
    );
  });
});
