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
 * A target with no tool call (`ExpertText`, the math setting's solution steps) is always compared
 * as text: the step after `</think>` against the expert's step. Only the `<think>` split decides
 * its format; the mode changes nothing for it.
 */
import { canonicalAction, parseAction, type FormatErrorCode, type ParsedAction } from '../tools/parsers/index.js';
import type { ExpertAction } from '../trajectories/steps/schema.js';
import { sequenceMatcherRatio } from './similarity.js';
import { splitResponse } from './srl/split-response.js';

export { splitResponse, type SplitResponse } from './srl/split-response.js';
export type { ExpertAction } from '../trajectories/steps/schema.js';

export const SRL_REWARD_MODES = ['canonical', 'raw'] as const;
export type SrlRewardMode = (typeof SRL_REWARD_MODES)[number];

/** A target compared as plain text (a math solution step): there is no action to parse. */
export interface ExpertText {
  kind: 'text';
  text: string;
}

/** What a step row's response is scored against. */
export type SrlTarget = ExpertAction | ExpertText;

export function isTextTarget(target: SrlTarget): target is ExpertText {
  return (target as Partial<ExpertText>).kind === 'text';
}

export interface SrlRewardOptions {
  mode: SrlRewardMode;
}

export type SrlRewardResult =
  | { reward: number; formatOk: true; monologue: string; action: ParsedAction; compared: { response: string; expert: string } }
  | { reward: -1; formatOk: false; reason: string };

export type SrlTextRewardResult =
  | { reward: number; formatOk: true; monologue: string; compared: { response: string; expert: string } }
  | { reward: -1; formatOk: false; reason: string };

const VIOLATION_PREFIX: Readonly<Record<FormatErrorCode, string>> = {
  no_action: 'no action',
  multiple_actions: 'more than one action',
  unparseable: 'unparseable tool call',
};

export function srlReward(response: string, expert: ExpertAction, options?: SrlRewardOptions): SrlRewardResult;
export function srlReward(response: string, expert: ExpertText, options?: SrlRewardOptions): SrlTextRewardResult;
export function srlReward(response: string, expert: SrlTarget, options?: SrlRewardOptions): SrlRewardResult | SrlTextRewardResult;
export function srlReward(response: string, expert: SrlTarget, options: SrlRewardOptions = { mode: 'canonical' }): SrlRewardResult | SrlTextRewardResult {
  const split = splitResponse(response);
  if (!split.ok) return { reward: -1, formatOk: false, reason: split.reason };
  if (isTextTarget(expert)) {
    const compared = { response: split.actionText, expert: expert.text.trim() };
    return { reward: sequenceMatcherRatio(compared.response, compared.expert), formatOk: true, monologue: split.monologue, compared };
  }
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
