import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { InputError } from '../../src/errors.js';
import { exportSteps, parseSrlLabel, recognizeToolFormat, sftCompletionText } from '../../src/export/index.js';
import { srlReward } from '../../src/reward/srl.js';
import { expertOfRow, type StepTarget } from '../../src/trajectories/steps/schema.js';
import { expertOfGroundTruth, isMathGroundTruth } from '../../src/export/ground-truth.js';
import { readJsonlFile, writeJsonlFile } from '../helpers/jsonl-files.js';
import { SAMPLE_TRAJECTORY, sharedTrajectories, writeChatSteps } from '../helpers/step-files.js';
import { withTempDir } from '../helpers/temp-dir.js';

/** hyparquet (a JavaScript reader written apart from the Rust writer) reads the whole file. */
async function readParquet(path: string): Promise<{ rows: Array<Record<string, unknown>>; schema: ReturnType<typeof parquetSchema> }> {
  const bytes = await readFile(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const rows = (await parquetReadObjects({ file })) as Array<Record<string, unknown>>;
  return { rows, schema: parquetSchema(parquetMetadata(file)) };
}

function shape(node: ReturnType<typeof parquetSchema>): unknown {
  const element = node.element;
  const children = node.children.map(shape);
  return { name: element.name, ...(element.type ? { type: element.type } : {}), ...(element.converted_type ? { converted: element.converted_type } : {}), ...(children.length > 0 ? { children } : {}) };
}

test('verl parquet has the columns verl reads, with nested types, and an independent reader gets every value back', async () => {
  await withTempDir(async (dir) => {
    const inputs = [SAMPLE_TRAJECTORY, ...sharedTrajectories()];
    const { path: steps, rows: stepRows } = await writeChatSteps(dir, inputs);
    const output = join(dir, 'train.parquet');
    const { rows } = await exportSteps([steps], { format: 'verl', output, split: 'train', dataSource: 'swe-srl', ability: 'swe' });
    assert.equal(rows, stepRows.length);

    const { rows: read, schema } = await readParquet(output);
    assert.deepEqual(shape(schema), {
      name: 'arrow_schema',
      children: [
        { name: 'data_source', type: 'BYTE_ARRAY', converted: 'UTF8' },
        { name: 'prompt', converted: 'LIST', children: [{ name: 'list', children: [{ name: 'element', children: [
          { name: 'role', type: 'BYTE_ARRAY', converted: 'UTF8' },
          { name: 'content', type: 'BYTE_ARRAY', converted: 'UTF8' },
          { name: 'tool_calls', converted: 'LIST', children: [{ name: 'list', children: [{ name: 'element', children: [
            { name: 'type', type: 'BYTE_ARRAY', converted: 'UTF8' },
            { name: 'function', children: [
              { name: 'name', type: 'BYTE_ARRAY', converted: 'UTF8' },
              { name: 'arguments', type: 'BYTE_ARRAY', converted: 'UTF8' },
            ] },
          ] }] }] },
        ] }] }] },
        { name: 'ability', type: 'BYTE_ARRAY', converted: 'UTF8' },
        { name: 'reward_model', children: [
          { name: 'style', type: 'BYTE_ARRAY', converted: 'UTF8' },
          { name: 'ground_truth', children: [
            { name: 'target', type: 'BYTE_ARRAY', converted: 'UTF8' },
            { name: 'tool_format', type: 'BYTE_ARRAY', converted: 'UTF8' },
          ] },
        ] },
        { name: 'extra_info', children: [
          { name: 'split', type: 'BYTE_ARRAY', converted: 'UTF8' },
          { name: 'index', type: 'INT64' },
          { name: 'instance_id', type: 'BYTE_ARRAY', converted: 'UTF8' },
          { name: 'step_index', type: 'INT64' },
        ] },
      ],
    });
    assert.equal(read.length, stepRows.length);
    type RowMessage = { role: string; content: string | null; tool_calls?: Array<{ function: { name: string; arguments: string } }> };
    // The shared trajectories hold function-calling steps: their tool calls must come back, not vanish.
    const withCalls = stepRows.flatMap((step) => (step.messages as RowMessage[]).filter((message) => (message.tool_calls ?? []).length > 0));
    assert.ok(sharedTrajectories().length === 0 || withCalls.length > 0, 'the inputs hold function-calling turns');
    read.forEach((row, index) => {
      const step = stepRows[index]!;
      assert.deepEqual(row, {
        data_source: 'swe-srl',
        // A function-calling turn keeps its calls as chat templates read them (arguments as JSON
        // text) and its null content becomes ''; every other message has tool_calls null.
        prompt: (step.messages as RowMessage[]).map(({ role, content, tool_calls }) => ({
          role,
          content: content ?? '',
          tool_calls: tool_calls && tool_calls.length > 0 ? tool_calls.map((call) => ({ type: 'function', function: { name: call.function.name, arguments: call.function.arguments } })) : null,
        })),
        ability: 'swe',
        reward_model: { style: 'rule', ground_truth: { target: step.target, tool_format: step.tool_format } },
        extra_info: { split: 'train', index: BigInt(index), instance_id: step.instance_id, step_index: BigInt(step.step_index as number) },
      });
    });
  });
});

test('every exported ground truth scores responses exactly as the step row itself does', async () => {
  await withTempDir(async (dir) => {
    const { rows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY, ...sharedTrajectories()]);
    const responses = (row: Record<string, unknown>): string[] => [
      `<think>\nlook first\n</think>\n${row.target as string}`,
      '<think>x</think>\n```\nls -la\n```',
      '<think>x</think>\n<function=bash>\n<parameter=command>ls -la</parameter>\n</function>',
      '<think>x</think>\n<tool_call>\n{"name": "bash", "arguments": {"command": "ls -la"}}\n</tool_call>',
      'no think block',
    ];
    for (const row of rows) {
      const fromRow = expertOfRow(row as unknown as StepTarget);
      const label = parseSrlLabel(row.target as string, 'label');
      assert.ok(!isMathGroundTruth(label));
      assert.equal(label.tool_format, row.tool_format, `format recognised from the text of ${String(row.step_id)}`);
      const fromLabel = expertOfGroundTruth(label, 'label');
      for (const response of responses(row)) {
        assert.deepEqual(srlReward(response, fromLabel), srlReward(response, fromRow));
      }
    }
  });
});

