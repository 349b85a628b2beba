/**
 * The episode record: one JSONL line per finished episode in a rollout's `episodes.jsonl`, holding
 * what a trainer reads directly (schema `swe-srl.episode/1`). Messages are in the chat format of
 * OpenAI-compatible APIs; each turn keeps the prompt it answered (as a prefix of the final
 * conversation plus the messages that were not kept in it, such as format-error retries), the
 * completion, its per-token log-probabilities, finish reason, token usage and sampling parameters.
 *
 *     {"schema": "swe-srl.episode/1", "episode_id": "django__django-1#3", "instance_id": "django__django-1",
 *      "sample": 3, "run_id": "rollout-…", "model": "qwen", "template": "thought-action", "tool_format": "thought_action",
 *      "exit_status": "submitted", "patch": "diff --git …", "stats": {…}, "tools": [...]?,
 *      "messages": [{"role": "system", …}, …],
 *      "turns": [{"turn": 1, "step": 1, "prompt": {"prefix": 2, "extra": []},
 *                 "completion": {"role": "assistant", "content": "…"}, "finish_reason": "stop",
 *                 "logprobs": [{"token": "…", "logprob": -0.1}], "usage": {…}, "sampling": {"temperature": 1},
 *                 "format_error": null, "action": {"tool": "bash", "args": {…}}, "observation": "…"}, …],
 *      "trajectory": "trajectories/django__django-1#3.traj"}
 */
import { z } from 'zod';
import { InputError, describeLocation } from '../../errors.js';
import { readJsonLines } from '../../io/json-lines.js';
import { fromWireMessage, toWireMessage, type WireMessage } from '../../policy/openai/chat-wire.js';
import type { ChatMessage } from '../../policy/types.js';
import { openAiTools } from '../../tools/tool-specs.js';
import type { ToolSpec } from '../../tools/types.js';
import { formatIssues } from '../../trajectories/schema.js';
import type { AgentResult } from '../agent-result.js';
import type { SamplingParams } from '../agent-config.js';

export const EPISODE_RECORD_SCHEMA = 'swe-srl.episode/1';

const wireToolCallSchema = z.strictObject({ id: z.string(), type: z.literal('function'), function: z.strictObject({ name: z.string(), arguments: z.string() }) });
const wireMessageSchema = z.union([
  z.strictObject({ role: z.enum(['system', 'user']), content: z.string() }),
  z.strictObject({ role: z.literal('assistant'), content: z.string().nullable(), tool_calls: z.array(wireToolCallSchema).optional() }),
  z.strictObject({ role: z.literal('tool'), content: z.string(), tool_call_id: z.string() }),
]);
const usageSchema = z.strictObject({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() });
const logprobSchema = z.strictObject({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number()).optional(),
  top_logprobs: z.array(z.strictObject({ token: z.string(), logprob: z.number() })).optional(),
});

export const episodeTurnSchema = z.strictObject({
  /** 1-based model call number. */
  turn: z.int().min(1),
  /** The step (action) it became, 1-based; null for a format error. */
  step: z.int().min(1).nullable(),
  /** The prompt it answered: `messages.slice(0, prefix)` followed by `extra`. */
  prompt: z.strictObject({ prefix: z.int().min(0), extra: z.array(wireMessageSchema) }),
  completion: wireMessageSchema,
  finish_reason: z.string().nullable(),
  /** Per-token log-probabilities of the completion; null when the policy returned none. */
  logprobs: z.array(logprobSchema).nullable(),
  usage: usageSchema,
  /** As the chat request sent them (OpenAI names). */
  sampling: z.record(z.string(), z.unknown()),
  model: z.string().nullable(),
  latency_ms: z.number().nullable(),
  format_error: z.string().nullable(),
  action: z.strictObject({ tool: z.string(), args: z.record(z.string(), z.unknown()) }).nullable(),
  observation: z.string().nullable(),
});

export const episodeRecordSchema = z.strictObject({
  schema: z.literal(EPISODE_RECORD_SCHEMA),
  episode_id: z.string().min(1),
  instance_id: z.string().min(1),
  /** 0-based sample index within the instance's group. */
  sample: z.int().min(0),
  run_id: z.string(),
  model: z.string(),
  template: z.string(),
  tool_format: z.string(),
  exit_status: z.string(),
  exit_detail: z.string().optional(),
  patch: z.string().nullable(),
  stats: z.strictObject({
    steps: z.int(),
    model_calls: z.int(),
    format_errors: z.int(),
    prompt_tokens: z.number(),
    completion_tokens: z.number(),
    total_tokens: z.number(),
    duration_ms: z.number(),
  }),
  /** Function calling: the tools offered, as the `tools` of a chat request. */
  tools: z.array(z.unknown()).optional(),
  /** The final conversation, format-error turns included. */
  messages: z.array(wireMessageSchema),
  turns: z.array(episodeTurnSchema),
  /** The episode's `.traj`, relative to the rollout folder. */
  trajectory: z.string(),
});

