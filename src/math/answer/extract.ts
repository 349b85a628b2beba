/**
 * The final answer of a response, found as the Qwen2.5-Math evaluation finds it: the content of
 * the last `\boxed{…}` (nested braces counted), else what follows the last "the answer is" /
 * "final answer is", else (optionally) the last number in the text.
 *
 * A last `\boxed{` that never closes is no answer at all (the checker would take the rest of the
 * text): a response cut off inside its box has not answered, whatever came before.
 */
import { matchingBrace } from './normalize.js';

export type ExtractionRoute = 'boxed' | 'answer-is' | 'last-number' | 'none';

export interface ExtractedAnswer {
  /** The answer text, or null when the response gives none. */
  answer: string | null;
  via: ExtractionRoute;
  /** Why there is no answer, when there is none. */
  reason?: string;
}

export interface ExtractOptions {
  /** Fall back to the last number of the text (the Qwen evaluation's default). Default true. */
  lastNumber?: boolean;
}

const BOX_COMMAND = /\\(?:boxed|fbox)(?![a-zA-Z])/g;

function lastBoxed(text: string): ExtractedAnswer | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of text.matchAll(BOX_COMMAND)) last = match;
  if (!last) return undefined;
  let start = last.index + last[0].length;
  while (text[start] === ' ') start += 1;
  if (text[start] === '{') {
    const close = matchingBrace(text, start);
    if (close < 0) return { answer: null, via: 'none', reason: 'the last \\boxed{ never closes' };
    return { answer: text.slice(start + 1, close).trim(), via: 'boxed' };
  }
  // `\boxed 5` (LaTeX allows one token without braces): up to the closing dollar or the line end.
  const bare = /^([^\s$]+)/.exec(text.slice(start));
  return bare ? { answer: bare[1]!, via: 'boxed' } : { answer: null, via: 'none', reason: '\\boxed without a content' };
}

const ANSWER_IS = /(?:the|final) answer is\s*:?\s*/gi;

function afterAnswerIs(text: string): ExtractedAnswer | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of text.matchAll(ANSWER_IS)) last = match;
  if (!last) return undefined;
  let rest = text.slice(last.index + last[0].length);
  // Minerva's few-shot form: "The final answer is $X$. I hope it is correct."
  const dollars = /^\$([^$]*)\$/.exec(rest);
  if (dollars) rest = dollars[1]!;
  else rest = rest.split('\n')[0]!.replace(/\.(?:\s.*)?$/, '');
  const answer = rest.trim().replace(/\.$/, '').trim();
  return answer === '' ? undefined : { answer, via: 'answer-is' };
}

function lastNumber(text: string): ExtractedAnswer | undefined {
  const numbers = text.replace(/(\d),(?=\d{3}(?!\d))/g, '$1').match(/-?\d*\.?\d+/g);
  return numbers && numbers.length > 0 ? { answer: numbers[numbers.length - 1]!, via: 'last-number' } : undefined;
}

export function extractAnswer(response: string, options: ExtractOptions = {}): ExtractedAnswer {
  const boxed = lastBoxed(response);
  if (boxed) return boxed;
  const stated = afterAnswerIs(response);
  if (stated) return stated;
  if (options.lastNumber ?? true) {
    const number = lastNumber(response);
    if (number) return number;
  }
  return { answer: null, via: 'none', reason: 'no \\boxed{}, no "the answer is" and no number' };
}
