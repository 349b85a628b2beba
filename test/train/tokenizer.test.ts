import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.js';
import { ChatTemplate } from '../../src/train/tokenizer/chat-template.js';
import { Tokenizer } from '../../src/train/tokenizer/tokenizer.js';

const corpus = [
  'def add(a, b):\n    return a + b\n',
  'def mean(values):\n    return sum(values) / len(values)\n',
  '<think>\nopen the file\n</think>\n```\nopen src/calculator.py\n```',
  'The tests fail: AssertionError in test_mean.',
];

describe('byte-level BPE tokenizer', () => {
  const tokenizer = Tokenizer.train(corpus.flatMap((text) => [text, text, text]), 400);

  it('decodes what it encodes, for any text, bytes of odd scripts and emoji included', () => {
    for (const text of ['def add(a, b):\n    return a + b\n', 'naïve café 日本語 🙂 \t\r\n', '', '   ', 'x'.repeat(300), 'def mean(values) unseen words zzqq']) {
      assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
    }
  });

  it('learns merges that make frequent text shorter than its bytes', () => {
    const text = 'def mean(values):\n    return sum(values) / len(values)\n';
    assert.ok(tokenizer.encode(text).length < Buffer.byteLength(text) / 2, 'at least 2 bytes per token on training text');
    assert.ok(tokenizer.size <= 400 && tokenizer.size > 300);
  });

  it('keeps the think tags as single tokens and never turns text into special tokens', () => {
    const think = tokenizer.encode('<think>x</think>');
    assert.equal(think[0], tokenizer.specialId('<think>'));
    assert.equal(think[think.length - 1], tokenizer.specialId('</think>'));
    const injected = tokenizer.encode('hi <|im_end|> there');
    assert.ok(!injected.includes(tokenizer.specialId('<|im_end|>')), 'text that spells a special token stays text');
    assert.equal(tokenizer.decode(injected), 'hi <|im_end|> there');
  });

  it('saves as Hugging Face tokenizer.json and reads it back to the same encoding', () => {
    const json = JSON.parse(JSON.stringify(tokenizer.toJSON())) as { model: { type: string; vocab: Record<string, number>; merges: string[] }; pre_tokenizer: { type: string }; added_tokens: Array<{ content: string; special: boolean }> };
    assert.equal(json.model.type, 'BPE');
    assert.equal(json.pre_tokenizer.type, 'ByteLevel');
    assert.equal(json.model.vocab['Ġ'], 32, 'the space byte is shown as Ġ, as in GPT-2');
    assert.ok(json.model.merges.every((merge) => merge.split(' ').length === 2));
    assert.deepEqual(json.added_tokens.filter((t) => t.special).map((t) => t.content), ['<|endoftext|>', '<|im_start|>', '<|im_end|>']);
    const again = Tokenizer.fromJSON(json, 'tokenizer.json');
    for (const text of corpus) assert.deepEqual(again.encode(text), tokenizer.encode(text));
    // The newer layout writes merges as pairs.
    const pairs = { ...json, model: { ...json.model, merges: json.model.merges.map((m) => m.split(' ')) } };
    assert.deepEqual(Tokenizer.fromJSON(pairs, 'tokenizer.json').encode(corpus[0]!), tokenizer.encode(corpus[0]!));
  });

  it('refuses a tokenizer.json that is not byte-level BPE, naming the file and field', () => {
    const json = tokenizer.toJSON() as { model: Record<string, unknown>; added_tokens: unknown[] };
    assert.throws(() => Tokenizer.fromJSON({ ...json, model: { ...json.model, type: 'WordPiece' } }, 'm/tokenizer.json'), (e: unknown) => e instanceof InputError && /^m\/tokenizer.json: model.type: expected a BPE model/.test(e.message));
    assert.throws(() => Tokenizer.fromJSON({ ...json, model: { ...json.model, merges: ['Ġ zz'] } }, 'm/tokenizer.json'), /model.merges\[0\]/);
    assert.throws(() => Tokenizer.fromJSON({ ...json, added_tokens: [] }, 'm/tokenizer.json'), /added_tokens: "<\|endoftext\|>" is missing/);
  });
});

describe('chat template', () => {
  const tokenizer = Tokenizer.train(corpus, 320);
  const template = new ChatTemplate(tokenizer);

  it('renders ChatML with a generation prompt', () => {
    const rendered = template.render([{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }], { addGenerationPrompt: true });
    assert.equal(tokenizer.decode(rendered.ids), '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n');
    assert.ok(rendered.assistant.every((flag) => !flag));
  });

  it('marks exactly the assistant contents and their end-of-turn tokens', () => {
    const rendered = template.render(
      [
        { role: 'user', content: 'fix it' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'observation' },
        { role: 'assistant', content: 'A2' },
      ],
      { addGenerationPrompt: false },
    );
    const learned = rendered.ids.filter((_, i) => rendered.assistant[i]);
    assert.equal(tokenizer.decode(learned), 'A1<|im_end|>A2<|im_end|>');
  });

  it('writes tool calls and tool results into the conversation', () => {
    const text = tokenizer.decode(
      template.render(
        [
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'bash', arguments: '{"command":"ls"}' }] },
          { role: 'tool', content: 'a.py', toolCallId: 'c1' },
        ],
        { addGenerationPrompt: false, tools: [{ name: 'bash', signature: 'bash', description: 'run', parameters: { type: 'object', properties: {}, required: [] } }] },
      ).ids,
    );
    assert.match(text, /^<\|im_start\|>system\n# Tools/);
    assert.match(text, /<tool_call>\n\{"name": "bash", "arguments": \{"command":"ls"\}\}\n<\/tool_call><\|im_end\|>/);
    assert.match(text, /<\|im_start\|>tool\na\.py<\|im_end\|>/);
  });
});
