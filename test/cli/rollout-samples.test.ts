/**
 * Rollouts for training: `swe-srl rollout --samples 4 --logprobs` against our loopback
 * OpenAI-compatible server writes 4 distinct episodes per instance (ids `<instance>#<g>`), each with
 * an episode record a trainer reads directly: per turn the prompt it answered, the completion, its
 * token log-probabilities, the finish reason, the usage and the sampling parameters. Killed with
 * SIGKILL halfway, it resumes under the same run id and redoes none of the finished episodes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runRolloutCommand } from '../../src/cli/rollout.js';
import { readEpisodeRecords, turnPrompt, type EpisodeRecord } from '../../src/agent/rollout/episode-record.js';
import { toWireMessage } from '../../src/policy/openai/chat-wire.js';
import { findBubblewrap } from '../../src/sandbox/index.js';
import { projectRoot } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { agentServer, readPredictions, writeWorkspace } from '../helpers/rollout-workspace.js';

test('rollout --samples 4 writes 4 distinct episodes per instance with log-probabilities, and resumes after a SIGKILL', { timeout: 300_000 }, async () => {
  await withTempDir(async (dir) => {
    const workspace = writeWorkspace(dir, 2);
    const server = await agentServer({ delayMs: 150 });
    const output = join(dir, 'out');
    const unsafe = findBubblewrap() === undefined ? ['--allow-unsafe'] : [];
    const common = ['--instances', workspace.instances, '--repos', workspace.repos, '--backend', 'local', ...unsafe, '-o', output];
    const sampling = ['--policy', 'openai', '--base-url', server.baseUrl, '--model', 'test-model', '--max-retries', '0', '--samples', '4', '--temperature', '1', '--logprobs'];
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'rollout', ...common, ...sampling, '--max-workers', '1'], {
        cwd: projectRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const deadline = Date.now() + 200_000;
      while ((await readPredictions(join(output, 'preds.jsonl'))).length < 2) {
        if (Date.now() > deadline) throw new Error(`no predictions in time; stderr:\n${stderr}`);
        if (child.exitCode !== null) throw new Error(`the rollout ended early (${child.exitCode}); stderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGKILL');
      await exited;
      const runId = /rollout: run id (\S+)/.exec(stderr)?.[1];
      assert.ok(runId, `the run id is printed:\n${stderr}`);
      const before = await readPredictions(join(output, 'preds.jsonl'));
      assert.ok(before.length >= 2 && before.length < 8, `killed halfway: ${before.length} of 8`);
      const requestsBefore = server.requests.length;

      const log: string[] = [];
      await runRolloutCommand({ instances: workspace.instances, repos: workspace.repos, backend: 'local', ...(unsafe.length > 0 ? { allowUnsafe: true } : {}), output, policy: 'openai', baseUrl: server.baseUrl, model: 'test-model', maxRetries: 0, samples: 4, temperature: 1, logprobs: true, maxWorkers: 2 }, (line) => log.push(line));
      assert.match(log.join('\n'), new RegExp(`run id ${runId}`), 'the resume keeps the run id');
      assert.match(log.join('\n'), new RegExp(`8 episodes, ${before.length} already finished, ${8 - before.length} to run`));

      const after = await readPredictions(join(output, 'preds.jsonl'));
      const ids = after.map((prediction) => prediction.episode_id).sort();
      assert.deepEqual(ids, ['demo__calc-1#0', 'demo__calc-1#1', 'demo__calc-1#2', 'demo__calc-1#3', 'demo__calc-2#0', 'demo__calc-2#1', 'demo__calc-2#2', 'demo__calc-2#3']);
      for (const prediction of after) {
        assert.equal(prediction.instance_id, prediction.episode_id!.split('#')[0], 'SWE-bench predictions keep the instance id');
        assert.match(prediction.model_patch, /\+    return a \+ b/);
      }
      // Episodes finished before the kill were not asked for again: a resumed run's first prompts are new episodes only.
      const resumedFirstTurns = server.requests.slice(requestsBefore).filter((request) => (request.body.messages as unknown[]).length === 2).length;
      assert.equal(resumedFirstTurns, 8 - before.length, 'one first turn per episode left');
      assert.deepEqual((await readdir(join(output, 'trajectories'))).sort(), ids.map((id) => `${id}.traj`));

      const records: EpisodeRecord[] = [];
      for await (const record of readEpisodeRecords(join(output, 'episodes.jsonl'))) records.push(record);
      assert.deepEqual(records.map((record) => record.episode_id).sort(), ids, 'one record per committed episode, none twice');
      for (const record of records) {
        assert.equal(record.run_id, runId);
        assert.equal(record.exit_status, 'submitted');
        assert.equal(record.sample, Number(record.episode_id.split('#')[1]));
        assert.equal(record.turns.length, 2);
        for (const turn of record.turns) {
          assert.ok(turn.logprobs && turn.logprobs.length === 2 && turn.logprobs[0]!.logprob === -0.25, 'log-probabilities recorded');
          assert.equal(turn.finish_reason, 'stop');
          assert.deepEqual(turn.usage, { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 });
          assert.deepEqual(turn.sampling, { temperature: 1, logprobs: true });
          // The recorded prompt is exactly what the endpoint was sent.
          const prompt = turnPrompt(record, turn).map(toWireMessage);
          assert.ok(server.requests.some((request) => JSON.stringify(request.body.messages) === JSON.stringify(prompt)), `turn ${turn.turn} of ${record.episode_id}`);
          assert.equal(server.requests.find((request) => JSON.stringify(request.body.messages) === JSON.stringify(prompt))?.body.logprobs, true, 'log-probabilities were asked for');
        }
      }
      const runs = (await readFile(join(output, 'runs.jsonl'), 'utf8')).trim().split('\n');
      assert.ok(runs.length >= 8);
    } finally {
      await server.close();
    }
  });
});
