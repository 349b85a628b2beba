/**
 * The math RLVR reward of a whole solution: the answer reward (1 when the final answer checks
 * equivalent to the reference, else 0), after the same `<think>` format check the math SRL step
 * reward applies (the shared splitter): a response without `<think>…</think>` followed by text
 * scores −1, as a broken format does in SRL. The answer is extracted from the whole response,
 * exactly as `eval-math` grades a prediction, so the training reward and the held-out accuracy
 * agree on every well-formed response.
 */
import { splitResponse } from '../../reward/srl/split-response.js';
import { answerReward, type AnswerRewardResult } from './answer-reward.js';
import type { ExtractOptions } from './extract.js';

export type MathRlvrRewardResult = ({ formatOk: true } & AnswerRewardResult) | { reward: -1; formatOk: false; correct: false; reason: string };

export function mathRlvrReward(response: string, reference: string, options: ExtractOptions = {}): MathRlvrRewardResult {
  const split = splitResponse(response);
  if (!split.ok) return { reward: -1, formatOk: false, correct: false, reason: split.reason };
  return { formatOk: true, ...answerReward(response, reference, options) };
}
