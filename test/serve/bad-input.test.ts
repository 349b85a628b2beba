/**
 * The list of bad input: each gets a clear 4xx (or, for the engine going away, a 503 that
 * says the episode ended as an infrastructure error), changes nothing else, and the server keeps
 * serving everyone else, which every case checks on a bystander episode and a reward batch.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { resolveServeOptions } from '../../src/serve/serve-options.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';
import { call } from './helpers/http.js';
import { ScriptedDriver } from './helpers/scripted-driver.js';

const TOKEN = 'bad-input-test-token-0123';
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Scene {
  server: RunningServer;
  driver: ScriptedDriver;
  bystander: string;
}

async function scene(body: (scene: Scene) => Promise<void>, options: { bodyLimitBytes?: number } = {}): Promise<void> {
  const driver = new ScriptedDriver();
  const server = await startServer({ port: 0, driver, token: TOKEN, ...options });
  try {
    const bystander = (await call(server.url, 'POST', '/episodes', { instance_id: 'bystander' }, AUTH)).body.episode_id as string;
    await call(server.url, 'POST', `/episodes/${bystander}/step`, { text: 'ls' }, AUTH);
    await body({ server, driver, bystander });
    // Nothing else changed, and the server still serves everyone else.
    const info = await call(server.url, 'GET', `/episodes/${bystander}`, undefined, AUTH);
    assert.equal(info.body.steps, 1);
    assert.equal(info.body.state, 'live');
    assert.equal((await call(server.url, 'POST', `/episodes/${bystander}/step`, { text: 'pwd' }, AUTH)).status, 200);
    const reward = await call(server.url, 'POST', '/reward/srl', { responses: ['<think>x</think>\n```\nls\n```'], targets: ['```\nls\n```'] }, AUTH);
    assert.deepEqual(reward.body.rewards, [1]);
  } finally {
    await server.shutdown();
  }
  assert.equal(driver.holding.size, 0);
}

test('malformed JSON gets a 400 naming the body', async () => {
  await scene(async ({ server }) => {
    for (const text of ['{"responses": [', '{responses: 1}', 'null']) {
      const answer = await call(server.url, 'POST', '/reward/srl', text, AUTH);
      assert.equal(answer.status, 400, text);
      assert.equal(answer.body.field, 'body');
    }
    const notJson = await fetch(`${server.url}/reward/srl`, { method: 'POST', headers: { ...AUTH, 'content-type': 'text/plain' }, body: 'hi' });
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { field: string }).field, 'body');
  });
});

test('an unknown episode gets a 404, and an episode id reaches only its own episode', async () => {
  await scene(async ({ server, bystander }) => {
    for (const path of ['/episodes/ep_unknown/step', '/episodes/ep_unknown/close']) {
      const answer = await call(server.url, 'POST', path, { text: 'ls' }, AUTH);
      assert.equal(answer.status, 404);
    }
    assert.equal((await call(server.url, 'DELETE', '/episodes/ep_unknown', undefined, AUTH)).status, 404);
    assert.equal((await call(server.url, 'GET', `/episodes/${bystander.slice(0, -1)}`, undefined, AUTH)).status, 404, 'a near miss is no key');
    assert.equal((await call(server.url, 'GET', '/episodes', undefined, AUTH)).status, 404, 'there is no listing');
  });
});

test('a step after done gets a 409', async () => {
  await scene(async ({ server }) => {
    const id = (await call(server.url, 'POST', '/episodes', { instance_id: 'a' }, AUTH)).body.episode_id as string;
    assert.equal((await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'submit' }, AUTH)).body.done, true);
    const after = await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'ls' }, AUTH);
    assert.equal(after.status, 409);
    assert.match(after.body.error, /is done \(submitted\); close it for the verdict/);
    assert.equal((await call(server.url, 'POST', `/episodes/${id}/close`, {}, AUTH)).body.verdict.status, 'resolved');
  });
});

test('an oversized body gets a 413', async () => {
  await scene(
    async ({ server, bystander }) => {
      const huge = { responses: ['x'.repeat(70_000)], targets: ['```\nls\n```'] };
      const answer = await call(server.url, 'POST', '/reward/srl', huge, AUTH);
      assert.equal(answer.status, 413);
      assert.match(answer.body.error, /larger than the limit of 65536 bytes/);
      assert.equal((await call(server.url, 'POST', `/episodes/${bystander}/step`, { text: 'y'.repeat(70_000) }, AUTH)).status, 413);
    },
    { bodyLimitBytes: 65_536 },
  );
});

test('a missing or wrong token gets a 401, and off loopback a token is required to start at all', async () => {
  await scene(async ({ server, bystander }) => {
    for (const headers of [{}, { authorization: "Bearer wrong-token-of-some-length" }, { authorization: TOKEN }] as Array<Record<string, string>>) {
      const answer = await call(server.url, 'POST', `/episodes/${bystander}/step`, { text: 'rm -rf /' }, headers);
      assert.equal(answer.status, 401);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="swe-srl"');
      assert.equal((await call(server.url, 'GET', '/metrics', undefined, headers)).status, 401);
    }
  });
  assert.throws(() => resolveServeOptions({ host: '0.0.0.0' }), (error: Error) => error instanceof InputError && /host: 0.0.0.0 is not a loopback address.*give a bearer token/.test(error.message));
  assert.throws(() => resolveServeOptions({ host: '10.1.2.3', token: 'short' }), /token: use at least 16 characters/);
  assert.equal(resolveServeOptions({ host: '0.0.0.0', token: TOKEN }).host, '0.0.0.0');
  assert.equal(resolveServeOptions({}).host, '127.0.0.1');
});

test('a response of megabytes gets a 400 naming it, in a reward batch and in a step', async () => {
  await scene(async ({ server, bystander }) => {
    const megabytes = `<think>x</think>\n\`\`\`\n${'a'.repeat(3 * 1024 * 1024)}\n\`\`\``;
    const reward = await call(server.url, 'POST', '/reward/srl', { responses: ['ok', megabytes], targets: ['```\nls\n```', '```\nls\n```'] }, AUTH);
    assert.equal(reward.status, 400);
    assert.equal(reward.body.field, 'responses[1]');
    assert.match(reward.body.error, /longer than 262144 characters/);
    const step = await call(server.url, 'POST', `/episodes/${bystander}/step`, { text: megabytes }, AUTH);
    assert.equal(step.status, 400);
    assert.equal(step.body.field, 'text');
  });
});

test('a client that disconnects mid-step changes nothing for the others', async () => {
  await scene(async ({ server, driver }) => {
    const id = (await call(server.url, 'POST', '/episodes', { instance_id: 'a' }, AUTH)).body.episode_id as string;
    await new Promise<void>((resolve) => {
      const body = JSON.stringify({ text: 'slow:300' });
      const request = httpRequest(`${server.url}/episodes/${id}/step`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
      request.on('error', () => resolve());
      request.end(body, () => setTimeout(() => (request.destroy(), resolve()), 50));
    });
    for (let waited = 0; driver.finishedSteps < 2 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await call(server.url, 'GET', `/episodes/${id}`, undefined, AUTH)).body.steps, 1);
  });
});

test('the Docker engine going away mid-episode ends it as an infrastructure error, never as unresolved', async () => {
  await scene(async ({ server, driver }) => {
    const id = (await call(server.url, 'POST', '/episodes', { instance_id: 'a' }, AUTH)).body.episode_id as string;
    const gone = await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'engine-gone' }, AUTH);
    assert.equal(gone.status, 503);
    assert.equal(gone.body.infrastructure_error, true);
    assert.equal(gone.body.done, true);
    assert.match(gone.body.error, /infrastructure error: the Docker engine .* went away; the episode ended, and counts as an error, not as unresolved/);
    const closed = await call(server.url, 'POST', `/episodes/${id}/close`, {}, AUTH);
    assert.equal(closed.status, 200);
    assert.deepEqual(closed.body.verdict, { status: 'error', resolved: null, reward: null, detail: 'the Docker engine at unix:///var/run/docker.sock went away' });
    assert.equal((await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'ls' }, AUTH)).status, 409);
    assert.equal(driver.holding.has('sandbox-2'), false);
    const noEngine = await call(server.url, 'POST', '/episodes', { instance_id: 'no-engine' }, AUTH);
    assert.equal(noEngine.status, 503);
    assert.ok(noEngine.headers.get('retry-after'));
  });
});

test('episode bodies are validated: an unknown instance, a bad action and two requests at once are refused without harm', async () => {
  await scene(async ({ server, bystander }) => {
    const cases: Array<[string, unknown, number, string | undefined]> = [
      ['/episodes', { instance_id: 'unknown-instance' }, 400, 'instance_id'],
      ['/episodes', { instance: 'x' }, 400, 'instance_id'],
      ['/episodes', { instance_id: 'x', extra: 1 }, 400, 'body'],
      ['/episodes', { instance_id: 'x', sample: -1 }, 400, 'sample'],
      [`/episodes/${bystander}/step`, {}, 400, 'text'],
      [`/episodes/${bystander}/step`, { tool_calls: [{ function: {} }] }, 400, 'tool_calls[0]'],
      [`/episodes/${bystander}/step`, { text: 'bad' }, 400, 'text'],
    ];
    for (const [path, body, status, field] of cases) {
      const answer = await call(server.url, 'POST', path, body, AUTH);
      assert.equal(answer.status, status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.field, field, JSON.stringify(answer.body));
    }
    const id = (await call(server.url, 'POST', '/episodes', { instance_id: 'a' }, AUTH)).body.episode_id as string;
    const slow = call(server.url, 'POST', `/episodes/${id}/step`, { text: 'slow:300' }, AUTH);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await call(server.url, 'POST', `/episodes/${id}/step`, { text: 'ls' }, AUTH);
    assert.equal(second.status, 409);
    assert.match(second.body.error, /another request on it is still running/);
    assert.equal((await slow).status, 200);
  });
});
