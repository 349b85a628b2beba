/**
 * The loop's limits and sampling settings, validated in one place. Tool settings given here
 * override the template's (which names the tools its prompts describe).
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { toolboxConfigSchema } from '../tools/config.js';

/** Node's timers fire at once, not late, for a delay past 2^31 - 1 ms (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const TIMER_TOO_LONG = `must be at most ${MAX_TIMER_MS} ms (about 24 days)`;

export const agentLimitsSchema = z
  .object({
    /** Actions executed before `exit_step_limit`. */
    maxSteps: z.number().int().min(1).default(50),
    /** Time limit of one bash action. */
    actionTimeoutMs: z.number().int().min(1).max(MAX_TIMER_MS, TIMER_TOO_LONG).default(60_000),
    /** Time limit of the whole episode (model calls and actions) before `exit_timeout`. */
    totalTimeMs: z.number().int().min(1).max(MAX_TIMER_MS, TIMER_TOO_LONG).default(60 * 60_000),
    /** Outputs in a row that are not one action before `exit_format`. */
    maxConsecutiveFormatErrors: z.number().int().min(1).default(3),
    /** Estimated prompt tokens before `exit_context`. */
    contextBudgetTokens: z.number().int().min(1).default(100_000),
    /** Tool failures in a row (a dead sandbox) before `exit_error`. */
    maxConsecutiveToolCrashes: z.number().int().min(1).default(3),
  })
  .strict();

export const agentConfigSchema = z
  .object({
    limits: agentLimitsSchema.default(agentLimitsSchema.parse({})),
    sampling: z
      .object({
        temperature: z.number().min(0).optional(),
        topP: z.number().gt(0).max(1).optional(),
        maxTokens: z.number().int().min(1).optional(),
        stop: z.array(z.string()).optional(),
        seed: z.number().int().optional(),
      })
      .strict()
      .default({}),
    /** Tool settings that override the template's. */
    tools: toolboxConfigSchema.partial().default({}),
    /** Show only the last N observations in full; older ones become "(N lines omitted)". */
    keepLastObservations: z.number().int().min(1).optional(),
  })
  .strict();

export type AgentConfig = z.output<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

export function parseAgentConfig(input: unknown, where = 'agent config'): AgentConfig {
  const parsed = agentConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InputError(`${where}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
}
