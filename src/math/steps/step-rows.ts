/**
 * SRL step instances for math (arXiv 2510.25992, §4.2): a solution of N steps gives N − 1
 * instances. The instance for step k+1 shows the problem and the expert's steps 1..k (all of them
 * by default, as the paper does, or the H most recent), and its target is step k+1. Step 1 is
 * never a target: every instance continues a partial solution, as in the paper's Figure 3.
 *
 * Optionally the prompt also gives the next step's number and title, and the target is then the
 * rest of that step (the paper's footnote reports this helps). A partial solution longer than the
 * token budget loses its oldest steps first, then the middle of what remains, each with a marker.
 */
import type { MathProblem } from '../solution/problems-file.js';
import { mathSrlSystemPrompt } from './system-prompt.js';
import { approximateTokenCount, truncateToTokens, type TokenCounter } from './token-budget.js';
import { MATH_DOMAIN, type MathStepRow } from './step-row-schema.js';

export const DEFAULT_PREFIX_BUDGET = 4096;

export interface MathStepOptions {
  /** Earlier steps shown: all of them, or the H most recent. */
  history: number | 'all';
  /** Give the next step's number and title in the prompt; the target is then the rest of the step. */
  nextTitle: boolean;
  /** Most tokens of partial solution (preamble and steps) in a prompt. */
  prefixBudget: number;
  /** Counts tokens for the budget; an approximation by default (see token-budget.ts). */
  countTokens?: TokenCounter;
}

export const defaultMathStepOptions: MathStepOptions = { history: 'all', nextTitle: false, prefixBudget: DEFAULT_PREFIX_BUDGET };

function validate(options: MathStepOptions): void {
  if (options.history !== 'all' && (!Number.isInteger(options.history) || options.history < 1)) {
    throw new RangeError(`history must be a positive number of steps or 'all', got ${options.history}`);
  }
  if (!Number.isInteger(options.prefixBudget) || options.prefixBudget < 1) {
    throw new RangeError(`prefix budget must be a positive number of tokens, got ${options.prefixBudget}`);
  }
}

interface Prefix {
  text: string;
  omitted: number;
  tokens: number;
  truncated: boolean;
}

/** The partial solution before step `k` (0-based), within the window and the budget. */
function partialSolution(problem: MathProblem, k: number, options: MathStepOptions): Prefix {
  const count = options.countTokens ?? approximateTokenCount;
  const first = options.history === 'all' ? 0 : Math.max(0, k - options.history);
  const blocks: Array<{ text: string; isStep: boolean }> = [];
  if (first === 0 && problem.preamble !== '') blocks.push({ text: problem.preamble, isStep: false });
  for (const step of problem.steps.slice(first, k)) blocks.push({ text: step.text, isStep: true });
  let omitted = first;
  let truncated = false;
  let tokens = blocks.reduce((sum, block) => sum + count(block.text), 0);
  while (tokens > options.prefixBudget && blocks.length > 1) {
    const dropped = blocks.shift()!;
    if (dropped.isStep) omitted += 1;
    tokens -= count(dropped.text);
    truncated = true;
  }
  if (tokens > options.prefixBudget) {
    const only = blocks[0]!;
    only.text = truncateToTokens(only.text, options.prefixBudget, count).text;
    tokens = count(only.text);
    truncated = true;
  }
  const shown = blocks.map((block) => block.text).join('\n\n');
  const note = omitted === 0 ? '' : `(${omitted === 1 ? 'The first step is' : `The first ${omitted} steps are`} not shown; the most recent ones follow.)\n`;
  return { text: `${note}${shown}`, omitted, tokens, truncated };
}

function instruction(problem: MathProblem, k: number, nextTitle: string | undefined): string {
  const step = problem.steps[k]!;
  if (nextTitle !== undefined) return `The next step is:\n${nextTitle}\nWrite the rest of step ${step.number}.`;
  return problem.rule === 'numbered' ? `Write step ${step.number}.` : 'Write the next step.';
}

/** The N − 1 chat step rows of one problem; `idPrefix` keeps step ids distinct across files. */
export function mathStepRows(problem: MathProblem, options: MathStepOptions = defaultMathStepOptions, idPrefix = problem.id): MathStepRow[] {
  validate(options);
  const useTitle = options.nextTitle && problem.rule === 'numbered';
  const system = mathSrlSystemPrompt({ rule: problem.rule, nextTitle: useTitle });
  const rows: MathStepRow[] = [];
  for (let k = 1; k < problem.steps.length; k += 1) {
    const step = problem.steps[k]!;
    const nextTitle = useTitle ? `${step.number}. **${step.title}**` : undefined;
    const prefix = partialSolution(problem, k, options);
    const user = `Problem:\n${problem.problem}\n\nSolution so far:\n${prefix.text}\n\n${instruction(problem, k, nextTitle)}`;
    const messages: MathStepRow['messages'] = [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ];
    rows.push({
      step_id: `${idPrefix}#${k}`,
      instance_id: problem.id,
      step_index: k,
      domain: MATH_DOMAIN,
      messages,
      target: nextTitle !== undefined ? step.action : step.text,
      answer: problem.answer,
      ...(problem.dataset !== undefined ? { dataset: problem.dataset } : {}),
      step_count: problem.steps.length,
      split_rule: problem.rule,
      omitted_steps: prefix.omitted,
      prefix_tokens: prefix.tokens,
      truncated: prefix.truncated,
      ...(nextTitle !== undefined ? { next_title: nextTitle } : {}),
    });
  }
  return rows;
}
