import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { startServer, type RunningServer } from '../../src/serve/server.js';
import type { ServeOptionsInput } from '../../src/serve/serve-options.js';
import { call } from './helpers/http.js';
import { ScriptedDriver } from './helpers/scripted-driver.js';

async function withServer(options: ServeOptionsInput & { driver: ScriptedDriver }, body: (server: RunningServer, driver: ScriptedDriver) => Promise<void>): Promise<void> {
  const server = await startServer({ port: 0, ...options });
  try {
    await body(server, options.driver);
  } finally {
    await server.shutdown();
  }
}

test('an episode starts with its messages, steps until submitted, closes with patch and verdict, and is deleted', async () => {
  await withServer({ driver: new ScriptedDriver() }, async (server, driver) => {
    const started = await call(server.url, 'POST', '/episodes', { instance_id: 'repo__x-1', sample: 3 });
    assert.equal(started.status, 201);
    assert.match(started.body.episode_id, /^ep_[A-Za-z0-9_-]{32}$/);
    assert.deepEqual(started.body.messages.at(-1), { role: 'user', content: 'Fix repo__x-1 (sample 3).' });
    const id = started.body.episode_id as string;
    const step = await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'ls' });
    assert.deepEqual(step.body, { observation: 'ran ls', done: false, reward: null, exit_status: null, messages: [{ role: 'user', content: 'ran ls' }], steps: 1 });
    const toolStep = await call(server.url, 'POST', `/episodes/${id}/step`, { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: { command: 'pwd' } } }] });
    assert.equal(toolStep.body.observation, 'ran bash:{"command":"pwd"}');
    const submit = await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'submit' });
    assert.equal(submit.body.done, true);
    assert.equal(submit.body.exit_status, 'submitted');
    const closed = await call(server.url, 'POST', `/episodes/${id}/close`, {});
    assert.deepEqual(closed.body, { patch: 'diff --git a/x b/x\n', exit_status: 'submitted', verdict: { status: 'resolved', resolved: true, reward: 1 } });
    assert.equal(driver.holding.size, 0, 'closing removes the sandbox');
    assert.deepEqual((await call(server.url, 'POST', `/episodes/${id}/close`, {})).body, closed.body, 'close again gives the same verdict');
    assert.equal((await call(server.url, 'GET', `/episodes/${id}`)).body.state, 'closed');
    assert.deepEqual((await call(server.url, 'DELETE', `/episodes/${id}`)).body, { removed: true });
    assert.equal((await call(server.url, 'GET', `/episodes/${id}`)).status, 404);
  });
});

test('beyond the episode limit a start gets 429 with Retry-After, and a slot freed is usable again', async () => {
  await withServer({ driver: new ScriptedDriver(), episodes: { maxEpisodes: 2, retryAfterSeconds: 7 } }, async (server) => {
    const first = await call(server.url, 'POST', '/episodes', { instance_id: 'a' });
    await call(server.url, 'POST', '/episodes', { instance_id: 'b' });
    const refused = await call(server.url, 'POST', '/episodes', { instance_id: 'c' });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '7');
    assert.match(refused.body.error, /2 episodes are running/);
    await call(server.url, 'DELETE', `/episodes/${first.body.episode_id as string}`);
    assert.equal((await call(server.url, 'POST', '/episodes', { instance_id: 'c' })).status, 201);
  });
});

test('the idle reaper removes an abandoned episode and its sandbox; a late request hears why', async () => {
  await withServer({ driver: new ScriptedDriver(), episodes: { idleTimeoutMs: 60_000 } }, async (server, driver) => {
    const idle = await call(server.url, 'POST', '/episodes', { instance_id: 'a' });
    const active = await call(server.url, 'POST', '/episodes', { instance_id: 'b' });
    assert.equal(driver.holding.size, 2);
    assert.equal(await server.registry!.reapIdle(Date.now() + 30_000), 0, 'not idle long enough');
    await call(server.url, 'POST', `/episodes/${active.body.episode_id as string}/step`, { text: 'ls' });
    assert.equal(await server.registry!.reapIdle(Date.now() + 61_000), 2);
    assert.equal(driver.holding.size, 0);
    const late = await call(server.url, 'POST', `/episodes/${idle.body.episode_id as string}/step`, { text: 'ls' });
    assert.equal(late.status, 410);
    assert.match(late.body.error, /removed after 60 s without a request/);
    assert.match(await (await fetch(`${server.url}/metrics`)).text(), /swe_srl_episodes_ended_total\{reason="idle"\} 2/);
  });
});

