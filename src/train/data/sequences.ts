/**
 * Examples as token sequences with the mask of tokens to learn: a step example is its prompt
 * (fitted into the prompt budget) followed by the expert's answer (cut to the response budget);
 * a conversation is rendered whole and learned on its assistant turns, cut at the context.
 */
import type { TokenBudget } from '../config.js';
import { deriveSeed, Rng, shuffledIndices } from '../model/rng.js';
import type { ChatTemplate } from '../tokenizer/chat-template.js';
import type { ConversationExample, StepExample } from './examples.js';
import { fitPrompt } from './prompt-fit.js';

export interface TrainingSequence {
  id: string;
  ids: number[];
  learn: boolean[];
}

export interface SequenceStats {
  droppedRounds: number;
  shortenedPrompts: number;
  truncatedResponses: number;
}

export function emptyStats(): SequenceStats {
  return { droppedRounds: 0, shortenedPrompts: 0, truncatedResponses: 0 };
}

export function stepSequence(template: ChatTemplate, example: StepExample, budget: TokenBudget, stats: SequenceStats): TrainingSequence & { promptLength: number } {
  const prompt = fitPrompt(template, example.messages, budget.maxPromptTokens);
  stats.droppedRounds += prompt.droppedRounds;
  if (prompt.shortenedTurns > 0) stats.shortenedPrompts += 1;
  let answer = template.answer(example.response);
  if (answer.length > budget.maxResponseTokens) {
    answer = answer.slice(0, budget.maxResponseTokens);
    stats.truncatedResponses += 1;
  }
  return {
    id: example.id,
    ids: [...prompt.ids, ...answer],
    learn: [...prompt.ids.map(() => false), ...answer.map(() => true)],
    promptLength: prompt.ids.length,
  };
}

export function conversationSequence(template: ChatTemplate, example: ConversationExample, contextLength: number, stats: SequenceStats): TrainingSequence {
  const rendered = template.render(example.messages, { addGenerationPrompt: false });
  if (rendered.ids.length > contextLength) stats.truncatedResponses += 1;
  return { id: example.id, ids: rendered.ids.slice(0, contextLength), learn: rendered.assistant.slice(0, contextLength) };
}

/** The example indices of training step `step` (1-based): consecutive slices of per-epoch shuffles, so a resumed run sees the same batches. */
export function batchIndices(count: number, batchSize: number, step: number, shuffle: (epoch: number) => number[]): number[] {
  const indices: number[] = [];
  let position = (step - 1) * batchSize;
  while (indices.length < batchSize) {
    const epoch = Math.floor(position / count);
    const order = shuffle(epoch);
    indices.push(order[position % count]!);
    position += 1;
  }
  return indices;
}

/**
 * Splits examples into training and held-out ones: a seeded `fraction` of them, at most `max`,
 * none when there are fewer than two examples.
 */
export function holdOut<T>(items: readonly T[], fraction: number, max: number, seed: number): { train: T[]; validation: T[] } {
  const count = Math.min(max, Math.floor(items.length * fraction));
  if (count === 0 || items.length < 2) return { train: [...items], validation: [] };
  const order = shuffledIndices(items.length, new Rng(deriveSeed(seed, 0x5f7)));
  const held = new Set(order.slice(0, count));
  return { train: items.filter((_, i) => !held.has(i)), validation: items.filter((_, i) => held.has(i)) };
}
