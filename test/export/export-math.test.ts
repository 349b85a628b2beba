/**
 * `export --domain math`: math step rows in every framework's format, each carrying what the math
 * step reward needs, so a reward computed from the exported row is the reward `reward srl` computes
 * from the math step row itself.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parquetReadObjects } from 'hyparquet';
import { registerExportCommand } from '../../src/cli/export.js';
import { InputError } from '../../src/errors.js';
import { checkGroundTruth, exportSteps, parseSrlLabel, sftCompletionText, targetOfGroundTruth } from '../../src/export/index.js';
import { loadStepTargets } from '../../src/reward/srl/score-file.js';
import { srlStepReward } from '../../src/reward/srl.js';
import { runInProcess } from '../helpers/cli.js';
import { readJsonlFile, writeJsonlFile } from '../helpers/jsonl-files.js';
import { mathResponsesFor, writeMathSteps } from '../helpers/math-step-files.js';
import { SAMPLE_TRAJECTORY, writeChatSteps } from '../helpers/step-files.js';
import { withTempDir } from '../helpers/temp-dir.js';

async function readParquet(path: string): Promise<Array<Record<string, unknown>>> {
  const bytes = await readFile(path);
  return (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as Array<Record<string, unknown>>;
}

test('verl parquet of math rows: ground truth {target, domain: "math"}, the answer in extra_info, math ability', async () => {
  await withTempDir(async (dir) => {
    const { path, rows: stepRows } = await writeMathSteps(dir, { steps: { nextTitle: true } });
    const output = join(dir, 'math.parquet');
    const { rows } = await exportSteps([path], { format: 'verl', domain: 'math', output });
    assert.equal(rows, stepRows.length);
    const read = await readParquet(output);
    assert.equal(read.length, stepRows.length);
    read.forEach((row, index) => {
      const step = stepRows[index]!;
      assert.deepEqual(row, {
        data_source: 'swe-srl-math',
        // Math prompts have no tool calls: the column is there, null on each message.
        prompt: (step.messages as Array<Record<string, unknown>>).map((message) => ({ ...message, tool_calls: null })),
        ability: 'math',
        reward_model: { style: 'rule', ground_truth: { target: step.target, domain: 'math' } },
        extra_info: { split: 'train', index: BigInt(index), instance_id: step.instance_id, step_index: BigInt(step.step_index as number), answer: step.answer },
      });
    });
  });
});

test('every exported math ground truth scores responses exactly as reward srl scores the math row', async () => {
  await withTempDir(async (dir) => {
    const { path, rows: stepRows } = await writeMathSteps(dir, { count: 10, seed: 3 });
    const fromRows = await loadStepTargets(path);
    const exported = async (format: 'verl' | 'trl' | 'openrlhf' | 'jsonl') => {
      const output = join(dir, `math.${format}.${format === 'verl' ? 'parquet' : 'jsonl'}`);
      await exportSteps([path], { format, domain: 'math', output });
      return format === 'verl' ? readParquet(output) : readJsonlFile(output);
    };
    const verl = await exported('verl');
    const trl = await exported('trl');
    const openrlhf = await exported('openrlhf');
    const plain = await exported('jsonl');
    // The plain export is itself a math steps file: reward srl and the server read it back.
    const plainPath = join(dir, 'math.jsonl.jsonl');
    const fromPlain = await loadStepTargets(plainPath);
    let scored = 0;
    stepRows.forEach((step, index) => {
      const expected = fromRows.get(step.step_id as string)!;
      const targets = [
        targetOfGroundTruth(checkGroundTruth((verl[index]!.reward_model as { ground_truth: unknown }).ground_truth, 'ground_truth'), 'ground_truth'),
        targetOfGroundTruth(checkGroundTruth({ target: trl[index]!.target, domain: trl[index]!.domain }, 'trl'), 'trl'),
        targetOfGroundTruth(parseSrlLabel(openrlhf[index]!.label as string, 'label'), 'label'),
        fromPlain.get(plain[index]!.step_id as string)!,
      ];
      assert.equal(trl[index]!.answer, step.answer);
      for (const response of mathResponsesFor(step)) {
        const want = srlStepReward(response, expected);
        for (const target of targets) assert.deepEqual(srlStepReward(response, target), want);
        scored += 1;
      }
      assert.equal(srlStepReward(mathResponsesFor(step)[0]!, expected).reward, 1);
      assert.equal(srlStepReward(mathResponsesFor(step)[3]!, expected).reward, -1);
    });
    assert.ok(scored > 0);
  });
});

test('math trl-sft completions score 1 against their own step; math plain JSONL exports again unchanged', async () => {
  await withTempDir(async (dir) => {
    const { path, rows: stepRows } = await writeMathSteps(dir);
    const sft = join(dir, 'sft.jsonl');
    await exportSteps([path], { format: 'trl-sft', domain: 'math', output: sft });
    const targets = await loadStepTargets(path);
    for (const row of await readJsonlFile(sft)) {
      const completion = (row.completion as Array<{ content: string }>)[0]!.content;
      assert.equal(completion, sftCompletionText(row.target as string));
      assert.equal(srlStepReward(completion, targets.get(row.step_id as string)!).reward, 1, String(row.step_id));
    }
    const once = join(dir, 'once.jsonl');
    const twice = join(dir, 'twice.jsonl');
    await exportSteps([path], { format: 'jsonl', domain: 'math', output: once, split: 'val' });
    await exportSteps([once], { format: 'jsonl', domain: 'math', output: twice, split: 'val' });
    const [first, second] = [await readJsonlFile(once), await readJsonlFile(twice)];
    assert.deepEqual(second, first);
    assert.deepEqual(first.map(({ index, split, ...row }) => row), stepRows);
  });
});

test('export names the line of a row of the other domain, or of a broken math row', async () => {
  await withTempDir(async (dir) => {
    const { path: math, rows } = await writeMathSteps(dir);
    const { path: swe } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY]);
    const output = join(dir, 'out.jsonl');
    const isInput = (pattern: RegExp) => (error: Error) => error instanceof InputError && pattern.test(error.message);
    await assert.rejects(exportSteps([math], { format: 'trl', output }), isInput(/math-steps\.jsonl:1: domain: a math step row; .*--domain math/));
    await assert.rejects(exportSteps([swe], { format: 'trl', domain: 'math', output }), isInput(/steps\.jsonl:1: domain: not a math step row/));
    const bad = join(dir, 'bad.jsonl');
    await writeJsonlFile(bad, [rows[0], { ...rows[1], target: '' }]);
    await assert.rejects(exportSteps([bad], { format: 'openrlhf', domain: 'math', output }), isInput(/bad\.jsonl:2: not a math step row: target/));
    await assert.rejects(exportSteps([math, math], { format: 'jsonl', domain: 'math', output }), isInput(/math-steps\.jsonl:1: step_id: .* already used at /));
    await assert.rejects(readFile(output), { code: 'ENOENT' });
  });
});

test('swe-srl export --domain math writes math rows and says so', async (t) => {
  await withTempDir(async (dir) => {
    const { path, rows } = await writeMathSteps(dir);
    const output = join(dir, 'openrlhf.jsonl');
    const messages = await runInProcess(t, [registerExportCommand], ['export', path, '--domain', 'math', '--format', 'openrlhf', '-o', output]);
    assert.deepEqual(messages, [`wrote ${rows.length} math openrlhf rows to ${output}`]);
    assert.deepEqual((await readJsonlFile(output)).map((row) => JSON.parse(row.label as string)), rows.map((row) => ({ target: row.target, domain: 'math' })));
    await assert.rejects(
      runInProcess(t, [registerExportCommand], ['export', path, '--domain', 'algebra', '--format', 'trl', '-o', output]),
      (error: Error) => error instanceof InputError && error.message === '--domain: "algebra" is not one of swe, math',
    );
  });
});
