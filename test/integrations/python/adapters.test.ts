/**
 * The Python adapters, run by Debian's python3 (standard library only) against a live server on
 * loopback: their rewards must be the rewards scored in-process for the same steps, and the
 * environment adapters must drive episodes as their frameworks do.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { srlReward, srlStepReward } from '../../../src/reward/srl.js';
import { parseSrlLabel, targetOfGroundTruth } from '../../../src/export/ground-truth.js';
import { startServer } from '../../../src/serve/server.js';
import { expertOfRow, type StepTarget } from '../../../src/trajectories/steps/schema.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { mathResponsesFor, writeMathSteps } from '../../helpers/math-step-files.js';
import { SAMPLE_TRAJECTORY, sharedTrajectories, writeChatSteps } from '../../helpers/step-files.js';
import { withTempDir } from '../../helpers/temp-dir.js';
import { applyPatchTurn, bashTurn, SAMPLE_INSTANCE, sampleDriver, samplePatch, SUBMIT_TURN } from '../../serve/helpers/sample-episodes.js';
import { ScriptedDriver } from '../../serve/helpers/scripted-driver.js';
import { builtInTaskDriver } from '../../serve/helpers/task-episodes.js';
import { LABELS } from '../../../src/sandbox/index.js';
import Docker from 'dockerode';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./run_adapters.py', import.meta.url));
const TOKEN = 'python-adapter-test-token';
const containersOf = async (runId: string): Promise<string[]> =>
  (await new Docker().listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`] } })).map((info) => info.Id);
const skipPython = existsSync(PYTHON) ? false : `${PYTHON} is absent (apt-get install python3)`;

async function runAdapters(url: string, cases: unknown, dir: string): Promise<any> {
  const file = join(dir, 'cases.json');
  await writeFile(file, JSON.stringify(cases));
  // The Python of the machine, without the project's or the user's site packages.
  const result = await execa(PYTHON, ['-I', SCRIPT, file], { env: { SWE_SRL_URL: url, SWE_SRL_TOKEN: TOKEN }, extendEnv: false, reject: false, timeout: 300_000 });
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test('verl, OpenRLHF and TRL reward adapters give exactly the in-process SRL rewards, for SWE and math steps', { skip: skipPython }, async () => {
  await withTempDir(async (dir) => {
    const { rows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY, ...sharedTrajectories()]);
    const sweItems = rows.flatMap((row) => [
      `<think>\nAs the expert did.\n</think>\n${row.target as string}`,
      '<think>x</think>\n```\ncat README.md\n```',
      '<think>x</think>\n<function=bash>\n<parameter=command>cat README.md</parameter>\n</function>',
      'no think',
    ].map((response) => ({ response, target: row.target, tool_format: row.tool_format, expected: srlReward(response, expertOfRow(row as unknown as StepTarget)).reward })));
    // Math step rows, mixed into the same batches: the adapters send {"target", "domain": "math"}.
    const { rows: mathRows } = await writeMathSteps(dir, { count: 5, seed: 4 });
    const mathItems = mathRows.flatMap((row) =>
      mathResponsesFor(row).map((response) => ({ response, target: row.target, domain: 'math', expected: srlStepReward(response, { kind: 'text', text: row.target as string }).reward })),
    );
    assert.ok(mathItems.some((item) => item.expected > 0 && item.expected < 1));
    const items = [...sweItems, ...mathItems];
    const server = await startServer({ port: 0, token: TOKEN });
    try {
      const out = await runAdapters(server.url, { items, prompt: '<|im_start|>user\nfix it<|im_end|>\n<|im_start|>assistant\n', data_source: 'swe-srl' }, dir);
      assert.match(out.python, /^3\./);
      const expected = items.map((item) => item.expected);
      const scores = expected.map((reward) => Math.max(0, reward));
      assert.deepEqual(out.rewards.verl_compute_score, expected);
      assert.deepEqual(out.rewards.verl_compute_score_batch, expected);
      assert.deepEqual(out.rewards.trl_srl_reward, expected);
      // With torch there, OpenRLHF's file hands back float32 tensors, as OpenRLHF's own examples do.
      const asTensor = (values: number[]): number[] => (out.torch ? values.map(Math.fround) : values);
      assert.deepEqual(out.rewards.openrlhf_reward_func, { rewards: asTensor(expected), scores: asTensor(scores) });
      assert.deepEqual(out.rewards.openrlhf_client, scores);
      assert.ok(expected.includes(-1) && expected.includes(1));
      assert.equal(out.failures.wrong_token.status, 401);
      assert.match(out.failures.wrong_token.message, /authorization: wrong token/);
      assert.deepEqual(out.failures.bad_target, { status: 400, field: 'targets[0]' });
    } finally {
      await server.shutdown();
    }
  });
});

test('the rllm, skyrl-gym and TRL environment adapters drive episodes and end with the verdict', { skip: skipPython }, async () => {
  await withTempDir(async (dir) => {
    const driver = new ScriptedDriver();
    const server = await startServer({ port: 0, token: TOKEN, driver });
    try {
      const out = await runAdapters(server.url, { instance_id: 'repo__x-1', turns: ['ls', 'submit'] }, dir);
      const { rllm, skyrl, trl } = out.environments;
      assert.equal(rllm.observation, 'Fix repo__x-1 (sample 0).');
      assert.deepEqual(rllm.first, ['ran ls', 0, false]);
      assert.deepEqual(rllm.last, ['', 1, true]);
      assert.deepEqual(rllm.verdict, { status: 'resolved', resolved: true, reward: 1 });
      assert.equal(skyrl.messages.length, 2);
      assert.deepEqual(skyrl.steps[0], { observations: [{ role: 'user', content: 'ran ls' }], reward: 0, done: false, metadata: { exit_status: null } });
      assert.equal(skyrl.steps[1].done, true);
      assert.equal(skyrl.steps[1].reward, 1);
      assert.equal(trl.first_message, 'Fix repo__x-1 (sample 0).');
      assert.equal(trl.tool_output, 'ran bash:{"command":"ls"}');
      assert.equal(trl.after_done, 'The episode is over.');
      assert.deepEqual(trl.rewards, [1]);
    } finally {
      await server.shutdown();
    }
    assert.equal(driver.holding.size, 0, 'every adapter removed its sandbox');
  });
});

test('a Python client drives the rllm and skyrl-gym environments through full episodes on a sample instance in Docker, ending in RLVR verdicts', { skip: skipPython || (await skipUnlessDocker()) }, async () => {
  await withTempDir(async (dir) => {
    const { driver } = await sampleDriver(join(dir, 'repos'), `test-python-${process.pid}`);
    const server = await startServer({ port: 0, token: TOKEN, driver });
    try {
      const out = await runAdapters(server.url, { instance_id: SAMPLE_INSTANCE, turns: [bashTurn('ls'), applyPatchTurn(samplePatch(SAMPLE_INSTANCE)), SUBMIT_TURN] }, dir);
      const { rllm, skyrl } = out.environments;
      assert.match(rllm.observation, /slugify\(\) keeps empty words/);
      assert.equal(rllm.first[2], false);
      assert.deepEqual(rllm.last.slice(1), [0, true], 'rllm submitted without the fix');
      assert.equal(rllm.verdict.status, 'empty_patch');
      assert.equal(skyrl.steps.at(-1).done, true);
      assert.equal(skyrl.steps.at(-1).reward, 1);
      assert.equal(skyrl.steps.at(-1).metadata.verdict.status, 'resolved');
    } finally {
      await server.shutdown();
    }
  });
});

test('as OpenRLHF and verl would, a Python client scores a reward batch and drives a full episode on a built-in task to its RLVR verdict', { skip: skipPython || (await skipUnlessDocker()), timeout: 900_000 }, async () => {
  await withTempDir(async (dir) => {
    const runId = `test-python-task-${process.pid}`;
    // verl calls tools natively: the server speaks function calling.
    const task = await builtInTaskDriver(dir, runId, 'function-calling');
    const apply = `git apply <<'SWE_SRL_PATCH'\n${task.patch}SWE_SRL_PATCH`;
    // The task's expert actions as `export` writes OpenRLHF labels (the action text), and responses to them.
    const expert = [`<function=bash>\n<parameter=command>grep -rn "def " .</parameter>\n</function>`, `<function=bash>\n<parameter=command>${apply}</parameter>\n</function>`, '<function=submit>\n</function>'];
    const items = expert.flatMap((label) =>
      [`<think>\nAs the expert.\n</think>\n${label}`, '<think>\nLook first.\n</think>\n<function=bash>\n<parameter=command>ls</parameter>\n</function>', label].map((response) => ({
        response,
        label,
        expected: srlStepReward(response, targetOfGroundTruth(parseSrlLabel(label, 'label'), 'label')).reward,
      })),
    );
    const server = await startServer({ port: 0, token: TOKEN, driver: task.driver });
    try {
      const out = await runAdapters(
        server.url,
        {
          built_in_task: {
            batch: { prompt: `<|im_start|>user\n${task.problemStatement}<|im_end|>\n<|im_start|>assistant\n`, items },
            episode: { instance_id: task.instanceId, commands: ['git status --short', apply, 'submit'] },
          },
        },
        dir,
      );
      const { openrlhf, verl, episode } = out.built_in_task;
      const expected = items.map((item) => item.expected);
      assert.ok(expected.includes(1) && expected.includes(-1) && expected.some((reward) => reward > 0 && reward < 1), JSON.stringify(expected));
      const asTensor = (values: number[]): number[] => (out.torch ? values.map(Math.fround) : values);
      assert.deepEqual(openrlhf, { rewards: asTensor(expected), scores: asTensor(expected.map((reward) => Math.max(0, reward))) });
      assert.deepEqual(verl, expected);
      assert.equal(episode.first_messages.at(-1).content.includes(task.problemStatement.split('\n')[0]), true);
      assert.equal(episode.observations.at(-1)[2].done, true);
      assert.equal(episode.observations.at(-1)[2].exit_status, 'submitted');
      assert.deepEqual(episode.verdict.status, 'resolved', JSON.stringify(episode.verdict));
      assert.equal(episode.reward, 1);
      assert.match(episode.patch, /^diff --git a\//);
      assert.equal(episode.left, 0);
    } finally {
      await server.shutdown();
    }
    assert.deepEqual(await containersOf(runId), [], 'the episode and the warm pool left no container');
  });
});
