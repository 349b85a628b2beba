/**
 * The prompts of the math setting. What they ask for follows the SRL paper's appendix (B.2): the
 * SRL system prompt has the model continue a partial solution by exactly its next step, after an
 * inner monologue in `<think>` tags that may be as informal and as long as it needs; the
 * evaluation prompt asks for step-by-step reasoning and the final answer in `\boxed{}`, with
 * `<think>` drafts allowed anywhere. The wording here is ours.
 */
import type { SplitRule } from '../solution/steps.js';

const CORE = [
  'You work through math problems one step at a time.',
  'You are given a problem and the part of its solution written so far. Your job is to add the single next step of that solution, not to finish the problem.',
  'Before writing anything else, think inside <think> ... </think>: this is your scratch paper, so be as informal and take as long as you need until you are sure of the step.',
  'After </think>, write that one step and nothing more.',
].join('\n');

const NUMBERED_FORM = 'Write the step the way the earlier steps are written: its number, a short bold title, then what the step does, as in `3. **Simplify the sum** ...`.';
const WITH_TITLE = 'The number and title of the step are given to you; after </think>, write the rest of the step, the part that follows its title.';

export interface MathSystemPromptOptions {
  rule: SplitRule;
  nextTitle: boolean;
}

export function mathSrlSystemPrompt(options: MathSystemPromptOptions): string {
  if (options.rule !== 'numbered') return CORE;
  return `${CORE}\n${options.nextTitle ? WITH_TITLE : NUMBERED_FORM}`;
}

/** For answering a whole problem (evaluation and RLVR rollouts). */
export const MATH_EVAL_SYSTEM_PROMPT = [
  'Solve the problem step by step, and put your final answer inside \\boxed{}.',
  'You may draft your thinking inside <think> </think> tags wherever you like; treat it as scratch paper.',
].join('\n');
