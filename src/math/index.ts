/**
 * The SRL paper's math setting: worked solutions cut into numbered steps, SRL step rows (the chat
 * rows SWE steps use, marked `domain: "math"`), the RLVR answer reward and its checker, the
 * built-in problem family, and Avg@k evaluation.
 */
export { splitSolution, parseNumberedSteps, splitByRule, hasNumberedForm, SPLIT_RULES, FALLBACK_SPLIT_RULES, type SolutionStep, type SplitRule, type FallbackSplitRule } from './solution/steps.js';
export {
  readMathProblems,
  emptyReadReport,
  fieldMapFrom,
  PLAIN_FIELDS,
  S1K_FIELDS,
  FIELD_MAP_PRESETS,
  type MathProblem,
  type MathFieldMap,
  type MathReadReport,
  type MathRowRejection,
  type ReadMathProblemsOptions,
} from './solution/problems-file.js';
export { mathStepRows, defaultMathStepOptions, DEFAULT_PREFIX_BUDGET, type MathStepOptions } from './steps/step-rows.js';
export { mathStepRowSchema, isMathRow, MATH_DOMAIN, type MathStepRow } from './steps/step-row-schema.js';
export { writeMathStepFile, MATH_ROW_CHOICES, type MathRowChoice, type WriteMathStepsOptions, type WriteMathStepsReport } from './steps/write-step-file.js';
export { mathSolutionRow, mathSolutionMessages, solutionTextOf } from './steps/solution-row.js';
export { mathRlvrReward, type MathRlvrRewardResult } from './answer/rlvr-reward.js';
export { mathSrlSystemPrompt, MATH_EVAL_SYSTEM_PROMPT } from './steps/system-prompt.js';
export { approximateTokenCount, truncateToTokens, type TokenCounter } from './steps/token-budget.js';
export { answerReward, type AnswerRewardResult } from './answer/answer-reward.js';
export { extractAnswer, type ExtractedAnswer, type ExtractOptions } from './answer/extract.js';
export { answersEquivalent } from './answer/equivalence.js';
export { normalizeAnswer } from './answer/normalize.js';
export { Rational } from './answer/rational.js';
export { generateMathFamily, MATH_KINDS, MATH_KIND_NAMES, MATH_SPLITS, MATH_TIER_CHOICES, type MathFamilyRow, type MathFamilyOptions, type MathSplit } from './family/generate.js';
export { writeMathFamily, type MathFamilyManifest } from './family/write-family.js';
export { MATH_TIERS, type MathTier } from './family/problem-kind.js';
export { gradeMathPredictions, formatMathEvalTable, gradedPathFor, type MathEvalSummary, type DatasetSummary, type GradedPrediction } from './eval/grade-predictions.js';
export { loadEvalProblems, type EvalProblem } from './eval/eval-problems.js';
export { sampleAnswers, type SampleAnswersOptions, type SampleAnswersReport } from './eval/sample-answers.js';
