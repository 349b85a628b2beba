/**
 * Trajectories written as chat messages, one per JSONL line (`{instance_id, messages, …}`):
 * - `chat-xml`: assistant turns hold `<think>…</think>` and one `<function=NAME>…</function>` call,
 *   user turns the observation (`OBSERVATION:\n…`), as SWE-smith writes its 5,000 trajectories;
 * - `openai-messages`: assistant turns carry OpenAI `tool_calls`, `tool` turns answer them by
 *   `tool_call_id`, as OpenHands and SWE-Gym record runs.
 * Assistant turns without an action (a closing summary) are not steps.
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { parseToolCall, parseXmlFunctionCall, renderCommandLine } from '../../tools/parsers/index.js';
import type { Step, Trajectory } from '../schema.js';
import {
  contentText,
  describeRecord,
  fileStem,
  finishTrajectory,
  messageContentSchema,
  parseRecord,
  resolveEnding,
  type RecordLocation,
} from './common.js';
import { problemStatementFromPrompt, splitFooter } from './prompt-text.js';

const chatMessageSchema = z.looseObject({
  role: z.string(),
  content: messageContentSchema.optional(),
  tool_calls: z.array(z.unknown()).nullable().optional(),
  tool_call_id: z.string().nullable().optional(),
  reasoning_content: z.string().nullable().optional(),
});
type ChatMessage = z.infer<typeof chatMessageSchema>;

export const chatRecordSchema = z.looseObject({
  instance_id: z.string().min(1).optional(),
  messages: z.array(chatMessageSchema).min(1),
  problem_statement: z.string().optional(),
  final_patch: z.string().nullable().optional(),
  patch: z.string().nullable().optional(),
  model_patch: z.string().nullable().optional(),
  git_patch: z.string().nullable().optional(), // OpenHands
  exit_status: z.string().nullable().optional(),
  model_name: z.string().optional(),
  model: z.string().optional(),
  resolved: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
type ChatRecord = z.infer<typeof chatRecordSchema>;

const OBSERVATION_PREFIX = /^OBSERVATION:\r?\n/;

/** `<think>…</think>` and what follows; one line break inside the tags is not part of the thought. */
export function splitThinkBlock(content: string): { thought: string | undefined; rest: string } {
  const close = content.indexOf('</think>');
  if (close < 0) return { thought: undefined, rest: content };
  const open = content.lastIndexOf('<think>', close);
  let thought = content.slice(open < 0 ? 0 : open + '<think>'.length, close);
  if (thought.startsWith('\n')) thought = thought.slice(1);
  if (thought.endsWith('\n')) thought = thought.slice(0, -1);
  return { thought, rest: content.slice(close + '</think>'.length) };
}

function observationOf(messages: readonly ChatMessage[]): Pick<Step, 'observation' | 'state'> {
  const text = messages.map((message) => contentText(message.content).replace(OBSERVATION_PREFIX, '')).join('\n');
  const { observation, state } = splitFooter(text);
  return state ? { observation, state } : { observation };
}

/** The messages after index `from` up to the next assistant turn. */
function repliesAfter(messages: readonly ChatMessage[], from: number): ChatMessage[] {
  const replies: ChatMessage[] = [];
  for (let i = from + 1; i < messages.length && messages[i]!.role !== 'assistant'; i += 1) {
    if (messages[i]!.role !== 'system') replies.push(messages[i]!);
  }
  return replies;
}

function firstUserPrompt(messages: readonly ChatMessage[]): string | undefined {
  for (const message of messages) {
    if (message.role === 'assistant') return undefined;
    if (message.role === 'user') return contentText(message.content);
  }
  return undefined;
}

