/**
 * The RLVR reward for math: 1 when the response's final answer is equivalent to the reference,
 * else 0 (no answer, an unclosed box and a wrong answer alike). It is the outcome reward the SRL
 * paper's RLVR baseline and its SRL → RLVR stage train with.
 */
import { answersEquivalent } from './equivalence.js';
import { extractAnswer, type ExtractOptions, type ExtractionRoute } from './extract.js';

export interface AnswerRewardResult {
  reward: 0 | 1;
  correct: boolean;
  /** The final answer found in the response, or null. */
  extracted: string | null;
  via: ExtractionRoute;
}

export function answerReward(response: string, reference: string, options: ExtractOptions = {}): AnswerRewardResult {
  const { answer, via } = extractAnswer(response, options);
  const correct = answersEquivalent(answer, reference);
  return { reward: correct ? 1 : 0, correct, extracted: answer, via };
}