test('trl, trl-sft, openrlhf and plain JSONL carry the prompt messages and the expert action', async () => {
  await withTempDir(async (dir) => {
    const { path: steps, rows: stepRows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY]);
    const read = async (format: 'trl' | 'trl-sft' | 'openrlhf' | 'jsonl') => {
      const output = join(dir, `${format}.jsonl`);
      await exportSteps([steps], { format, output, split: 'test' });
      return readJsonlFile(output);
    };
    const [trl, sft, openrlhf, plain] = [await read('trl'), await read('trl-sft'), await read('openrlhf'), await read('jsonl')];
    stepRows.forEach((step, index) => {
      assert.deepEqual(trl[index]!.prompt, step.messages);
      assert.equal('completion' in trl[index]!, false);
      assert.equal(trl[index]!.target, step.target);
      assert.equal(trl[index]!.tool_format, step.tool_format);
      assert.deepEqual(sft[index]!.completion, [{ role: 'assistant', content: sftCompletionText(step.target as string) }]);
      assert.deepEqual(openrlhf[index]!.prompt, step.messages);
      assert.equal(openrlhf[index]!.label, step.target);
      assert.equal(recognizeToolFormat(openrlhf[index]!.label as string), step.tool_format);
      assert.deepEqual(plain[index], {
        index,
        split: 'test',
        step_id: step.step_id,
        instance_id: step.instance_id,
        step_index: step.step_index,
        messages: step.messages,
        target: step.target,
        target_parsed: step.target_parsed,
        tool_format: step.tool_format,
      });
    });
  });
});

test('an SFT completion is a well-formed response that scores 1 against its own step', async () => {
  await withTempDir(async (dir) => {
    const { rows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY, ...sharedTrajectories()]);
    for (const row of rows) {
      const result = srlReward(sftCompletionText(row.target as string), expertOfRow(row as unknown as StepTarget));
      assert.equal(result.reward, 1, String(row.step_id));
    }
  });
});

test('export refuses raw rows, bad rows and repeated step ids, naming the line, and leaves no output', async () => {
  await withTempDir(async (dir) => {
    const { path: chat, rows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY]);
    const output = join(dir, 'out.jsonl');
    const raw = join(dir, 'raw.jsonl');
    await writeJsonlFile(raw, [{ step_id: 'a#0', instance_id: 'a', step_index: 0, problem_statement: 'p', history: [], target_action: 'ls', target_parsed: { tool: 'bash', args: { command: 'ls' } }, tool_format: 'thought_action' }]);
    await assert.rejects(exportSteps([raw], { format: 'jsonl', output }), (error: Error) => error instanceof InputError && /raw\.jsonl:1: a raw step row/.test(error.message));
    const bad = join(dir, 'bad.jsonl');
    await writeJsonlFile(bad, [rows[0], { ...rows[1], tool_format: 'morse' }]);
    await assert.rejects(exportSteps([bad], { format: 'verl', output: join(dir, 'out.parquet') }), /bad\.jsonl:2: not a chat step row: tool_format/);
    await assert.rejects(exportSteps([chat, chat], { format: 'openrlhf', output }), /steps\.jsonl:1: step_id: .* already used at .*steps\.jsonl:1/);
    const mismatched = join(dir, 'mismatched.jsonl');
    await writeJsonlFile(mismatched, [{ ...rows[0], target: '```\nsubmit\n```' }]);
    await assert.rejects(exportSteps([mismatched], { format: 'trl', output }), /mismatched\.jsonl:1: target: does not parse back to target_parsed/);
    await writeFile(join(dir, 'empty.jsonl'), '\n');
    await assert.rejects(exportSteps([join(dir, 'empty.jsonl')], { format: 'jsonl', output }), /no step rows/);
    await assert.rejects(readFile(output), { code: 'ENOENT' });
  });
});