export type EpisodeRecord = z.infer<typeof episodeRecordSchema>;
export type EpisodeTurn = z.infer<typeof episodeTurnSchema>;

/** The sampling parameters as a chat request names them. */
function wireSampling(sampling: SamplingParams): Record<string, unknown> {
  const names: Record<keyof SamplingParams, string> = {
    temperature: 'temperature',
    topP: 'top_p',
    maxTokens: 'max_tokens',
    stop: 'stop',
    seed: 'seed',
    logprobs: 'logprobs',
    topLogprobs: 'top_logprobs',
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sampling)) if (value !== undefined) out[names[key as keyof SamplingParams] ?? key] = value;
  return out;
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A prompt as the longest prefix it shares with the final conversation, and the rest. */
function promptRef(prompt: readonly ChatMessage[], messages: readonly ChatMessage[]): { prefix: number; extra: WireMessage[] } {
  let prefix = 0;
  while (prefix < prompt.length && prefix < messages.length && sameMessage(prompt[prefix]!, messages[prefix]!)) prefix += 1;
  return { prefix, extra: prompt.slice(prefix).map(toWireMessage) };
}

export interface EpisodeIdentity {
  episodeId: string;
  instanceId: string;
  sample: number;
  runId: string;
  template: string;
  /** The episode's `.traj`, relative to the rollout folder. */
  trajectory: string;
  tools?: readonly ToolSpec[] | undefined;
}

export function episodeRecordOf(result: AgentResult, identity: EpisodeIdentity): EpisodeRecord {
  const { trajectory } = result;
  return {
    schema: EPISODE_RECORD_SCHEMA,
    episode_id: identity.episodeId,
    instance_id: identity.instanceId,
    sample: identity.sample,
    run_id: identity.runId,
    model: trajectory.model_name ?? 'None',
    template: identity.template,
    tool_format: trajectory.tool_format,
    exit_status: result.exitStatus,
    ...(result.error !== undefined ? { exit_detail: result.error } : {}),
    patch: result.patch,
    stats: {
      steps: result.stats.steps,
      model_calls: result.stats.modelCalls,
      format_errors: result.stats.formatErrors,
      prompt_tokens: result.stats.usage.promptTokens,
      completion_tokens: result.stats.usage.completionTokens,
      total_tokens: result.stats.usage.totalTokens,
      duration_ms: result.stats.durationMs,
    },
    ...(identity.tools && identity.tools.length > 0 ? { tools: openAiTools(identity.tools) } : {}),
    messages: result.messages.map(toWireMessage),
    turns: result.turns.map((turn) => ({
      turn: turn.turn,
      step: turn.step,
      prompt: promptRef(turn.prompt, result.messages),
      completion: toWireMessage(turn.toolCalls.length > 0 ? { role: 'assistant', content: turn.text, toolCalls: turn.toolCalls } : { role: 'assistant', content: turn.text }),
      finish_reason: turn.finishReason,
      logprobs: turn.logprobs
        ? turn.logprobs.map((entry) => ({
            token: entry.token,
            logprob: entry.logprob,
            ...(entry.bytes ? { bytes: entry.bytes } : {}),
            ...(entry.top ? { top_logprobs: entry.top } : {}),
          }))
        : null,
      usage: { prompt_tokens: turn.usage.promptTokens, completion_tokens: turn.usage.completionTokens, total_tokens: turn.usage.totalTokens },
      sampling: wireSampling(turn.sampling),
      model: turn.model ?? null,
      latency_ms: turn.latencyMs ?? null,
      format_error: turn.formatError ?? null,
      action: turn.action ? { tool: turn.action.tool, args: turn.action.args as Record<string, unknown> } : null,
      observation: turn.observation ?? null,
    })),
    trajectory: identity.trajectory,
  };
}

/** The prompt a turn answered, rebuilt from the record (in our message type). */
export function turnPrompt(record: EpisodeRecord, turn: EpisodeTurn): ChatMessage[] {
  return [...record.messages.slice(0, turn.prompt.prefix), ...turn.prompt.extra].map(fromWireMessage);
}

/** Reads and validates an `episodes.jsonl`; a bad line is an error naming the file, the line and the field. */
export async function* readEpisodeRecords(path: string): AsyncGenerator<EpisodeRecord> {
  for await (const { line, value } of readJsonLines(path)) {
    const parsed = episodeRecordSchema.safeParse(value);
    if (!parsed.success) throw new InputError(`${describeLocation(path, line)}: not an episode record: ${formatIssues(parsed.error)}`);
    yield parsed.data;
  }
}
