import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAgent } from '../../src/agent/agent-loop.js';
import { loadAgentTemplates } from '../../src/prompts/templates.js';
import { PolicyHttpError } from '../../src/policy/policy-errors.js';
import type { ChatMessage } from '../../src/policy/types.js';
import { selectBackend } from '../../src/train/backends/ladder.js';
import { saveModelDir } from '../../src/train/checkpoint/model-dir.js';
import { Transformer } from '../../src/train/model/transformer.js';
import { createLocalPolicy, type LocalPolicy } from '../../src/train/policy/local-policy.js';
import { Tokenizer } from '../../src/train/tokenizer/tokenizer.js';
import { TempDirSandbox } from '../helpers/temp-dir-sandbox.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You fix issues. Think, then act.' },
  { role: 'user', content: 'Issue: add() subtracts instead of adding.' },
];

describe('the local policy', () => {
  let dir: string;
  let policy: LocalPolicy;
  before(async () => {
    dir = await tempDir('local-policy');
    await selectBackend('cpu');
    const tokenizer = Tokenizer.train([...messages.map((m) => m.content), "[7 earlier rounds of action and observation left out to fit the model's context]"], 300);
    const model = Transformer.create({ vocabSize: tokenizer.size, hiddenSize: 32, layers: 1, heads: 2, intermediateSize: 64, contextLength: 160, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, initStd: 0.05 }, 1);
    await saveModelDir(join(dir, 'model'), model, tokenizer);
    model.dispose();
    policy = await createLocalPolicy({ model: join(dir, 'model'), backend: 'cpu', name: 'tiny-local' });
  });
  after(async () => {
    policy.dispose();
    await removeTree(dir);
  });

  it('answers a chat request with n samples, finish reasons, log-probabilities and usage, as an endpoint does', async () => {
    const response = await policy.complete({ messages, n: 3, maxTokens: 6, temperature: 1, logprobs: true, seed: 4 });
    assert.equal(response.model, 'tiny-local');
    assert.equal(response.samples.length, 3);
    for (const sample of response.samples) {
      assert.ok(sample.finishReason === 'stop' || sample.finishReason === 'length');
      assert.ok(sample.logprobs!.length >= 1 && sample.logprobs!.length <= 6);
      assert.ok(sample.logprobs!.every((entry) => entry.logprob <= 0 && Array.isArray(entry.bytes)));
      assert.deepEqual(sample.toolCalls, []);
    }
    assert.equal(response.usage.totalTokens, response.usage.promptTokens + response.usage.completionTokens);
    assert.ok(response.usage.completionTokens >= 3);
    const again = await policy.complete({ messages, n: 3, maxTokens: 6, temperature: 1, logprobs: true, seed: 4 });
    assert.deepEqual(again.samples.map((s) => s.text), response.samples.map((s) => s.text), 'a seed gives the same samples');
  });

  it('cuts a sample at a stop string, which is not part of the text', async () => {
    const [free] = (await policy.complete({ messages, maxTokens: 12, temperature: 0 })).samples;
    const text = free!.text;
    const stop = text.slice(3, 5);
    const [stopped] = (await policy.complete({ messages, maxTokens: 12, temperature: 0, stop: [stop] })).samples;
    assert.equal(stopped!.finishReason, 'stop');
    assert.equal(stopped!.text, text.slice(0, text.indexOf(stop)));
  });

  it('leaves out old history to fit its context, and reports a prompt that cannot fit as a context overflow', async () => {
    const long: ChatMessage[] = [...messages];
    for (let i = 0; i < 8; i += 1) long.push({ role: 'assistant', content: `step ${i}` }, { role: 'user', content: `observation ${i} of the run` });
    const response = await policy.complete({ messages: long, maxTokens: 4, temperature: 0 });
    assert.ok(response.usage.promptTokens <= 160 - 4);
    const huge: ChatMessage[] = [{ role: 'system', content: 'x' }, { role: 'user', content: 'y' }];
    await assert.rejects(policy.complete({ messages: huge, maxTokens: 159, temperature: 0 }), (error: unknown) => error instanceof PolicyHttpError && error.isContextOverflow);
  });

  it('is driven by the agent loop like any policy: the episode runs and records what the model wrote', async () => {
    const templates = await loadAgentTemplates('thought-action');
    // A model whose context holds the agent's prompt (its tool documentation is long).
    const tokenizer = Tokenizer.train([JSON.stringify(templates), JSON.stringify(templates)], 1200);
    const model = Transformer.create({ vocabSize: tokenizer.size, hiddenSize: 32, layers: 1, heads: 2, intermediateSize: 64, contextLength: 2048, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, initStd: 0.05 }, 2);
    await saveModelDir(join(dir, 'agent-model'), model, tokenizer);
    model.dispose();
    const agentPolicy = await createLocalPolicy({ model: join(dir, 'agent-model'), backend: 'wasm', defaultMaxTokens: 16 });
    const sandbox = await TempDirSandbox.create({ files: { 'calc.py': 'def add(a, b):\n    return a - b\n' } });
    try {
      const result = await runAgent({ instance: { instanceId: 'demo__calc-1', problemStatement: 'add() subtracts' }, sandbox, policy: agentPolicy, templates, config: { limits: { maxSteps: 2, maxConsecutiveFormatErrors: 2 } } });
      // An untrained model writes no well-formed action: the loop shows it the format error and ends the episode.
      assert.ok(['exit_format', 'exit_step_limit'].includes(result.exitStatus), `${result.exitStatus}`);
      assert.ok(result.stats.modelCalls >= 2, 'the loop called the policy again after a format error');
      assert.ok(result.stats.usage.completionTokens > 0 && result.stats.usage.promptTokens > 500);
    } finally {
      await sandbox.close();
      agentPolicy.dispose();
    }
  });
});