test('the reaper runs on its own timer', async () => {
  await withServer({ driver: new ScriptedDriver(), episodes: { idleTimeoutMs: 300 } }, async (server, driver) => {
    await call(server.url, 'POST', '/episodes', { instance_id: 'a' });
    for (let waited = 0; driver.holding.size > 0 && waited < 20_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(driver.holding.size, 0);
  });
});

test('a step past its time limit gets 504, ends the episode and removes its sandbox; the server keeps serving', async () => {
  await withServer({ driver: new ScriptedDriver(), episodes: { stepTimeoutMs: 200 } }, async (server, driver) => {
    const started = await call(server.url, 'POST', '/episodes', { instance_id: 'a' });
    const id = started.body.episode_id as string;
    const hung = await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'hang' });
    assert.equal(hung.status, 504);
    assert.match(hung.body.error, /longer than its time limit of 0.2 s/);
    assert.equal(driver.holding.size, 0);
    assert.equal((await call(server.url, 'GET', `/episodes/${id}`)).body.state, 'failed');
    assert.equal((await call(server.url, 'POST', '/episodes', { instance_id: 'b' })).status, 201);
  });
});

test('a start that outlives its time limit still has its sandbox removed when it arrives', async () => {
  const driver = new ScriptedDriver();
  driver.startDelayMs = 300;
  driver.startIgnoresAbort = true;
  await withServer({ driver, episodes: { startTimeoutMs: 100 } }, async (server) => {
    const answer = await call(server.url, 'POST', '/episodes', { instance_id: 'a' });
    assert.equal(answer.status, 504);
    assert.equal(server.registry!.live, 0);
    for (let waited = 0; driver.started === 0 && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(driver.started, 1);
    assert.equal(driver.holding.size, 0, 'the late sandbox was removed');
  });
});

test('healthz answers without a token; metrics count episodes, steps, rewards and errors in Prometheus text', async () => {
  const token = 'a-long-enough-test-token';
  await withServer({ driver: new ScriptedDriver(), token }, async (server) => {
    const auth = { authorization: `Bearer ${token}` };
    assert.deepEqual((await call(server.url, 'GET', '/healthz')).body, { ok: true, episodes_live: 0, ready: true });
    const started = await call(server.url, 'POST', '/episodes', { instance_id: 'a' }, auth);
    await call(server.url, 'POST', `/episodes/${started.body.episode_id as string}/step`, { text: 'ls' }, auth);
    await call(server.url, 'POST', '/reward/srl', { responses: ['<think>x</think>\n```\nls\n```'], targets: ['```\nls\n```'] }, auth);
    await call(server.url, 'POST', '/episodes/ep_nope/step', { text: 'ls' }, auth);
    const metrics = await call(server.url, 'GET', '/metrics', undefined, auth);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    for (const line of [
      /^swe_srl_episodes_live 1$/m,
      /^swe_srl_episodes_started_total 1$/m,
      /^swe_srl_step_seconds_count 1$/m,
      /^swe_srl_episode_start_seconds_count\{sandbox="cold"\} 1$/m,
      /^swe_srl_rewards_served_total\{endpoint="reward_srl"\} 1$/m,
      /^swe_srl_errors_total\{status="404"\} 1$/m,
    ]) assert.match(metrics.body, line);
  });
});

test('shutdown cancels running steps and removes every sandbox; a restart removes what a killed process left', async () => {
  const driver = new ScriptedDriver();
  const server = await startServer({ port: 0, driver });
  const ids = await Promise.all(['a', 'b', 'c'].map(async (instance) => (await call(server.url, 'POST', '/episodes', { instance_id: instance })).body.episode_id as string));
  const hanging = call(server.url, 'POST', `/episodes/${ids[0]!}/step`, { text: 'hang' }).catch((error: Error) => error);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await server.shutdown();
  await hanging;
  assert.equal(driver.holding.size, 0);
  assert.equal(driver.closedDriver, true);

  const restarted = new ScriptedDriver();
  restarted.leftovers = 4;
  const again = await startServer({ port: 0, driver: restarted });
  assert.equal(again.leftoversRemoved, 4);
  await again.shutdown();
});

test('a client that disconnects mid-step does not stop the step; its result waits for the client, and others are served meanwhile', async () => {
  await withServer({ driver: new ScriptedDriver() }, async (server, driver) => {
    const id = (await call(server.url, 'POST', '/episodes', { instance_id: 'a' })).body.episode_id as string;
    const other = (await call(server.url, 'POST', '/episodes', { instance_id: 'b' })).body.episode_id as string;
    await new Promise<void>((resolve) => {
      const body = JSON.stringify({ text: 'slow:400' });
      const request = httpRequest(`${server.url}/episodes/${id}/step`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
      request.on('error', () => resolve());
      request.end(body, () => setTimeout(() => {
        request.destroy();
        resolve();
      }, 100));
    });
    assert.equal((await call(server.url, 'POST', `/episodes/${other}/step`, { text: 'ls' })).status, 200);
    for (let waited = 0; driver.finishedSteps < 2 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const info = await call(server.url, 'GET', `/episodes/${id}`);
    assert.equal(info.body.steps, 1);
    assert.equal(info.body.last_step.observation, 'ran slow:400');
    assert.equal(info.body.state, 'live');
    assert.equal((await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'ls' })).body.steps, 2);
    assert.match(await (await fetch(`${server.url}/metrics`)).text(), /^swe_srl_client_disconnects_total 1$/m);
  });
});
