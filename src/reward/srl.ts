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
import { canonicalAction, parseAction, type FormatErrorCode, type ParsedAction } from '../tools/parsers/index.js';
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

export function srlReward(response: string, expert: ExpertAction, options: SrlRewardOptions = { mode: 'canonical' }): SrlRewardResult {
  const split = splitResponse(response);
  if (!split.ok) return { reward: -1, formatOk: false, reason: split.reason };
  const parsed = parseAction(expert.toolFormat, split.actionText);
  if (!parsed.ok) return { reward: -1, formatOk: false, reason: `${VIOLATION_PREFIX[parsed.error.code]}: ${parsed.error.reason}` };
  // An empty command in a function call is no action, as an empty fenced block is in thought-action.
  if (parsed.action.tool === 'bash' && (parsed.action.args as { command?: unknown }).command === '') {
    return { reward: -1, formatOk: false, reason: `${VIOLATION_PREFIX.no_action}: the command is empty` };
  }
  const compared =
    options.mode === 'canonical'
      ? { response: canonicalAction(parsed.action), expert: canonicalAction(expert.action) }
      : { response: split.actionText, expert: expert.text.trim() };
  return {
    reward: sequenceMatcherRatio(compared.response, compared.expert),
    formatOk: true,
    monologue: split.monologue,
    action: parsed.action,
    compared,
  };
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
