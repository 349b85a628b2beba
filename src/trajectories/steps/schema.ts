/**
 * The rows of a steps file, as `traj steps` writes them and `reward srl` reads them back: raw
 * instances or chat prompts. Both carry the expert's parsed action and the tool format.
 */
import { z } from 'zod';
import { TOOL_FORMATS, type ParsedAction, type ToolFormat } from '../../tools/parsers/index.js';
import { parsedActionSchema } from '../schema.js';
import { expertActionText } from './decompose.js';

const toolCallSchema = z.looseObject({ id: z.string(), type: z.literal('function').optional(), function: z.looseObject({ name: z.string(), arguments: z.string() }) });
const chatMessageSchema = z.union([
  z.looseObject({ role: z.enum(['system', 'user']), content: z.string() }),
  z.looseObject({ role: z.literal('assistant'), content: z.string().nullable(), tool_calls: z.array(toolCallSchema).optional() }),
  z.looseObject({ role: z.literal('tool'), content: z.string(), tool_call_id: z.string() }),
]);

export const rawStepRowSchema = z.looseObject({
  step_id: z.string().min(1),
  instance_id: z.string(),
  step_index: z.int().nonnegative(),
  problem_statement: z.string(),
  history: z.array(z.strictObject({ action: z.string(), observation: z.string() })),
  target_action: z.string(),
  target_parsed: parsedActionSchema,
  tool_format: z.enum(TOOL_FORMATS),
});

export const chatStepRowSchema = z.looseObject({
  step_id: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  target: z.string(),
  target_parsed: parsedActionSchema,
  tool_format: z.enum(TOOL_FORMATS),
});

export const stepRowSchema = z.union([chatStepRowSchema, rawStepRowSchema]);
export type ChatStepRow = z.infer<typeof chatStepRowSchema>;
export type RawStepRow = z.infer<typeof rawStepRowSchema>;
export type StepRow = ChatStepRow | RawStepRow;

/** What a step row must hold for the reward: either form, or a `ChatStepPrompt` / `RawStepInstance` in memory. */
export interface StepTarget {
  tool_format: ToolFormat;
  target_parsed: ParsedAction;
  /** Chat rows: the action as the policy should write it. */
  target?: unknown;
  /** Raw rows: the action as recorded. */
  target_action?: unknown;
}

/** What the SRL reward compares a response against. */
export interface ExpertAction {
  toolFormat: ToolFormat;
  action: ParsedAction;
  /** The expert's action as the policy should write it after </think> (for the raw-text reward). */
  text: string;
}

export function expertOfRow(row: StepTarget): ExpertAction {
  if (typeof row.target === 'string') return { toolFormat: row.tool_format, action: row.target_parsed, text: row.target };
  if (typeof row.target_action !== 'string') throw new TypeError('a step row needs target (chat form) or target_action (raw form)');
  const step = { thought: '', action: row.target_action, parsed_action: row.target_parsed, observation: '' };
  return { toolFormat: row.tool_format, action: row.target_parsed, text: expertActionText(step, row.tool_format) };
}
