import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { srlReward, srlStepReward } from '../../src/reward/srl.js';
import { loadExpertActions, loadStepTargets } from '../../src/reward/srl/score-file.js';
import { startServer } from '../../src/serve/server.js';
import { expertOfRow, type StepTarget } from '../../src/trajectories/steps/schema.js';
import { writeJsonlFile } from '../helpers/jsonl-files.js';
import { mathResponsesFor, writeMathSteps } from '../helpers/math-step-files.js';
import { SAMPLE_TRAJECTORY, sharedTrajectories, writeChatSteps } from '../helpers/step-files.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { call } from './helpers/http.js';

function responsesFor(row: Record<string, unknown>): string[] {
  return [
    `<think>\nI will do what the expert did.\n</think>\n${row.target as string}`,
    '<think>look around</think>\n```\nls -la\n```',
    '<think>x</think>\n<function=bash>\n<parameter=command>ls</parameter>\n</function>',
    '<think>x</think>\n<tool_call>\n{"name": "bash", "arguments": {"command": "ls"}}\n</tool_call>',
    'I forgot to think.',
  ];
}

test('POST /reward/srl gives, for targets and for step ids, exactly the in-process SRL rewards', async () => {
  await withTempDir(async (dir) => {
    const { path, rows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY, ...sharedTrajectories()]);
    const server = await startServer({ port: 0, steps: await loadExpertActions(path) });
    try {
      const responses = rows.flatMap((row) => responsesFor(row));
      const owners = rows.flatMap((row) => responsesFor(row).map(() => row));
      const expected = responses.map((response, i) => srlReward(response, expertOfRow(owners[i] as unknown as StepTarget)));
      const byObject = await call(server.url, 'POST', '/reward/srl', { responses, targets: owners.map((row) => ({ target: row.target, tool_format: row.tool_format })) });
      const byLabel = await call(server.url, 'POST', '/reward/srl', { responses, targets: owners.map((row) => row.target) });
      const byStepId = await call(server.url, 'POST', '/reward/srl', { responses, step_ids: owners.map((row) => row.step_id) });
      for (const answer of [byObject, byLabel, byStepId]) {
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.deepEqual(answer.body.rewards, expected.map((result) => result.reward));
        assert.deepEqual(answer.body.scores, expected.map((result) => Math.max(0, result.reward)));
        assert.deepEqual(answer.body.format_ok, expected.map((result) => result.formatOk));
        assert.deepEqual(answer.body.reasons, expected.map((result) => (result.formatOk ? null : result.reason)));
      }
      assert.ok(expected.some((result) => result.reward === -1) && expected.some((result) => result.reward === 1));
      const raw = await call(server.url, 'POST', '/reward/srl', { responses: responses.slice(0, 5), targets: owners.slice(0, 5).map((row) => row.target), mode: 'raw' });
      assert.deepEqual(raw.body.rewards, responses.slice(0, 5).map((response, i) => srlReward(response, expertOfRow(owners[i] as unknown as StepTarget), { mode: 'raw' }).reward));
    } finally {
      await server.shutdown();
    }
  });
});

test('POST /get_reward speaks OpenRLHF: the response is what follows the prompt, labels as export writes them or as JSON, scores in [0, 1]', async () => {
  await withTempDir(async (dir) => {
    const { rows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY, ...sharedTrajectories()]);
    const server = await startServer({ port: 0 });
    try {
      const prompts: string[] = [];
      const query: string[] = [];
      const labels: string[] = [];
      const expected: number[] = [];
      rows.forEach((row, k) => {
        const prompt = `<|im_start|>system\n...<|im_end|>\n<|im_start|>user\nstep ${k}<|im_end|>\n<|im_start|>assistant\n`;
        responsesFor(row).forEach((response, j) => {
          prompts.push(prompt);
          query.push(`${prompt}${response}${j % 2 === 0 ? '<|im_end|>' : ''}`);
          labels.push(j === 2 ? JSON.stringify({ target: row.target, tool_format: row.tool_format }) : (row.target as string));
          expected.push(srlReward(response, expertOfRow(row as unknown as StepTarget)).reward);
        });
      });
      const answer = await call(server.url, 'POST', '/get_reward', { query, prompts, labels });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.rewards, expected);
      assert.deepEqual(answer.body.scores, expected.map((reward) => (reward === -1 ? 0 : reward)));
      assert.ok(answer.body.scores.every((score: number) => score >= 0 && score <= 1));
      assert.deepEqual(answer.body.extra_logs.srl_format_ok, expected.map((reward) => (reward === -1 ? 0 : 1)));
    } finally {
      await server.shutdown();
    }
  });
});

