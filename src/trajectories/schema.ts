/**
 * The normalized trajectory every reader produces and every writer, the JSONL store and the SRL
 * step decomposition consume. Validated whenever it crosses a file boundary.
 */
import { z } from 'zod';
import { checkStoredAction, TOOL_FORMATS, type ParsedAction, type ToolFormat } from '../tools/parsers/index.js';

/** The formats a trajectory can be read from (recorded in `source_format`). */
export const SOURCE_FORMATS = [
  'swe-agent-traj', // SWE-agent's .traj (trajectory[] and/or history[])
  'swe-agent-demo', // SWE-agent's demonstration YAML (history with tool_calls)
  'chat-xml', // chat messages with <think> and <function=…> calls (SWE-smith)
  'openai-messages', // chat messages with OpenAI tool_calls (OpenHands, SWE-Gym)
] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** What `traj convert --from` accepts: the source formats and our own JSONL store. */
export const INPUT_FORMATS = [...SOURCE_FORMATS, 'store'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export const parsedActionSchema = z
  .strictObject({ tool: z.string().min(1), args: z.record(z.string(), z.unknown()) })
  .superRefine((action, context) => {
    const problem = checkStoredAction(action as ParsedAction);
    if (problem) context.addIssue({ code: 'custom', message: problem, path: ['args'] });
  })
  .transform((action) => action as ParsedAction);

/** What the shell prompt showed after the step (SWE-agent's `(Open file: …)` / `(Current directory: …)` footer). */
export const stepStateSchema = z.strictObject({
  open_file: z.string().optional(),
  working_dir: z.string().optional(),
});

export const stepSchema = z.strictObject({
  /** The monologue before the action (SWE-agent's `thought`, the inside of `<think>`). */
  thought: z.string(),
  /**
   * The action as the source recorded it: SWE-agent's command line (also for its function calls,
   * which SWE-agent records that way), or the `<function=…>` text of an XML call.
   */
  action: z.string(),
  parsed_action: parsedActionSchema,
  observation: z.string(),
  state: stepStateSchema.optional(),
});

export const trajectorySchema = z.strictObject({
  instance_id: z.string().min(1),
  problem_statement: z.string(),
  steps: z.array(stepSchema).min(1, 'a trajectory needs at least one action'),
  /** The submitted diff, when there is one. */
  final_patch: z.string().nullable(),
  /** SWE-agent's exit status (`submitted`, `exit_format`, …), when known. */
  exit_status: z.string().nullable(),
  source_format: z.enum(SOURCE_FORMATS),
  /** How the policy wrote its actions, so prompts and rewards can ask for the same syntax. */
  tool_format: z.enum(TOOL_FORMATS),
  model_name: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export type StepState = z.infer<typeof stepStateSchema>;
export type Step = z.infer<typeof stepSchema>;
export type Trajectory = z.infer<typeof trajectorySchema>;
export type { ToolFormat };

/** `steps[3].parsed_action.args: …` — where in a value a schema failed. */
export function describeIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** All of a zod error's issues, one line each, field first. */
export function formatIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((issue) => `${describeIssuePath(issue.path)}: ${issue.message}`);
  if (error.issues.length > max) lines.push(`… and ${error.issues.length - max} more`);
  return lines.join('; ');
}
