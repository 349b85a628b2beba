/**
 * Token counting for prompt budgets. Until a tokenizer is at hand (the trainer brings its own BPE,
 * and any counter can be passed in), tokens are approximated the way BPE pre-tokenizers cut text:
 * a run of letters is one token, each digit is one (as Qwen's tokenizer splits numbers), and every
 * other visible character is one. On English prose with LaTeX this errs low by a few tens of
 * percent against real BPE vocabularies, so budgets should keep a margin.
 */

export type TokenCounter = (text: string) => number;

const PIECE = /\p{L}+|\p{N}|[^\s\p{L}\p{N}]/gu;

export const approximateTokenCount: TokenCounter = (text) => {
  let count = 0;
  for (const _ of text.matchAll(PIECE)) count += 1;
  return count;
};

export function tokenCutMarker(cut: number): string {
  return `[... ${cut} tokens cut to fit the prompt budget ...]`;
}

/**
 * The text itself when `count` gives it at most `budget` tokens, else its head and tail around a
 * marker saying how many tokens were cut. The cut is made between approximate pieces, scaled to
 * the counter's own measure, so it works with any counter.
 */
export function truncateToTokens(text: string, budget: number, count: TokenCounter = approximateTokenCount): { text: string; cut: number } {
  const tokens = count(text);
  if (tokens <= budget) return { text, cut: 0 };
  const pieces = [...text.matchAll(PIECE)];
  const keep = Math.max(0, Math.min(pieces.length, Math.floor((budget * pieces.length) / tokens)));
  const head = Math.floor(keep / 2);
  const tail = keep - head;
  const headEnd = head === 0 ? 0 : pieces[head - 1]!.index + pieces[head - 1]![0].length;
  const tailStart = tail === 0 ? text.length : pieces[pieces.length - tail]!.index;
  const kept = `${text.slice(0, headEnd)}${text.slice(tailStart)}`;
  const cut = tokens - count(kept);
  return { text: `${text.slice(0, headEnd).trimEnd()}\n${tokenCutMarker(cut)}\n${text.slice(tailStart).trimStart()}`.trim(), cut };
}
