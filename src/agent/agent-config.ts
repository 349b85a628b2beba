/**
 * The loop's limits and sampling settings, validated in one place. Tool settings given here
 * override the template's (which names the tools its prompts describe).
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { toolboxOverridesSchema } from '../tools/config.js';

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

/** What the policy is asked to sample with; recorded with every turn of a rollout. */
export const samplingSchema = z
  .object({
    temperature: z.number().min(0).optional(),
    topP: z.number().gt(0).max(1).optional(),
    maxTokens: z.number().int().min(1).optional(),
    stop: z.array(z.string()).optional(),
    seed: z.number().int().optional(),
    /** Ask for the sampled tokens' log-probabilities (a trainer's old-policy log-probs). */
    logprobs: z.boolean().optional(),
    /** With logprobs: this many alternatives per token. */
    topLogprobs: z.number().int().min(0).max(20).optional(),
  })
  .strict();

export type SamplingParams = z.output<typeof samplingSchema>;

export const agentConfigSchema = z
  .object({
    limits: agentLimitsSchema.default(agentLimitsSchema.parse({})),
    sampling: samplingSchema.default({}),
    /** Tool settings that override the template's. */
    tools: toolboxOverridesSchema.default({}),
    /** Show only the last N observations in full; older ones become "(N lines omitted)". */
    keepLastObservations: z.number().int().min(1).optional(),
    /**
     * Show only the N most recent rounds (the SRL step window, with its note); default all. A policy
     * trained on `traj steps --history N` sees the same prompts with `history: N`.
     */
    history: z.union([z.literal('all'), z.number().int().min(0)]).default('all'),
    /** Require the `<think>` block (overrides the template's `think_tags`). */
    thinkTags: z.boolean().optional(),
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
