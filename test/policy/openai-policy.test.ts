import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAiPolicy } from '../../src/policy/openai/openai-policy.js';
import { resolveOpenAiConfig } from '../../src/policy/openai/openai-config.js';
import { PolicyConnectionError, PolicyHttpError } from '../../src/policy/policy-errors.js';
import { InputError } from '../../src/errors.js';
import { completionBody, startOpenAiServer } from '../helpers/openai-server.js';

const fastRetries = { maxRetries: 3, initialBackoffMs: 5, maxBackoffMs: 20 };

test('a completion comes back with its samples, token usage and log-probabilities', async () => {
  const server = await startOpenAiServer(() => ({
    json: completionBody(
      [
        { content: 'first', logprobs: [{ token: 'first', logprob: -0.25 }] },
        { content: 'second', logprobs: [{ token: 'second', logprob: -1.5 }] },
      ],
      { prompt_tokens: 42, completion_tokens: 7 },
    ),
  }));
  try {
    const policy = new OpenAiPolicy(resolveOpenAiConfig({ baseUrl: server.baseUrl, model: 'm', apiKey: 'secret', ...fastRetries }, {}));
    const response = await policy.complete({ messages: [{ role: 'user', content: 'hi' }], n: 2, logprobs: true, topLogprobs: 3, temperature: 0.7 });
    assert.deepEqual(response.samples.map((sample) => sample.text), ['first', 'second']);
    assert.deepEqual(response.samples[1]!.logprobs, [{ token: 'second', logprob: -1.5, top: [] }]);
    assert.deepEqual(response.usage, { promptTokens: 42, completionTokens: 7, totalTokens: 49 });
    const sent = server.requests[0]!;
    assert.equal(sent.body.n, 2);
    assert.equal(sent.body.logprobs, true);
    assert.equal(sent.body.top_logprobs, 3);
    assert.equal(sent.body.temperature, 0.7);
    assert.equal(sent.headers.authorization, 'Bearer secret');
  } finally {
    await server.close();
  }
});

test('rate limits and server errors are retried with backoff until a completion arrives', async () => {
  const server = await startOpenAiServer((request) => {
    if (request.index === 0) return { status: 429, json: { error: { message: 'slow down' } }, headers: { 'retry-after': '0' } };
    if (request.index === 1) return { status: 503, json: { error: { message: 'busy' } } };
    if (request.index === 2) return { drop: true };
    return { json: completionBody(['done']) };
  });
  try {
    const retries: number[] = [];
    const policy = new OpenAiPolicy(resolveOpenAiConfig({ baseUrl: server.baseUrl, model: 'm', ...fastRetries }, {}), (event) => retries.push(event.attempt));
    const response = await policy.complete({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(response.samples[0]!.text, 'done');
    assert.equal(server.requests.length, 4);
    assert.deepEqual(retries, [1, 2, 3]);
    assert.equal(response.requests, 4);
  } finally {
    await server.close();
  }
});

test('a client error is not retried and keeps the status and body', async () => {
  const server = await startOpenAiServer(() => ({ status: 400, json: { error: { message: "This model's maximum context length is 4096 tokens" } } }));
  try {
    const policy = new OpenAiPolicy(resolveOpenAiConfig({ baseUrl: server.baseUrl, model: 'm', ...fastRetries }, {}));
    await assert.rejects(policy.complete({ messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
      assert.ok(error instanceof PolicyHttpError);
      assert.equal(error.status, 400);
      assert.equal(error.isContextOverflow, true);
      return true;
    });
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('an endpoint that never answers ends in a connection error after the retries', async () => {
  const server = await startOpenAiServer(() => ({ drop: true }));
  try {
    const policy = new OpenAiPolicy(resolveOpenAiConfig({ baseUrl: server.baseUrl, model: 'm', ...fastRetries }, {}));
    await assert.rejects(policy.complete({ messages: [{ role: 'user', content: 'hi' }] }), PolicyConnectionError);
    assert.equal(server.requests.length, 4);
  } finally {
    await server.close();
  }
});

test('a server that ignores n is asked again for the missing samples', async () => {
  const server = await startOpenAiServer((request) => ({ json: completionBody([`sample ${request.index}`]) }));
  try {
    const policy = new OpenAiPolicy(resolveOpenAiConfig({ baseUrl: server.baseUrl, model: 'm', ...fastRetries }, {}));
    const response = await policy.complete({ messages: [{ role: 'user', content: 'hi' }], n: 3 });
    assert.deepEqual(response.samples.map((sample) => sample.text), ['sample 0', 'sample 1', 'sample 2']);
    assert.deepEqual(server.requests.map((request) => request.body.n), [3, 2, 1]);
    assert.equal(response.usage.promptTokens, 30);
  } finally {
    await server.close();
  }
});

test('tool calls and tool results travel in the OpenAI shape', async () => {
  const server = await startOpenAiServer(() => ({
    json: completionBody([{ content: null, toolCalls: [{ name: 'bash', arguments: '{"command":"ls"}' }] }]),
  }));
  try {
    const policy = new OpenAiPolicy(resolveOpenAiConfig({ baseUrl: server.baseUrl, model: 'm', ...fastRetries }, {}));
    const response = await policy.complete({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'bash', arguments: '{"command":"pwd"}' }] },
        { role: 'tool', content: '/testbed', toolCallId: 'c1' },
      ],
      tools: [{ name: 'bash', signature: '<command>', description: 'run', parameters: { type: 'object', properties: { command: { type: 'string', description: 'c' } }, required: ['command'] } }],
    });
    assert.deepEqual(response.samples[0]!.toolCalls, [{ id: 'call_0_0', name: 'bash', arguments: '{"command":"ls"}' }]);
    const messages = server.requests[0]!.body.messages as Array<Record<string, unknown>>;
    assert.deepEqual(messages[1], { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: '{"command":"pwd"}' } }] });
    assert.deepEqual(messages[2], { role: 'tool', content: '/testbed', tool_call_id: 'c1' });
    assert.equal((server.requests[0]!.body.tools as unknown[]).length, 1);
  } finally {
    await server.close();
  }
});

test('the configuration comes from flags first, then the environment, and names what is missing', () => {
  const fromEnv = resolveOpenAiConfig({}, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'env-model', OPENAI_API_KEY: 'k' });
  assert.equal(fromEnv.baseUrl, 'http://127.0.0.1:9/v1');
  assert.equal(fromEnv.model, 'env-model');
  assert.equal(fromEnv.apiKey, 'k');
  const fromFlags = resolveOpenAiConfig({ model: 'flag-model' }, { OPENAI_MODEL: 'env-model' });
  assert.equal(fromFlags.model, 'flag-model');
  // The library names the settings (the CLI shows the flags that set them).
  assert.throws(() => resolveOpenAiConfig({}, {}), (error: unknown) => error instanceof InputError && /^policy\.model: .*OPENAI_MODEL/.test(error.message));
  assert.throws(() => resolveOpenAiConfig({ model: 'm', baseUrl: 'not a url' }, {}), /^FieldError: policy\.baseUrl: .*OPENAI_BASE_URL/);
});

test('a request timeout too long for node timers is refused, not turned into an instant timeout', () => {
  assert.throws(
    () => resolveOpenAiConfig({ model: 'm', requestTimeoutMs: 3_000_000_000 }, {}),
    (error: unknown) => error instanceof InputError && /requestTimeoutMs: must be at most 2147483647 ms/.test(error.message),
  );
});
