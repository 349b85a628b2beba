/**
 * The `local` policy type: `createPolicy({type: 'local', model})` and a run configuration's
 * `policy: {type: local, model: DIR}` give the trained model behind the same interface as an
 * endpoint, loaded on first use; a folder that is not a model is refused naming the file, and the
 * configuration's mistakes name the field.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseRunConfig } from '../../src/config/run-config.js';
import { createPolicy } from '../../src/policy/factory.js';
import { LazyLocalPolicy } from '../../src/policy/local/local-policy-spec.js';
import type { ChatMessage } from '../../src/policy/types.js';
import { selectBackend } from '../../src/train/backends/ladder.js';
import { saveModelDir } from '../../src/train/checkpoint/model-dir.js';
import { Transformer } from '../../src/train/model/transformer.js';
import { createLocalPolicy } from '../../src/train/policy/local-policy.js';
import { Tokenizer } from '../../src/train/tokenizer/tokenizer.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You fix issues. Think, then act.' },
  { role: 'user', content: 'Issue: add() subtracts instead of adding.' },
];

describe('the local policy type', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('local-policy-type');
    await selectBackend('cpu');
    const tokenizer = Tokenizer.train(messages.map((m) => m.content), 300);
    const model = Transformer.create({ vocabSize: tokenizer.size, hiddenSize: 32, layers: 1, heads: 2, intermediateSize: 64, contextLength: 160, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, initStd: 0.05 }, 1);
    await saveModelDir(join(dir, 'model'), model, tokenizer);
    model.dispose();
  });
  after(async () => removeTree(dir));

  it('answers through createPolicy exactly as the model loaded directly does, samples and log-probabilities included', async () => {
    const policy = createPolicy({ type: 'local', model: join(dir, 'model'), backend: 'cpu' });
    assert.ok(policy instanceof LazyLocalPolicy);
    assert.equal(policy.name, `local:${join(dir, 'model')}`);
    const request = { messages, n: 2, maxTokens: 5, temperature: 1, logprobs: true, seed: 3 };
    const viaFactory = await policy.complete(request);
    const direct = await createLocalPolicy({ model: join(dir, 'model'), backend: 'cpu' });
    const expected = await direct.complete(request);
    assert.deepEqual(viaFactory.samples.map((s) => [s.text, s.logprobs!.map((l) => l.logprob)]), expected.samples.map((s) => [s.text, s.logprobs!.map((l) => l.logprob)]));
    assert.equal(viaFactory.model, policy.name);
    direct.dispose();
    await policy.dispose();
  });

  it('refuses a folder that holds no model, naming the file, when it loads', async () => {
    const policy = createPolicy({ type: 'local', model: join(dir, 'missing') }) as LazyLocalPolicy;
    await assert.rejects(policy.load(), (error: Error) => error.message.includes(join(dir, 'missing')));
    assert.throws(() => createPolicy({ type: 'local' }), /policy\.model: the local policy needs a model folder/);
  });

  it('is a policy section of the run configuration, whose mistakes name the field', () => {
    const config = parseRunConfig({ policy: { type: 'local', model: 'runs/srl/best', seed: 2 } }, 'run.yaml');
    assert.deepEqual(config.policy, { type: 'local', model: 'runs/srl/best', seed: 2 });
    assert.throws(() => parseRunConfig({ policy: { type: 'local', model: 'm', temprature: 1 } }, 'run.yaml'), /temprature/);
    assert.throws(() => parseRunConfig({ policy: { type: 'local' } }, 'run.yaml'), /model/);
  });
});
