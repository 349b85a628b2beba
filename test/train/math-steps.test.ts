/**
 * The trainer takes math step rows (`math steps`, `domain: "math"`) as it takes SWE step rows: SFT
 * learns the expert's step after an empty monologue, and SRL scores its samples with the math step
 * reward (the difflib ratio of the text after `</think>` to the expert's step).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { srlStepReward } from '../../src/reward/srl.js';
import { readStepRows } from '../../src/train/data/examples.js';
import { readMetrics } from '../../src/train/metrics.js';
import { trainSft } from '../../src/train/sft/sft-trainer.js';
import { trainSrl } from '../../src/train/srl/srl-trainer.js';
import { writeJsonlFile } from '../helpers/jsonl-files.js';
import { writeMathSteps } from '../helpers/math-step-files.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';
import { syntheticStepRows } from './helpers/synthetic-steps.js';
import { tinyConfig } from './helpers/tiny-config.js';

describe('the trainer on math step rows', () => {
  let dir: string;
  let mathSteps: string;
  let mathRows: Array<Record<string, unknown>>;
  before(async () => {
    dir = await tempDir('math-train');
    ({ path: mathSteps, rows: mathRows } = await writeMathSteps(dir, { count: 3, seed: 5, steps: { history: 1 } }));
  });
  after(() => removeTree(dir));

  it('reads math rows beside SWE rows; every expert answer scores 1 against its own step', async () => {
    const mixed = await writeJsonlFile(join(dir, 'mixed.jsonl'), [...mathRows, ...syntheticStepRows()]);
    const examples = await readStepRows(mixed);
    assert.equal(examples.length, mathRows.length + syntheticStepRows().length);
    const math = examples.slice(0, mathRows.length);
    math.forEach((example, i) => {
      assert.equal(example.id, mathRows[i]!.step_id);
      assert.deepEqual(example.expert, { kind: 'text', text: mathRows[i]!.target });
      assert.deepEqual(example.messages, mathRows[i]!.messages);
      assert.ok(example.response.endsWith(mathRows[i]!.target as string));
    });
    for (const example of examples) assert.equal(srlStepReward(example.response, example.expert).reward, 1, example.id);
    const bad = await writeJsonlFile(join(dir, 'bad.jsonl'), [mathRows[0], { ...mathRows[1], answer: 7 }]);
    await assert.rejects(readStepRows(bad), (error: Error) => error instanceof InputError && /bad\.jsonl:2: not a math step row: answer/.test(error.message));
  });

  it('SFT learns math steps, and SRL trains on them with the math step reward', async () => {
    const sft = await trainSft({ config: tinyConfig({ sft: { steps: 30 } }), outDir: join(dir, 'sft'), data: { kind: 'steps', path: mathSteps } });
    const sftMetrics = readMetrics(join(dir, 'sft', 'metrics.jsonl')).filter((m) => m.loss !== undefined);
    assert.equal(sftMetrics.length, 30);
    assert.ok((sftMetrics.at(-1)!.loss as number) < (sftMetrics[0]!.loss as number), `loss ${sftMetrics[0]!.loss} → ${sftMetrics.at(-1)!.loss}`);

    const out = join(dir, 'srl');
    const result = await trainSrl({ config: tinyConfig({ srl: { steps: 1, maxNewTokens: 24 } }), outDir: out, init: sft.modelDir!, data: { kind: 'steps', path: mathSteps } });
    assert.equal(result.steps, 1);
    const [step] = readMetrics(join(out, 'metrics.jsonl')).filter((m) => m.loss !== undefined);
    // Kept groups have rewards that vary, so some samples wrote the format and got a similarity in [0, 1].
    assert.ok((step!.reward_std as number) > 0);
    assert.ok((step!.format_ok_fraction as number) > 0);
    assert.ok((step!.reward_mean as number) > -1 && (step!.reward_mean as number) <= 1);
  });
});
