/**
 * A worked solution cut into steps. The SRL paper has its expert solutions rewritten as numbered
 * steps, `1. **{STEP TITLE}** {STEP ACTION}`, and drops the ones that fail that format; each step
 * is one action to learn. A solution with no numbered form can instead be cut into paragraphs or
 * lines, and the result says which rule cut it.
 */

export const SPLIT_RULES = ['numbered', 'paragraphs', 'lines'] as const;
export type SplitRule = (typeof SPLIT_RULES)[number];
/** The rules for a solution with no numbered form. */
export const FALLBACK_SPLIT_RULES = ['paragraphs', 'lines'] as const;
export type FallbackSplitRule = (typeof FALLBACK_SPLIT_RULES)[number];

export interface SolutionStep {
  /** 1-based position in the solution (the `N` of `N. **Title**`). */
  number: number;
  /** The bold title, for numbered steps. */
  title?: string;
  /** The whole step as written, trimmed: `3. **Title** action…`, or the paragraph or line. */
  text: string;
  /** What follows the title (numbered steps), else the whole text. */
  action: string;
}

export interface SplitSolution {
  steps: SolutionStep[];
  rule: SplitRule;
  /** Text before step 1 (an introduction), shown as the start of every partial solution; may be empty. */
  preamble: string;
}

export type SplitResult = ({ ok: true } & SplitSolution) | { ok: false; reason: string };

// A step head starts a line at column 0: an indented `1. **…**` belongs to a list inside a step.
const STEP_HEAD = /^(\d+)\.[ \t]+\*\*(.+?)\*\*(.*)$/;
// The rewrite template opens with this header; it is not part of the solution.
const SOLUTION_HEADER = /^\s*\**SOLUTION:?\**\s*$/i;

/** True when the text has at least one numbered step head (so it is meant to be in numbered form). */
export function hasNumberedForm(solution: string): boolean {
  return solution.split(/\r?\n/).some((line) => STEP_HEAD.test(line));
}

/** Numbered steps, strictly: heads at column 0 numbered 1, 2, 3, … each with a title and an action. */
export function parseNumberedSteps(solution: string): SplitResult {
  const lines = solution.split(/\r?\n/);
  const preamble: string[] = [];
  const steps: Array<{ number: number; title: string; lines: string[]; rest: string[] }> = [];
  for (const line of lines) {
    const head = STEP_HEAD.exec(line);
    if (head) {
      const number = Number(head[1]);
      const expected = steps.length + 1;
      if (number !== expected) {
        return { ok: false, reason: steps.length === 0 ? `the first numbered step is ${number}, not 1` : `step ${number} follows step ${steps.length} (expected ${expected})` };
      }
      const title = head[2]!.trim();
      if (title === '') return { ok: false, reason: `step ${number} has an empty title` };
      steps.push({ number, title, lines: [line], rest: [head[3]!] });
    } else if (steps.length === 0) {
      if (!SOLUTION_HEADER.test(line)) preamble.push(line);
    } else {
      const current = steps[steps.length - 1]!;
      current.lines.push(line);
      current.rest.push(line);
    }
  }
  if (steps.length === 0) return { ok: false, reason: 'no numbered step (`1. **Title** action`)' };
  const parsed: SolutionStep[] = [];
  for (const step of steps) {
    const action = step.rest.join('\n').trim();
    if (action === '') return { ok: false, reason: `step ${step.number} has a title and no action` };
    parsed.push({ number: step.number, title: step.title, text: step.lines.join('\n').trim(), action });
  }
  return { ok: true, steps: parsed, rule: 'numbered', preamble: preamble.join('\n').trim() };
}

/** Paragraphs (blank-line separated) or non-blank lines, each one step. */
export function splitByRule(solution: string, rule: FallbackSplitRule): SplitResult {
  const pieces = (rule === 'paragraphs' ? solution.split(/\r?\n[ \t]*\r?\n/) : solution.split(/\r?\n/)).map((piece) => piece.trim()).filter((piece) => piece !== '');
  if (pieces.length === 0) return { ok: false, reason: 'the solution is empty' };
  return { ok: true, rule, preamble: '', steps: pieces.map((text, i) => ({ number: i + 1, text, action: text })) };
}

/**
 * The solution's steps: its numbered form when it has one (which must then be well formed),
 * else `fallback`'s pieces; without a fallback a solution must be numbered.
 */
export function splitSolution(solution: string, fallback?: FallbackSplitRule): SplitResult {
  if (hasNumberedForm(solution)) return parseNumberedSteps(solution);
  if (fallback) return splitByRule(solution, fallback);
  return { ok: false, reason: 'no numbered step (`1. **Title** action`) and no split rule for unnumbered solutions' };
}
