/**
 * `swe-srl rollout --policy openai` against our local OpenAI-compatible test server: it writes
 * predictions and trajectories for every instance, and after being killed halfway it resumes
 * without redoing the instances that had finished (the Done-when of the agent-loop issue).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRolloutCommand, type RolloutFlags } from '../../src/cli/rollout.js';
import { readAllTrajectories } from '../../src/trajectories/index.js';
import { findBubblewrap } from '../../src/sandbox/index.js';
import type { FakeChatServer } from '../helpers/openai-server.js';
import { agentServer, instanceOf, readPredictions, writeWorkspace } from '../helpers/rollout-workspace.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

async function baseFlags(dir: string, server: FakeChatServer, workspace: { instances: string; repos: string }): Promise<RolloutFlags & { output: string }> {
  return {
    policy: 'openai',
    instances: workspace.instances,
    repos: workspace.repos,
    backend: 'local',
    ...(findBubblewrap() === undefined ? { allowUnsafe: true } : {}),
    maxWorkers: 2,
    output: join(dir, 'out'),
    baseUrl: server.baseUrl,
    model: 'test-model',
    maxRetries: 0,
    quiet: true,
  };
}

test('a rollout with the openai policy writes a prediction and a trajectory per instance', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'swe-srl-rollout-'));
  const server = await agentServer();
  try {
    const workspace = writeWorkspace(dir, 3);
    const flags = await baseFlags(dir, server, workspace);
    const log: string[] = [];
    await runRolloutCommand(flags, (line) => log.push(line));
    const predictions = await readPredictions(join(flags.output, 'preds.jsonl'));
    assert.deepEqual(predictions.map((p) => p.instance_id).sort(), ['demo__calc-1', 'demo__calc-2', 'demo__calc-3']);
    for (const prediction of predictions) {
      assert.equal(prediction.model_name_or_path, 'test-model');
      assert.match(prediction.model_patch, /^diff --git a\/calc\.py b\/calc\.py[\s\S]*\+    return a \+ b/m);
    }
    const trajFiles = (await readdir(join(flags.output, 'trajectories'))).sort();
    assert.deepEqual(trajFiles, ['demo__calc-1.traj', 'demo__calc-2.traj', 'demo__calc-3.traj']);
    const [trajectory] = await readAllTrajectories(join(flags.output, 'trajectories', 'demo__calc-2.traj'));
    assert.equal(trajectory?.exit_status, 'submitted');
    assert.deepEqual(trajectory?.steps.map((step) => step.parsed_action.tool), ['bash', 'submit']);
    const runs = (await readFile(join(flags.output, 'runs.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { prompt_tokens: number });
    assert.equal(runs.length, 3);
    assert.equal(runs[0]!.prompt_tokens, 200, 'token usage is recorded');
    assert.match(log.join('\n'), /ran 3 \(3 submitted\); 0 failed/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a rollout killed halfway resumes without redoing finished instances', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'swe-srl-rollout-'));
  const server = await agentServer({ delayMs: 300 });
  try {
    const workspace = writeWorkspace(dir, 4);
    const flags = await baseFlags(dir, server, workspace);
    const output = flags.output;
    const args = [
      '--import', 'tsx', 'src/cli/main.ts', 'rollout',
      '--policy', 'openai', '--instances', workspace.instances, '--repos', workspace.repos, '--backend', 'local',
      ...(flags.allowUnsafe ? ['--allow-unsafe'] : []),
      '--max-workers', '1', '-o', output, '--base-url', server.baseUrl, '--model', 'test-model', '--max-retries', '0',
    ];
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    // Kill once an instance has finished and the next one is talking to the model: its sandbox is
    // then up (and is removed by the CLI's signal handler), and its episode is cut short.
    const midEpisode = async () => {
      const finished = new Set((await readPredictions(join(output, 'preds.jsonl'))).map((p) => p.instance_id.replace('demo__calc-', '')));
      return finished.size >= 1 && server.requests.some((request) => !finished.has(instanceOf(request) ?? ''));
    };
    while (!(await midEpisode())) {
      if (Date.now() > deadline) throw new Error(`no prediction in time; stderr:\n${stderr}`);
      if (child.exitCode !== null) throw new Error(`the rollout ended early (${child.exitCode}); stderr:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGTERM');
    assert.equal(await exited, 143, 'the CLI exits with the SIGTERM status after removing its sandboxes');
    const before = await readPredictions(join(output, 'preds.jsonl'));
    assert.ok(before.length >= 1 && before.length < 4, `killed halfway: ${before.length} of 4 finished`);
    const finishedBefore = new Set(before.map((p) => p.instance_id));
    const requestsBefore = server.requests.length;

    await runRolloutCommand({ ...flags, maxWorkers: 2 }, () => {});
    const after = await readPredictions(join(output, 'preds.jsonl'));
    assert.deepEqual(after.map((p) => p.instance_id).sort(), ['demo__calc-1', 'demo__calc-2', 'demo__calc-3', 'demo__calc-4']);
    const resumedInstances = new Set(server.requests.slice(requestsBefore).map(instanceOf));
    for (const id of finishedBefore) {
      assert.ok(!resumedInstances.has(id.replace('demo__calc-', '')), `${id} finished before the kill and was not run again`);
    }
    assert.equal((await readdir(join(output, 'trajectories'))).filter((name) => name.endsWith('.traj')).length, 4);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
