/**
 * The chat-completions wire format: our request as the JSON body servers expect, and their answer
 * validated before use. Servers differ in small ways (`content: null` with tool calls, logprobs
 * missing, `reasoning_content` from reasoning parsers), so the schema is strict about what we use
 * and loose about the rest.
 */
import { z } from 'zod';
import type { ChatMessage, PolicyRequest, PolicySample, TokenLogprob, TokenUsage } from '../types.js';
import { PolicyResponseError } from '../policy-errors.js';
import { openAiTools } from '../../tools/tool-specs.js';

/** A chat message as OpenAI-compatible APIs (and the training formats built on them) write it. */
export type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; content: string; tool_call_id: string };

export function toWireMessage(message: ChatMessage): WireMessage {
  switch (message.role) {
    case 'assistant':
      return message.toolCalls && message.toolCalls.length > 0
        ? {
            role: 'assistant',
            content: message.content === '' ? null : message.content,
            tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
          }
        : { role: 'assistant', content: message.content };
    case 'tool':
      return { role: 'tool', content: message.content, tool_call_id: message.toolCallId };
    default:
      return { role: message.role, content: message.content };
  }
}

/** The inverse of `toWireMessage`. */
export function fromWireMessage(message: WireMessage): ChatMessage {
  switch (message.role) {
    case 'assistant':
      return message.tool_calls && message.tool_calls.length > 0
        ? { role: 'assistant', content: message.content ?? '', toolCalls: message.tool_calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })) }
        : { role: 'assistant', content: message.content ?? '' };
    case 'tool':
      return { role: 'tool', content: message.content, toolCallId: message.tool_call_id };
    default:
      return { role: message.role, content: message.content };
  }
}

export function chatRequestBody(model: string, request: PolicyRequest, n: number, extraBody: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: request.messages.map(toWireMessage), n };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.logprobs) {
    body.logprobs = true;
    if (request.topLogprobs !== undefined) body.top_logprobs = request.topLogprobs;
  }
  if (request.tools && request.tools.length > 0) body.tools = openAiTools(request.tools);
  return { ...body, ...extraBody };
}

const logprobEntrySchema = z.looseObject({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number()).nullable().optional(),
  top_logprobs: z.array(z.looseObject({ token: z.string(), logprob: z.number() })).nullable().optional(),
});

const choiceSchema = z.looseObject({
  index: z.number().int().optional(),
  message: z.looseObject({
    content: z.string().nullable().optional(),
    reasoning_content: z.string().nullable().optional(),
    tool_calls: z
      .array(
        z.looseObject({
          id: z.string().optional(),
          function: z.looseObject({ name: z.string(), arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional() }),
        }),
      )
      .nullable()
      .optional(),
  }),
  finish_reason: z.string().nullable().optional(),
  logprobs: z.looseObject({ content: z.array(logprobEntrySchema).nullable().optional() }).nullable().optional(),
});

export const chatCompletionSchema = z.looseObject({
  model: z.string().optional(),
  choices: z.array(choiceSchema),
  usage: z
    .looseObject({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional(), total_tokens: z.number().optional() })
    .nullable()
    .optional(),
});

export interface ParsedCompletion {
  samples: PolicySample[];
  usage: TokenUsage;
  model: string | undefined;
}

/** Validates a completion body; the error names the field that is wrong. */
export function parseChatCompletion(body: unknown, url: string): ParsedCompletion {
  const parsed = chatCompletionSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PolicyResponseError(`${url}: not a chat completion: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
  }
  const completion = parsed.data;
  const choices = [...completion.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const samples = choices.map((choice, position): PolicySample => {
    let text = choice.message.content ?? '';
    // Reasoning parsers (vLLM, SGLang, DeepSeek) move the <think> block out of `content`.
    const reasoning = choice.message.reasoning_content;
    if (reasoning && !text.includes('</think>')) text = `<think>\n${reasoning}\n</think>\n${text}`;
    const sample: PolicySample = {
      text,
      toolCalls: (choice.message.tool_calls ?? []).map((call, index) => ({
        id: call.id ?? `call_${position}_${index}`,
        name: call.function.name,
        arguments: typeof call.function.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function.arguments ?? {}),
      })),
      finishReason: choice.finish_reason ?? null,
    };
    const content = choice.logprobs?.content;
    if (content) {
      sample.logprobs = content.map((entry): TokenLogprob => {
        const token: TokenLogprob = { token: entry.token, logprob: entry.logprob };
        if (entry.bytes) token.bytes = entry.bytes;
        if (entry.top_logprobs) token.top = entry.top_logprobs.map((top) => ({ token: top.token, logprob: top.logprob }));
        return token;
      });
    }
    return sample;
  });
  const usage = completion.usage ?? {};
  const promptTokens = usage.prompt_tokens ?? 0;
  const completionTokens = usage.completion_tokens ?? 0;
  return {
    samples,
    usage: { promptTokens, completionTokens, totalTokens: usage.total_tokens ?? promptTokens + completionTokens },
    model: completion.model,
  };
}