function xmlSteps(record: ChatRecord, where: RecordLocation): Step[] {
  const steps: Step[] = [];
  record.messages.forEach((message, index) => {
    if (message.role !== 'assistant') return;
    const { thought, rest } = splitThinkBlock(contentText(message.content));
    const parsed = parseXmlFunctionCall(rest);
    if (!parsed.ok) {
      if (parsed.error.code === 'no_action') return;
      throw new InputError(`${describeRecord(where)}: messages[${index}].content: ${parsed.error.reason}`);
    }
    steps.push({
      thought: thought ?? parsed.thought,
      action: parsed.text,
      parsed_action: parsed.action,
      ...observationOf(repliesAfter(record.messages, index)),
    });
  });
  return steps;
}

function openAiSteps(record: ChatRecord, where: RecordLocation): Step[] {
  const steps: Step[] = [];
  record.messages.forEach((message, index) => {
    if (message.role !== 'assistant' || !message.tool_calls || message.tool_calls.length === 0) return;
    const content = contentText(message.content);
    const think = splitThinkBlock(content);
    const thought = message.reasoning_content ?? think.thought ?? content;
    const replies = repliesAfter(record.messages, index);
    message.tool_calls.forEach((call, callIndex) => {
      const parsed = parseToolCall(call);
      if (!parsed.ok) throw new InputError(`${describeRecord(where)}: messages[${index}].tool_calls[${callIndex}]: ${parsed.error.reason}`);
      const id = (call as { id?: unknown }).id;
      const byId = typeof id === 'string' ? replies.filter((reply) => reply.tool_call_id === id) : [];
      const reply = byId.length > 0 ? byId : replies[callIndex] ? [replies[callIndex]] : [];
      steps.push({
        thought: callIndex === 0 ? thought : '',
        action: renderCommandLine(parsed.action),
        parsed_action: parsed.action,
        ...observationOf(reply),
      });
    });
  });
  return steps;
}

export function readChatRecord(value: unknown, where: RecordLocation, format: 'chat-xml' | 'openai-messages'): Trajectory {
  const record = parseRecord(chatRecordSchema, value, where, format === 'chat-xml' ? 'chat trajectory' : 'OpenAI-messages trajectory');
  const steps = format === 'chat-xml' ? xmlSteps(record, where) : openAiSteps(record, where);
  const prompt = firstUserPrompt(record.messages);
  const ending = resolveEnding(steps, {
    exit_status: record.exit_status,
    final_patch: record.final_patch ?? record.model_patch ?? record.git_patch ?? record.patch,
  });

  let metadata = record.metadata;
  if (!metadata) {
    const built: Record<string, unknown> = {};
    if (record.resolved !== undefined) built.resolved = record.resolved;
    if (ending.inferred.length > 0) built.inferred = ending.inferred;
    metadata = Object.keys(built).length > 0 ? built : undefined;
  }
  const modelName = record.model_name ?? record.model;
  const fallbackId = where.line !== undefined ? `${fileStem(where.file)}-${where.line}` : fileStem(where.file);
  return finishTrajectory(
    {
      instance_id: record.instance_id ?? fallbackId,
      problem_statement: record.problem_statement ?? (prompt === undefined ? '' : problemStatementFromPrompt(prompt)),
      steps,
      final_patch: ending.final_patch,
      exit_status: ending.exit_status,
      source_format: format,
      tool_format: format === 'chat-xml' ? 'xml_function_calling' : 'function_calling',
      ...(modelName ? { model_name: modelName } : {}),
      ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
    },
    where,
  );
}

/** Which chat format a record is in, or undefined when it is not a chat trajectory. */
export function chatFormatOf(value: unknown): 'chat-xml' | 'openai-messages' | 'chat-without-actions' | undefined {
  const messages = (value as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return undefined;
  const assistants = messages.filter((m): m is ChatMessage => typeof m === 'object' && m !== null && (m as ChatMessage).role === 'assistant');
  if (assistants.some((m) => Array.isArray(m.tool_calls) && m.tool_calls.length > 0)) return 'openai-messages';
  const textOf = (content: unknown): string => {
    const parsed = messageContentSchema.safeParse(content);
    return parsed.success ? contentText(parsed.data) : '';
  };
  if (assistants.some((m) => textOf(m.content).includes('<function='))) return 'chat-xml';
  return 'chat-without-actions';
}
