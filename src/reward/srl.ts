/**
 * The SRL step reward (arXiv 2510.25992): −1 when the response breaks the format, else the
 * similarity of its action to the expert's, Python difflib's SequenceMatcher ratio in [0, 1].
 *
 * Format violations: no closing `</think>`, no action after it, more than one action, an action
 * that cannot be parsed (bad JSON, unclosed tag, missing or unknown arguments). The response must
 * use the expert trajectory's tool format.
 *
 * Two comparisons:
 * - `canonical` (default): both actions parsed and rendered as one canonical SWE-agent command
 *   line, so whitespace around tags, parameter order or quoting style change nothing, and no
 *   format's markup (`<function=…>` tags, JSON braces) inflates the similarity of unrelated actions;
 * - `raw`: the text after `</think>` against the expert's action text, character for character.
 *
 * Math solution steps are text targets (`srlTextReward`, at the end): the same splitter and the
 * same similarity, without an action to parse; `srlStepReward` takes either kind of target.
 */
import { canonicalAction, readResponse, type FormatErrorCode, type ParsedAction, type ResponseLike } from '../tools/parsers/index.js';
import type { ExpertAction } from '../trajectories/steps/schema.js';
import { sequenceMatcherRatio } from './similarity.js';
import { splitResponse } from './srl/split-response.js';

export { splitResponse, type SplitResponse } from './srl/split-response.js';
export type { ExpertAction } from '../trajectories/steps/schema.js';

export const SRL_REWARD_MODES = ['canonical', 'raw'] as const;
export type SrlRewardMode = (typeof SRL_REWARD_MODES)[number];

export interface SrlRewardOptions {
  mode: SrlRewardMode;
}

export type SrlRewardResult =
  | { reward: number; formatOk: true; monologue: string; action: ParsedAction; compared: { response: string; expert: string } }
  | { reward: -1; formatOk: false; reason: string };

const VIOLATION_PREFIX: Readonly<Record<FormatErrorCode, string>> = {
  no_action: 'no action',
  multiple_actions: 'more than one action',
  unparseable: 'unparseable tool call',
};

/**
 * Scores one response: text, or text with native tool calls (a function-calling policy's turn).
 * It is read exactly as the agent loop reads a turn with `think_tags` on (tools/parsers/response.ts),
 * so what the reward accepts, the loop runs, and the reverse.
 */
export function srlReward(response: string | ResponseLike, expert: ExpertAction, options: SrlRewardOptions = { mode: 'canonical' }): SrlRewardResult {
  const output = typeof response === 'string' ? { text: response } : response;
  const read = readResponse(output, expert.toolFormat, { thinkTags: true });
  if (!read.ok) {
    return { reward: -1, formatOk: false, reason: read.code === 'response_format' ? read.reason : `${VIOLATION_PREFIX[read.code]}: ${read.reason}` };
  }
  let compared: { response: string; expert: string };
  if (options.mode === 'canonical') {
    compared = { response: canonicalAction(read.action), expert: canonicalAction(expert.action) };
  } else {
    // The raw text after </think>; native tool calls have no text of their own, so their canonical rendering stands in.
    const split = splitResponse(output.text);
    compared = { response: split.ok ? split.actionText : read.actionText, expert: expert.text.trim() };
  }
  return { reward: sequenceMatcherRatio(compared.response, compared.expert), formatOk: true, monologue: read.monologue, action: read.action, compared };
}

/**
 * A target compared as plain text: a math solution step. There is no tool call to parse, so only
 * the `<think>` split decides the format, and the reward mode changes nothing.
 */
export interface ExpertText {
  kind: 'text';
  text: string;
}

/** What a step row's responses are scored against: a SWE expert action or a text step. */
export type SrlTarget = ExpertAction | ExpertText;

export type SrlTextRewardResult =
  | { reward: number; formatOk: true; monologue: string; compared: { response: string; expert: string } }
  | { reward: -1; formatOk: false; reason: string };

export function isTextTarget(target: SrlTarget): target is ExpertText {
  return (target as Partial<ExpertText>).kind === 'text';
}

/** The SRL reward of a text step: −1 for a broken `<think>` format, else the difflib ratio of the text after `</think>`. */
export function srlTextReward(response: string, expert: ExpertText): SrlTextRewardResult {
  const split = splitResponse(response);
  if (!split.ok) return { reward: -1, formatOk: false, reason: split.reason };
  const compared = { response: split.actionText, expert: expert.text.trim() };
  return { reward: sequenceMatcherRatio(compared.response, compared.expert), formatOk: true, monologue: split.monologue, compared };
}

/** The SRL reward for any step row's target: `srlReward` for an action, `srlTextReward` for a text step. */
export function srlStepReward(response: string, target: SrlTarget, options?: SrlRewardOptions): SrlRewardResult | SrlTextRewardResult {
  return isTextTarget(target) ? srlTextReward(response, target) : srlReward(response, target, options);
}
