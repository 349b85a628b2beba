/**
 * What the policy sees of the conversation: a token estimate for the context budget, and
 * SWE-agent's `last_n_observations` processor, which keeps only the most recent observations in
 * full so long episodes fit.
 */
import type { ChatMessage } from '../policy/types.js';

/** About four characters per token, plus a few tokens of chat framing per message. */
export function estimateTokens(messages: readonly ChatMessage[]): number {
  let characters = 0;
  for (const message of messages) {
    characters += message.content.length;
    if (message.role === 'assistant' && message.toolCalls) {
      for (const call of message.toolCalls) characters += call.name.length + call.arguments.length;
    }
  }
  return Math.ceil(characters / 4) + 4 * messages.length;
}

/**
 * Replaces all but the last `keep` observations (user or tool turns after the instance prompt)
 * with `Old environment output: (N lines omitted)`.
 */
export function elideOldObservations(messages: readonly ChatMessage[], keep: number): ChatMessage[] {
  const observationIndexes: number[] = [];
  let seenInstancePrompt = false;
  messages.forEach((message, index) => {
    if (message.role === 'user' && !seenInstancePrompt) {
      seenInstancePrompt = true;
      return;
    }
    if (message.role === 'user' || message.role === 'tool') observationIndexes.push(index);
  });
  const elide = new Set(observationIndexes.slice(0, Math.max(0, observationIndexes.length - keep)));
  return messages.map((message, index) => {
    if (!elide.has(index) || (message.role !== 'user' && message.role !== 'tool')) return message;
    const lines = message.content.split('\n').length;
    return { ...message, content: `Old environment output: (${lines} lines omitted)` };
  });
}
