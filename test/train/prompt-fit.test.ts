import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import type { ChatMessage } from '../../src/policy/types.js';
import { fitPrompt } from '../../src/train/data/prompt-fit.js';
import { ChatTemplate } from '../../src/train/tokenizer/chat-template.js';
import { Tokenizer } from '../../src/train/tokenizer/tokenizer.js';

const lines = (tag: string): string => Array.from({ length: 30 }, (_, i) => `${tag} line ${i} of the output`).join('\n');
const messages: ChatMessage[] = [
  { role: 'system', content: 'You fix issues.' },
  { role: 'user', content: 'Issue: the parser fails on empty input.' },
  { role: 'assistant', content: 'OLDEST action' },
  { role: 'user', content: `first observation\n${lines('a')}` },
  { role: 'assistant', content: 'LATEST action' },
  { role: 'user', content: `latest observation\n${lines('b')}` },
];
const corpus = [...messages.map((m) => m.content), '[1 earlier round of action and observation left out to fit the model\'s context]', '\n[... 120 characters truncated ...]\n'];
const template = new ChatTemplate(Tokenizer.train([...corpus, ...corpus, ...corpus], 400));
const length = (m: ChatMessage[]): number => template.render(m, { addGenerationPrompt: true }).ids.length;

describe('fitting a prompt into the context', () => {
  it('keeps a prompt that fits as it is', () => {
    const fitted = fitPrompt(template, messages, 10_000);
    assert.deepEqual(fitted.messages, messages);
    assert.equal(fitted.droppedRounds, 0);
  });

  const withoutOldest: ChatMessage[] = [messages[0]!, { role: 'user', content: `${messages[1]!.content}\n\n[1 earlier round of action and observation left out to fit the model's context]` }, ...messages.slice(4)];

  it('leaves out the oldest round first, and says so in the first user turn', () => {
    const budget = length(withoutOldest);
    const fitted = fitPrompt(template, messages, budget);
    assert.equal(fitted.droppedRounds, 1);
    assert.equal(fitted.shortenedTurns, 0);
    const texts = fitted.messages.map((m) => m.content).join('\n');
    assert.ok(!texts.includes('OLDEST'));
    assert.ok(texts.includes('LATEST action') && texts.includes('latest observation'));
    assert.match(fitted.messages[1]!.content, /\[1 earlier round of action and observation left out to fit the model's context\]$/);
    assert.ok(fitted.ids.length <= budget);
  });

  it('then shortens the longest turn in its middle, keeping its head and tail', () => {
    const budget = length(withoutOldest) - 40;
    const fitted = fitPrompt(template, messages, budget);
    assert.ok(fitted.ids.length <= budget, `${fitted.ids.length} <= ${budget}`);
    assert.equal(fitted.droppedRounds, 1);
    assert.ok(fitted.shortenedTurns >= 1);
    const latest = fitted.messages[fitted.messages.length - 1]!.content;
    assert.ok(latest.startsWith('latest observation') && latest.endsWith('b line 29 of the output') && latest.includes('characters truncated'));
  });

  it('says so when the template alone does not fit', () => {
    assert.throws(() => fitPrompt(template, messages, 10), (e: unknown) => e instanceof InputError && /cannot be cut to 10 tokens/.test(e.message));
  });
});
