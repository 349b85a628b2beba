/**
 * Learning byte-level BPE merges from text: count the words (after GPT-2's pre-tokenization),
 * then repeatedly merge the most frequent adjacent pair of symbols into a new one. Pair counts are
 * kept incrementally with a lazy max-heap, so each merge costs only the words that contain the
 * pair. Ties break on the pair's symbol ids, so the result is the same on every run.
 */
import { BYTE_SYMBOLS, bytesToSymbols, preTokenize } from './byte-level.js';

export interface BpeModel {
  /** Symbol strings by id: the 256 bytes first, then one per merge. */
  vocab: string[];
  /** Merges in rank order, as pairs of symbol strings. */
  merges: Array<[string, string]>;
}

interface Word {
  symbols: number[];
  count: number;
}

const PAIR_BASE = 1 << 20;
const pairKey = (a: number, b: number): number => a * PAIR_BASE + b;

class PairHeap {
  private readonly items: Array<{ count: number; key: number }> = [];

  push(count: number, key: number): void {
    const items = this.items;
    items.push({ count, key });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): { count: number; key: number } | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < items.length && this.before(items[left]!, items[best]!)) best = left;
        if (right < items.length && this.before(items[right]!, items[best]!)) best = right;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }

  private before(a: { count: number; key: number }, b: { count: number; key: number }): boolean {
    return a.count > b.count || (a.count === b.count && a.key < b.key);
  }
}

/** Learns merges until the vocabulary has `vocabSize` symbols or no pair occurs twice. */
export function trainBpe(texts: Iterable<string>, vocabSize: number): BpeModel {
  const wordCounts = new Map<string, number>();
  for (const text of texts) for (const piece of preTokenize(text)) wordCounts.set(piece, (wordCounts.get(piece) ?? 0) + 1);
  const encoder = new TextEncoder();
  const byteId = new Map(BYTE_SYMBOLS.map((symbol, id) => [symbol, id]));
  const words: Word[] = [];
  for (const [piece, count] of wordCounts) {
    words.push({ symbols: bytesToSymbols(encoder.encode(piece)).map((symbol) => byteId.get(symbol)!), count });
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (index: number, sign: 1 | -1): void => {
    const { symbols, count } = words[index]!;
    for (let i = 0; i + 1 < symbols.length; i += 1) {
      const key = pairKey(symbols[i]!, symbols[i + 1]!);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * count);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(index);
      }
    }
  };
  words.forEach((_, index) => addPairs(index, 1));
  const heap = new PairHeap();
  for (const [key, count] of pairCounts) heap.push(count, key);

  const vocab = [...BYTE_SYMBOLS];
  const merges: Array<[string, string]> = [];
  while (vocab.length < vocabSize) {
    const top = heap.pop();
    if (!top) break;
    const current = pairCounts.get(top.key) ?? 0;
    if (current !== top.count) {
      if (current > 0) heap.push(current, top.key);
      continue;
    }
    if (current < 2) break;
    const a = Math.floor(top.key / PAIR_BASE);
    const b = top.key % PAIR_BASE;
    const merged = vocab.length;
    vocab.push(vocab[a]! + vocab[b]!);
    merges.push([vocab[a]!, vocab[b]!]);
    const touched = new Set<number>();
    for (const index of pairWords.get(top.key) ?? []) {
      const word = words[index]!;
      addPairs(index, -1);
      const next: number[] = [];
      for (let i = 0; i < word.symbols.length; i += 1) {
        if (i + 1 < word.symbols.length && word.symbols[i] === a && word.symbols[i + 1] === b) {
          next.push(merged);
          i += 1;
        } else {
          next.push(word.symbols[i]!);
        }
      }
      word.symbols = next;
      addPairs(index, 1);
      for (let i = 0; i + 1 < next.length; i += 1) touched.add(pairKey(next[i]!, next[i + 1]!));
    }
    pairWords.delete(top.key);
    pairCounts.delete(top.key);
    for (const key of touched) {
      const count = pairCounts.get(key) ?? 0;
      if (count > 0) heap.push(count, key);
    }
  }
  return { vocab, merges };
}
