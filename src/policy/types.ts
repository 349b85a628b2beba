/**
 * The policy contract: given the conversation so far, produce one or more candidate assistant turns.
 * Several samples per prompt (`n`) and per-token log-probabilities are part of the contract because
 * the GRPO trainer needs groups of samples and their likelihoods; the agent loop asks for one.
 */
import type { ToolSpec } from '../tools/types.js';

export interface ChatToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them: a JSON string (possibly malformed). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ChatToolCall[] }
  | { role: 'tool'; content: string; toolCallId: string };

export interface PolicyRequest {
  messages: ChatMessage[];
  /** Samples wanted for this prompt (default 1). */
  n?: number;
  /** Tools offered for native function calling; absent for text formats. */
  tools?: ToolSpec[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  /** Ask for the sampled tokens' log-probabilities (and `topLogprobs` alternatives per token). */
  logprobs?: boolean;
  topLogprobs?: number;
  signal?: AbortSignal;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
  top?: Array<{ token: string; logprob: number }>;
}

export interface PolicySample {
  /** The assistant text (may hold a `<think>` block and a textual action). */
  text: string;
  /** Native tool calls, when the policy used function calling. */
  toolCalls: ChatToolCall[];
  /** Why generation stopped (`stop`, `length`, `tool_calls`, …); null when unknown. */
  finishReason: string | null;
  /** Per-token log-probabilities of `text`, when asked for and provided. */
  logprobs?: TokenLogprob[];
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface PolicyResponse {
  samples: PolicySample[];
  usage: TokenUsage;
  /** The model that answered, as the endpoint names it. */
  model: string;
  /** Requests sent, retries included. */
  requests: number;
  latencyMs: number;
}

export interface Policy {
  /** What predictions record as `model_name_or_path`. */
  readonly name: string;
  complete(request: PolicyRequest): Promise<PolicyResponse>;
}

export function emptyUsage(): TokenUsage {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
}

export function addUsage(total: TokenUsage, more: TokenUsage): TokenUsage {
  return {
    promptTokens: total.promptTokens + more.promptTokens,
    completionTokens: total.completionTokens + more.completionTokens,
    totalTokens: total.totalTokens + more.totalTokens,
  };
}
