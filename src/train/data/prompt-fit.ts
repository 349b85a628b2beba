/**
 * Fitting a chat prompt into a token budget, the way a human editor would cut it: first leave out
 * the oldest rounds of history (an assistant turn and the observations after it), saying so in the
 * first user turn, then shorten the longest remaining turn in its middle (its head and tail kept
 * around a marker, as long observations are cut elsewhere). An SRL step prompt is the issue plus
 * the two latest action/observation rounds; on a small context the older round goes first.
 */
import { InputError } from '../../errors.js';
import type { ChatMessage } from '../../policy/types.js';
import type { ToolSpec } from '../../tools/types.js';
import { truncateObservation, truncationMarker } from '../../trajectories/steps/truncate.js';
import type { ChatTemplate } from '../tokenizer/chat-template.js';

export interface FittedPrompt {
  messages: ChatMessage[];
  ids: number[];
  /** History rounds left out. */
  droppedRounds: number;
  /** Turns shortened in the middle. */
  shortenedTurns: number;
}

export function droppedRoundsNote(count: number): string {
  return `[${count} earlier round${count === 1 ? '' : 's'} of action and observation left out to fit the model's context]`;
}

function withNote(messages: ChatMessage[], firstUser: number, dropped: number): ChatMessage[] {
  if (dropped === 0) return messages;
  return messages.map((message, index) => (index === firstUser ? { ...message, content: `${message.content}\n\n${droppedRoundsNote(dropped)}` } as ChatMessage : message));
}

export function fitPrompt(template: ChatTemplate, messages: readonly ChatMessage[], budget: number, tools?: readonly ToolSpec[]): FittedPrompt {
  const render = (candidate: ChatMessage[]): number[] => template.render(candidate, { addGenerationPrompt: true, ...(tools ? { tools } : {}) }).ids;
  let ids = render([...messages]);
  if (ids.length <= budget) return { messages: [...messages], ids, droppedRounds: 0, shortenedTurns: 0 };

  const firstUser = messages.findIndex((message) => message.role === 'user');
  const head = messages.slice(0, firstUser + 1);
  // Rounds: each assistant turn with the turns that answer it.
  const rounds: ChatMessage[][] = [];
  for (const message of messages.slice(firstUser + 1)) {
    if (message.role === 'assistant' || rounds.length === 0) rounds.push([message]);
    else rounds[rounds.length - 1]!.push(message);
  }
  let dropped = 0;
  let current = [...messages];
  // The latest round (the observation the next action answers) is the last to go.
  while (ids.length > budget && rounds.length - dropped > 1) {
    dropped += 1;
    current = withNote([...head, ...rounds.slice(dropped).flat()], firstUser, dropped);
    ids = render(current);
  }
  let shortened = 0;
  for (let attempt = 0; ids.length > budget && attempt < 40; attempt += 1) {
    let longest = -1;
    current.forEach((message, index) => {
      if (longest < 0 || message.content.length > current[longest]!.content.length) longest = index;
    });
    const target = current[longest]!;
    if (target.content.length < 64) break;
    const excess = ids.length - budget;
    // Tokens to characters at this turn's own density, with room for the marker the cut adds.
    const perToken = target.content.length / Math.max(1, template.tokenizer.encode(target.content).length);
    const keep = Math.max(0, Math.floor(target.content.length - excess * perToken * 1.1 - truncationMarker(target.content.length).length - 8));
    current = current.map((message, index) => (index === longest ? ({ ...message, content: truncateObservation(message.content, keep) } as ChatMessage) : message));
    shortened += 1;
    ids = render(current);
  }
  if (ids.length > budget) {
    throw new InputError(`the prompt cannot be cut to ${budget} tokens (still ${ids.length} after leaving out ${dropped} rounds and shortening turns): the context is too small for the chat template`);
  }
  return { messages: current, ids, droppedRounds: dropped, shortenedTurns: shortened };
}
