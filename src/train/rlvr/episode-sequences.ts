/**
 * What the RLVR loss learns from one episode: the tokens the policy wrote, in the contexts it
 * wrote them in. Each turn is the prompt the model saw (rendered and fitted) and the tokens it
 * sampled. When a turn's prompt extends the sequence so far (the whole conversation still fits),
 * the turn joins that sequence: the observation and template tokens between two policy turns are
 * masked and the policy's tokens learned, one sequence per episode. When the prompt no longer
 * extends it (a history window moved, an old turn was cut to fit), a new sequence starts, so every
 * learned token is scored in exactly the context it was sampled in and π_old stays exact.
 */

/** One model call of an episode, in tokens. */
export interface TurnTokens {
  promptIds: readonly number[];
  /** The sampled tokens (the end-of-turn token included when sampled). */
  tokens: readonly number[];
  /** log π_old of each sampled token. */
  logprobs: readonly number[];
}

export interface EpisodeSequence {
  ids: number[];
  /** True for the policy's tokens. */
  learn: boolean[];
  /** log π_old of ids[i] where learn[i] (0 elsewhere). */
  oldLogp: number[];
}

function startsWith(ids: readonly number[], prefix: readonly number[]): boolean {
  if (prefix.length > ids.length) return false;
  for (let i = 0; i < prefix.length; i += 1) if (ids[i] !== prefix[i]) return false;
  return true;
}

export function episodeSequences(turns: readonly TurnTokens[], contextLength: number): EpisodeSequence[] {
  const sequences: EpisodeSequence[] = [];
  let current: EpisodeSequence | undefined;
  for (const turn of turns) {
    if (turn.tokens.length === 0) continue;
    const total = turn.promptIds.length + turn.tokens.length;
    if (!current || !startsWith(turn.promptIds, current.ids) || total > contextLength) {
      current = { ids: [], learn: [], oldLogp: [] };
      sequences.push(current);
    }
    for (const id of turn.promptIds.slice(current.ids.length)) {
      current.ids.push(id);
      current.learn.push(false);
      current.oldLogp.push(0);
    }
    turn.tokens.forEach((id, i) => {
      current!.ids.push(id);
      current!.learn.push(true);
      current!.oldLogp.push(turn.logprobs[i]!);
    });
  }
  return sequences;
}