test('/reward/srl and /get_reward score math step rows as reward srl does, mixed with SWE rows in one batch', async () => {
  await withTempDir(async (dir) => {
    const { rows: mathRows } = await writeMathSteps(dir, { count: 6, seed: 1 });
    const { rows: sweRows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY]);
    // One steps file with both kinds of row, as the server's --steps may hold.
    const path = await writeJsonlFile(join(dir, 'mixed.jsonl'), [...mathRows, ...sweRows]);
    const targets = await loadStepTargets(path);
    const server = await startServer({ port: 0, steps: targets });
    try {
      const owners = [...mathRows.flatMap((row) => mathResponsesFor(row).map(() => row)), ...sweRows.flatMap((row) => responsesFor(row).map(() => row))];
      const responses = [...mathRows.flatMap((row) => mathResponsesFor(row)), ...sweRows.flatMap((row) => responsesFor(row))];
      const expected = responses.map((response, i) => srlStepReward(response, targets.get(owners[i]!.step_id as string)!));
      const truthOf = (row: Record<string, unknown>) => (row.domain === 'math' ? { target: row.target, domain: 'math' } : { target: row.target, tool_format: row.tool_format });
      const byObject = await call(server.url, 'POST', '/reward/srl', { responses, targets: owners.map(truthOf) });
      const byLabel = await call(server.url, 'POST', '/reward/srl', { responses, targets: owners.map((row) => (row.domain === 'math' ? JSON.stringify(truthOf(row)) : row.target)) });
      const byStepId = await call(server.url, 'POST', '/reward/srl', { responses, step_ids: owners.map((row) => row.step_id) });
      for (const answer of [byObject, byLabel, byStepId]) {
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.deepEqual(answer.body.rewards, expected.map((result) => result.reward));
        assert.deepEqual(answer.body.reasons, expected.map((result) => (result.formatOk ? null : result.reason)));
      }
      const mathExpected = expected.slice(0, mathRows.length * mathResponsesFor(mathRows[0]!).length);
      assert.ok(mathExpected.some((r) => r.reward === 1) && mathExpected.some((r) => r.reward === -1) && mathExpected.some((r) => r.reward > 0 && r.reward < 1));

      const prompt = '<|im_start|>user\nsolve<|im_end|>\n<|im_start|>assistant\n';
      const mathCount = mathExpected.length;
      const openrlhf = await call(server.url, 'POST', '/get_reward', {
        query: responses.slice(0, mathCount).map((response) => `${prompt}${response}<|im_end|>`),
        prompts: Array(mathCount).fill(prompt),
        labels: owners.slice(0, mathCount).map((row) => JSON.stringify(truthOf(row))),
      });
      assert.equal(openrlhf.status, 200, JSON.stringify(openrlhf.body));
      assert.deepEqual(openrlhf.body.rewards, mathExpected.map((result) => result.reward));
      assert.deepEqual(openrlhf.body.scores, mathExpected.map((result) => Math.max(0, result.reward)));

      const wrongDomain = await call(server.url, 'POST', '/reward/srl', { responses: ['x'], targets: [{ target: 'step', domain: 'algebra' }] });
      assert.equal(wrongDomain.status, 400);
      assert.equal(wrongDomain.body.field, 'targets[0].domain');
      const plainStep = await call(server.url, 'POST', '/reward/srl', { responses: ['x'], targets: ['2. **Add** 1 + 2 = 3.'] });
      assert.equal(plainStep.status, 400);
      assert.match(plainStep.body.error, /\{"target", "domain": "math"\}/);
    } finally {
      await server.shutdown();
    }
  });
});

test('reward bodies are validated with a 400 that names the wrong field', async () => {
  const server = await startServer({ port: 0, maxBatch: 8 });
  try {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ responses: ['x'] }, 'targets', /give exactly one of targets and step_ids/],
      [{ responses: ['x', 'y'], targets: ['```\nls\n```'] }, 'targets', /1 items for 2 responses/],
      [{ responses: [3], targets: ['```\nls\n```'] }, 'responses[0]', /expected a response as a string/],
      [{ responses: ['x'], targets: ['just words'] }, 'targets[0]', /not an expert action as export writes it/],
      [{ responses: ['x'], targets: [{ target: '```\nls\n```', tool_format: 'morse' }] }, 'targets[0].tool_format', /expected one of/],
      [{ responses: ['x'], targets: ['<function=bash>\n<parameter=command>ls'] }, 'targets[0]', /does not parse as xml_function_calling/],
      [{ responses: ['x'], step_ids: ['a#0'] }, 'step_ids', /started without a steps file/],
      [{ responses: Array(9).fill('x'), targets: Array(9).fill('```\nls\n```') }, 'responses', /more than 8 items/],
      [{ responses: ['x'], targets: ['```\nls\n```'], extra: 1 }, 'body', /Unrecognized key/],
      [{ query: ['p-r'], prompts: ['q'], labels: ['```\nls\n```'] }, 'query[0]', /does not contain prompts\[0\]/],
      [{ query: ['p-r'], prompts: ['p'], labels: [] }, 'labels', /expected at least one/],
    ];
    for (const [body, field, message] of cases) {
      const path = 'query' in (body as object) ? '/get_reward' : '/reward/srl';
      const answer = await call(server.url, 'POST', path, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.field, field, JSON.stringify(answer.body));
      assert.match(answer.body.error, message);
    }
  } finally {
    await server.shutdown();
  }
});
