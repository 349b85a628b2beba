/**
 * The rows of a math steps file. They have the shape of the SWE chat step rows (`step_id`,
 * `messages`, `target`), so exporters and trainers take both, and a `domain: "math"` marker in
 * place of the tool format: the target is a solution step, compared as text by the SRL reward,
 * and `answer` is what the RLVR reward checks a whole solution against.
 */
import { z } from 'zod';
import { SPLIT_RULES } from '../solution/steps.js';

export const MATH_DOMAIN = 'math';

// Math prompts are plain text turns: no tool calls, no tool messages.
const mathMessageSchema = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const mathStepRowSchema = z.looseObject({
  step_id: z.string().min(1),
  instance_id: z.string(),
  /** The target's step number minus one (step 1 is never a target); 0 for a whole-solution row. */
  step_index: z.int().nonnegative(),
  domain: z.literal(MATH_DOMAIN),
  messages: z.array(mathMessageSchema).min(1),
  /** The expert's step as the policy should write it after </think>. */
  target: z.string().min(1),
  answer: z.string(),
  dataset: z.string().optional(),
  /** How many steps the expert solution has. */
  step_count: z.int().positive(),
  split_rule: z.enum(SPLIT_RULES),
  /** Expert steps before the target that the prompt leaves out (window or budget). */
  omitted_steps: z.int().nonnegative(),
  /** Approximate tokens of the partial solution shown. */
  prefix_tokens: z.int().nonnegative(),
  /** Whether the token budget removed anything from the partial solution. */
  truncated: z.boolean(),
  /** `3. **Title**`, when the prompt gives the next step's title (the target is then the rest of the step). */
  next_title: z.string().optional(),
  /**
   * `solution`: a whole-solution row (the problem alone, as the evaluation asks it, and the whole
   * expert solution as target), what SFT on solutions and math RLVR learn from; absent: a step row.
   */
  target_kind: z.enum(['step', 'solution']).optional(),
});

export type MathStepRow = z.infer<typeof mathStepRowSchema>;

/** Whether a parsed JSON value claims to be a math step row (so it is validated as one). */
export function isMathRow(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { domain?: unknown }).domain === MATH_DOMAIN;
}
