/**
 * A byte-level BPE tokenizer with added tokens, saved as Hugging Face's tokenizer.json (a `BPE`
 * model with `vocab` and `merges`, `ByteLevel` pre-tokenizer and decoder, `added_tokens`), so the
 * `tokenizers` library and transformers read what we write. Special tokens are only ever produced
 * by the chat template: text given to `encode` is taken literally, so a message that contains
 * "<|im_end|>" cannot end its turn early.
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { bytesToSymbols, preTokenize, symbolsToBytes } from './byte-level.js';
import { trainBpe } from './bpe-train.js';

/** ChatML's markers (as Qwen uses them) and the end of text. */
export const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;
/** The monologue tags are single tokens too (not special: they are part of the text the model writes). */
export const THINK_TOKENS = ['<think>', '</think>'] as const;

export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

export class Tokenizer {
  private readonly tokenToId: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, number[]>();
  private readonly addedByContent: Map<string, AddedToken>;
  /** Non-special added tokens that `encode` recognises in text (the think tags). */
  private readonly textTokenPattern: RegExp | undefined;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(
    readonly vocab: readonly string[],
    readonly merges: ReadonlyArray<readonly [string, string]>,
    readonly added: readonly AddedToken[],
  ) {
    this.tokenToId = new Map(vocab.map((token, id) => [token, id]));
    this.ranks = new Map(merges.map(([a, b], rank) => [`${a} ${b}`, rank]));
    this.addedByContent = new Map(added.map((token) => [token.content, token]));
    const textTokens = added.filter((token) => !token.special).map((token) => token.content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.textTokenPattern = textTokens.length > 0 ? new RegExp(`(${textTokens.join('|')})`) : undefined;
  }

  /** Learns merges from `texts` so that, with the added tokens, the vocabulary has `vocabSize` entries. */
  static train(texts: Iterable<string>, vocabSize: number): Tokenizer {
    const extra = SPECIAL_TOKENS.length + THINK_TOKENS.length;
    if (!Number.isInteger(vocabSize) || vocabSize < 256 + extra) throw new InputError(`tokenizer.vocabSize: ${vocabSize} is below ${256 + extra} (256 bytes and ${extra} added tokens)`);
    const bpe = trainBpe(texts, vocabSize - extra);
    let id = bpe.vocab.length;
    const added: AddedToken[] = [
      ...SPECIAL_TOKENS.map((content) => ({ id: id++, content, special: true })),
      ...THINK_TOKENS.map((content) => ({ id: id++, content, special: false })),
    ];
    return new Tokenizer(bpe.vocab, bpe.merges, added);
  }

  get size(): number {
    return this.vocab.length + this.added.length;
  }

  /** The id of an added token; throws when this tokenizer lacks it. */
  specialId(content: string): number {
    const token = this.addedByContent.get(content);
    if (!token) throw new InputError(`tokenizer: has no added token ${JSON.stringify(content)}`);
    return token.id;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    const parts = this.textTokenPattern ? text.split(this.textTokenPattern) : [text];
    for (const part of parts) {
      if (part === '') continue;
      const added = this.addedByContent.get(part);
      if (added && !added.special) {
        ids.push(added.id);
        continue;
      }
      for (const piece of preTokenize(part)) ids.push(...this.encodePiece(piece));
    }
    return ids;
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    let symbols = bytesToSymbols(new TextEncoder().encode(piece));
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < symbols.length; i += 1) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestAt = i;
        }
      }
      if (bestAt < 0) break;
      const [a, b] = [symbols[bestAt]!, symbols[bestAt + 1]!];
      const next: string[] = [];
      for (let i = 0; i < symbols.length; i += 1) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          next.push(a + b);
          i += 1;
        } else {
          next.push(symbols[i]!);
        }
      }
      symbols = next;
    }
    const ids = symbols.map((symbol) => {
      const id = this.tokenToId.get(symbol);
      if (id === undefined) throw new InputError(`tokenizer: merge result ${JSON.stringify(symbol)} is not in the vocabulary`);
      return id;
    });
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(piece, ids);
    return ids;
  }

  /** The bytes a token stands for (an added token: its UTF-8 text). */
  tokenBytes(id: number): Uint8Array {
    if (id >= 0 && id < this.vocab.length) return symbolsToBytes(this.vocab[id]!);
    const added = this.added.find((token) => token.id === id);
    if (!added) throw new RangeError(`token id ${id} is outside the vocabulary of ${this.size}`);
    return new TextEncoder().encode(added.content);
  }

  /** Text of ids; with `skipSpecial`, special tokens are left out. Bytes that are not valid UTF-8 become U+FFFD. */
  decode(ids: readonly number[], options: { skipSpecial?: boolean } = {}): string {
    const chunks: Uint8Array[] = [];
    for (const id of ids) {
      if (options.skipSpecial && this.added.some((token) => token.id === id && token.special)) continue;
      chunks.push(this.tokenBytes(id));
    }
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return this.decoder.decode(bytes);
  }

  /** Hugging Face's tokenizer.json. */
  toJSON(): Record<string, unknown> {
    const vocab: Record<string, number> = {};
    this.vocab.forEach((token, id) => (vocab[token] = id));
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: this.added.map((token) => ({ id: token.id, content: token.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: token.special })),
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges: this.merges.map(([a, b]) => `${a} ${b}`),
      },
    };
  }

  static fromJSON(value: unknown, file: string): Tokenizer {
    const parsed = tokenizerJsonSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    }
    const { model, added_tokens: addedTokens } = parsed.data;
    const vocab: string[] = [];
    for (const [token, id] of Object.entries(model.vocab)) {
      if (vocab[id] !== undefined) throw new InputError(`${file}: model.vocab: id ${id} is used twice`);
      vocab[id] = token;
    }
    for (let id = 0; id < vocab.length; id += 1) if (vocab[id] === undefined) throw new InputError(`${file}: model.vocab: id ${id} is missing (ids must run 0..${vocab.length - 1})`);
    for (const token of vocab) {
      try {
        symbolsToBytes(token);
      } catch {
        throw new InputError(`${file}: model.vocab: ${JSON.stringify(token)} is not a byte-level token`);
      }
    }
    const merges = model.merges.map((merge, index): [string, string] => {
      const pair = typeof merge === 'string' ? merge.split(' ') : merge;
      if (pair.length !== 2 || !model.vocab[pair[0]! + pair[1]!]) throw new InputError(`${file}: model.merges[${index}]: ${JSON.stringify(merge)} does not merge two symbols into a vocabulary entry`);
      return [pair[0]!, pair[1]!];
    });
    const added = addedTokens.map((token) => ({ id: token.id, content: token.content, special: token.special }));
    for (const token of added) {
      if (token.id < vocab.length) throw new InputError(`${file}: added_tokens: ${JSON.stringify(token.content)} has id ${token.id}, inside the BPE vocabulary (ids below ${vocab.length})`);
    }
    for (const content of SPECIAL_TOKENS) {
      if (!added.some((token) => token.content === content)) throw new InputError(`${file}: added_tokens: ${JSON.stringify(content)} is missing (the chat template needs it)`);
    }
    return new Tokenizer(vocab, merges, added);
  }

}

const tokenizerJsonSchema = z.looseObject({
  added_tokens: z.array(z.looseObject({ id: z.int().nonnegative(), content: z.string().min(1), special: z.boolean() })),
  pre_tokenizer: z.looseObject({ type: z.literal('ByteLevel', { error: 'expected a ByteLevel pre-tokenizer' }) }),
  model: z.looseObject({
    type: z.literal('BPE', { error: 'expected a BPE model' }),
    vocab: z.record(z.string(), z.int().nonnegative()),
    merges: z.array(z.union([z.string(), z.array(z.string())])),
  }),
});
