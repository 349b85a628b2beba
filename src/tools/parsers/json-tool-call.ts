/**
 * JSON tool calls. Structured, as OpenAI-compatible APIs return them (`message.tool_calls`, with
 * `function.arguments` a JSON string) and as SWE-agent, OpenHands and SWE-Gym record them; and in
 * text, for a policy that writes its call out: `<tool_call>{"name": …, "arguments": {…}}</tool_call>`
 * (the Hermes / Qwen convention), or one bare JSON object.
 */
import { functionCallOf, resolveFunctionCall } from './catalog.js';
import { commandLineAction } from './swe-agent-commands.js';
import { formatError, type ActionResult, type ParseResult, type ParsedAction } from './types.js';

const TOOL_CALL_BLOCK = /<tool_call>([\s\S]*?)<\/tool_call>/g;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One call in any of the usual shapes: `{name, arguments}`, `{function: {name, arguments}}`
 * (OpenAI), with `arguments` an object or a JSON string of one.
 */
export function parseToolCall(call: unknown): ActionResult {
  if (!isRecord(call)) return formatError('unparseable', 'a tool call must be a JSON object');
  const fn = isRecord(call.function) ? call.function : call;
  if (typeof fn.name !== 'string') return formatError('unparseable', 'the tool call has no "name"');
  let args: unknown = fn.arguments ?? fn.parameters ?? {};
  if (typeof args === 'string') {
    if (args.trim() === '') args = {};
    else {
      try {
        args = JSON.parse(args) as unknown;
      } catch {
        return formatError('unparseable', `the arguments of ${fn.name} are not valid JSON`);
      }
    }
  }
  if (!isRecord(args)) return formatError('unparseable', `the arguments of ${fn.name} must be a JSON object`);
  return commandLineAction(resolveFunctionCall(fn.name, args));
}

/** A message's `tool_calls`: exactly one is an action. */
export function parseToolCalls(calls: readonly unknown[] | null | undefined): ActionResult {
  if (!calls || calls.length === 0) return formatError('no_action', 'no tool call');
  if (calls.length > 1) return formatError('multiple_actions', `${calls.length} tool calls; exactly one per response`);
  return parseToolCall(calls[0]);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `the tool call is not valid JSON (${(error as Error).message})` };
  }
}

/** Reads an output holding one tool call written as JSON text; the text around it is the thought. */
export function parseJsonToolCallText(output: string): ParseResult {
  const blocks = [...output.matchAll(TOOL_CALL_BLOCK)];
  if (blocks.length > 1) return formatError('multiple_actions', `${blocks.length} <tool_call> blocks; exactly one per response`);
  if (blocks.length === 1) {
    const block = blocks[0]!;
    const json = parseJson(block[1]!.trim());
    if (!json.ok) return formatError('unparseable', json.reason);
    const calls = Array.isArray(json.value) ? json.value : [json.value];
    const parsed = parseToolCalls(calls);
    if (!parsed.ok) return parsed;
    const rest = output.slice(0, block.index) + output.slice(block.index + block[0].length);
    if (rest.includes('<tool_call>')) return formatError('unparseable', 'a <tool_call> is not closed by </tool_call>');
    return { ok: true, thought: rest.trim(), action: parsed.action, text: block[0] };
  }
  if (output.includes('<tool_call>')) return formatError('unparseable', 'a <tool_call> is not closed by </tool_call>');
  // Without tags, the whole output must be the call (a JSON object, or a list of calls).
  const trimmed = output.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return formatError('no_action', 'no <tool_call>…</tool_call> and no JSON tool call');
  const json = parseJson(trimmed);
  if (!json.ok) return formatError('unparseable', json.reason);
  const calls = Array.isArray(json.value) ? json.value : [json.value];
  const parsed = parseToolCalls(calls);
  if (!parsed.ok) return parsed;
  return { ok: true, thought: '', action: parsed.action, text: trimmed };
}

/** An action as an OpenAI tool call (`arguments` a JSON string), for writers. */
export function toOpenAiToolCall(action: ParsedAction, id: string): { id: string; type: 'function'; function: { name: string; arguments: string } } {
  const call = functionCallOf(action);
  return { id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } };
}

/** The canonical text rendering of a JSON tool call. */
export function renderJsonToolCall(action: ParsedAction): string {
  const call = functionCallOf(action);
  return `<tool_call>\n${JSON.stringify({ name: call.name, arguments: call.arguments })}\n</tool_call>`;
}
