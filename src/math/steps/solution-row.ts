/**
 * The whole-solution row of a problem: the problem alone, asked as the evaluation asks it (the
 * math evaluation prompt), and the whole expert solution as the target. It has the step rows'
 * shape (`target_kind: "solution"`, `step_index` 0), so the trainer reads both from one file: SFT
 * learns the expert's whole solution from it, and math RLVR samples whole solutions for its prompt
 * and rewards them by their final answer (`answer`). The prompt is built here once, and
 * `sampleAnswers` (held-out measurement, `math sample`) asks with the same one.
 */
import type { MathProblem } from '../solution/problems-file.js';
import { MATH_EVAL_SYSTEM_PROMPT } from './system-prompt.js';
import { approximateTokenCount } from './token-budget.js';
import { MATH_DOMAIN, type MathStepRow } from './step-row-schema.js';

/** The messages that ask for a whole solution of a problem. */
export function mathSolutionMessages(problem: string, systemPrompt: string = MATH_EVAL_SYSTEM_PROMPT): Array<{ role: 'system' | 'user'; content: string }> {
  return [
    { role: 'system', content: systemPrompt },
    { role: 'user', content: problem },
  ];
}

/** The expert solution as written: the preamble (if any) and every step, one block per line. */
export function solutionTextOf(problem: MathProblem): string {
  return [...(problem.preamble !== '' ? [problem.preamble] : []), ...problem.steps.map((step) => step.text)].join('\n');
}

export function mathSolutionRow(problem: MathProblem, idPrefix = problem.id): MathStepRow {
  return {
    step_id: `${idPrefix}#solution`,
    instance_id: problem.id,
    step_index: 0,
    domain: MATH_DOMAIN,
    messages: mathSolutionMessages(problem.problem),
    target: solutionTextOf(problem),
    answer: problem.answer,
    ...(problem.dataset !== undefined ? { dataset: problem.dataset } : {}),
    step_count: problem.steps.length,
    split_rule: problem.rule,
    omitted_steps: 0,
    prefix_tokens: approximateTokenCount(problem.problem),
    truncated: false,
    target_kind: 'solution',
  };
}
