import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import { LABELS } from '../../../src/sandbox/index.js';
import { startServer } from '../../../src/serve/server.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { withTempDir } from '../../helpers/temp-dir.js';
import { call } from '../helpers/http.js';
import { applyPatchTurn, bashTurn, SAMPLE_INSTANCE, sampleDriver, samplePatch, SUBMIT_TURN } from '../helpers/sample-episodes.js';

const docker = new Docker();
const containersOf = async (runId: string): Promise<string[]> =>
  (await docker.listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`] } })).map((info) => info.Id);

test('over HTTP, in Docker: a gold-patch episode is resolved, a wrong-patch one unresolved, a removed container an infrastructure error; nothing is left', { skip: await skipUnlessDocker() }, async () => {
  await withTempDir(async (dir) => {
    const runId = `test-serve-${randomBytes(4).toString('hex')}`;
    const { driver } = await sampleDriver(join(dir, 'repos'), runId);
    const server = await startServer({ port: 0, driver });
    try {
      const episode = async (turns: string[]): Promise<{ id: string; last: any }> => {
        const started = await call(server.url, 'POST', '/episodes', { instance_id: SAMPLE_INSTANCE });
        assert.equal(started.status, 201, JSON.stringify(started.body));
        assert.match(started.body.messages[1].content, /slugify\(\) keeps empty words/);
        let last: any;
        for (const text of turns) {
          last = await call(server.url, 'POST', `/episodes/${started.body.episode_id as string}/step`, { text });
          assert.equal(last.status, 200, JSON.stringify(last.body));
        }
        return { id: started.body.episode_id as string, last };
      };

      const gold = await episode([bashTurn('grep -n "def slugify" -A3 textkit.py'), applyPatchTurn(samplePatch(SAMPLE_INSTANCE)), SUBMIT_TURN]);
      assert.equal(gold.last.body.done, true);
      assert.equal(gold.last.body.exit_status, 'submitted');
      const goldClose = await call(server.url, 'POST', `/episodes/${gold.id}/close`, {});
      assert.equal(goldClose.body.verdict.status, 'resolved', JSON.stringify(goldClose.body));
      assert.equal(goldClose.body.verdict.reward, 1);
      assert.match(goldClose.body.patch, /word for word in words if word/);

      const wrong = await episode([applyPatchTurn(samplePatch(SAMPLE_INSTANCE, 'predictions-wrong.jsonl', 'model_patch'))]);
      assert.equal(wrong.last.body.done, false);
      const wrongClose = await call(server.url, 'POST', `/episodes/${wrong.id}/close`, {});
      assert.equal(wrongClose.body.verdict.status, 'unresolved', JSON.stringify(wrongClose.body));
      assert.equal(wrongClose.body.verdict.reward, 0);

      const format = await episode(['no think block at all']);
      assert.equal(format.last.body.done, false);
      assert.match(format.last.body.observation, /</);

      // The engine "goes away" for this episode: its container is removed behind the server's back.
      const doomed = await episode([bashTurn('true')]);
      for (const id of await containersOf(runId)) {
        const info = await docker.getContainer(id).inspect();
        if (info.State.Running) await docker.getContainer(id).remove({ force: true });
      }
      const gone = await call(server.url, 'POST', `/episodes/${doomed.id}/step`, { text: bashTurn('ls') });
      assert.equal(gone.status, 503, JSON.stringify(gone.body));
      assert.equal(gone.body.infrastructure_error, true);
      assert.equal((await call(server.url, 'POST', `/episodes/${doomed.id}/close`, {})).body.verdict.status, 'error');
    } finally {
      await server.shutdown();
    }
    assert.deepEqual(await containersOf(runId), []);
  });
});

test("a served episode is the agent loop's Episode: the agent config's limits end it, and a format error is the template's message", { skip: await skipUnlessDocker() }, async () => {
  await withTempDir(async (dir) => {
    const runId = `test-serve-${randomBytes(4).toString('hex')}`;
    const { driver } = await sampleDriver(join(dir, 'repos'), runId, 1, { limits: { maxSteps: 2, maxConsecutiveFormatErrors: 2 } });
    const server = await startServer({ port: 0, driver });
    try {
      const start = async (): Promise<string> => {
        const started = await call(server.url, 'POST', '/episodes', { instance_id: SAMPLE_INSTANCE });
        assert.equal(started.status, 201, JSON.stringify(started.body));
        return started.body.episode_id as string;
      };
      const step = async (id: string, text: string): Promise<any> => {
        const answer = await call(server.url, 'POST', `/episodes/${id}/step`, { text });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        return answer.body;
      };

      const malformed = await start();
      const first = await step(malformed, 'Sure! <think>plan</think><function=bash><parameter=command>ls</parameter></function>');
      assert.equal(first.done, false);
      assert.match(first.observation, /could not be read as one action \(text before <think>\)/);
      assert.deepEqual(first.messages.map((message: { role: string }) => message.role), ['user'], 'the assistant turn is the caller\'s');
      const second = await step(malformed, 'no think block at all');
      assert.equal(second.done, true);
      assert.equal(second.exit_status, 'exit_format', 'two malformed outputs in a row, as agent.limits says');

      const limited = await start();
      assert.equal((await step(limited, bashTurn('echo one'))).done, false);
      const last = await step(limited, bashTurn('echo two'));
      assert.equal(last.done, true);
      assert.equal(last.exit_status, 'exit_step_limit');
      assert.match(last.observation, /two/);
      const closed = await call(server.url, 'POST', `/episodes/${limited}/close`, {});
      assert.equal(closed.body.verdict.status, 'empty_patch', JSON.stringify(closed.body));
      assert.equal(closed.body.exit_status, 'exit_step_limit');
    } finally {
      await server.shutdown();
    }
    assert.deepEqual(await containersOf(runId), []);
  });
});

test('in Docker, a warm sandbox that died while waiting in the pool is replaced at start: the episode gets a live one', { skip: await skipUnlessDocker() }, async () => {
  await withTempDir(async (dir) => {
    const runId = `test-serve-dead-${randomBytes(4).toString('hex')}`;
    const { driver, pool } = await sampleDriver(join(dir, 'repos'), runId);
    const server = await startServer({ port: 0, driver });
    try {
      await pool.prewarm(await driver.sandboxConfig(SAMPLE_INSTANCE));
      const waiting = await containersOf(runId);
      assert.equal(waiting.length, 1);
      await docker.getContainer(waiting[0]!).remove({ force: true });
      const started = await call(server.url, 'POST', '/episodes', { instance_id: SAMPLE_INSTANCE });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const step = await call(server.url, 'POST', `/episodes/${started.body.episode_id as string}/step`, { text: bashTurn('echo alive') });
      assert.equal(step.status, 200, JSON.stringify(step.body));
      assert.match(step.body.observation, /alive/);
    } finally {
      await server.shutdown();
    }
    assert.deepEqual(await containersOf(runId), []);
  });
});
