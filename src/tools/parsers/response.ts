/**
 * A policy's response read as one action, the same way for its three readers: the agent loop
 * (which executes `action`), the recorder (which stores `thought`, `actionText` and `action` as the
 * step) and the SRL reward (which scores `action` against the expert's). A response is text and,
 * for native function calling, tool calls; the `<think>` block is split off by the one splitter
 * (think.ts), the action by the format's parser.
 */
import { canonicalAction, parseAction } from './formats.js';
import { parseToolCalls } from './json-tool-call.js';
import { findFencedBlocks } from './thought-action.js';
import { splitThink } from './think.js';
import type { FormatErrorCode, ParsedAction, ToolFormat } from './types.js';

/** What a policy returns for one turn, as far as reading an action goes. */
export interface ResponseLike {
  text: string;
  /** Native tool calls (read for the function-calling format only). */
  toolCalls?: ReadonlyArray<{ name: string; arguments: string }>;
}

export interface ReadResponseOptions {
  /** Require the monologue inside `<think>…</think>` (the SRL response format). */
  thinkTags: boolean;
}

/**
 * `response_format`: the response's frame is wrong (no `</think>`, a second block, text before it,
 * nothing at all); the other codes are the action parser's.
 */
export type ResponseErrorCode = FormatErrorCode | 'response_format';

export type ResponseRead =
  | {
      ok: true;
      /** The inside of the `<think>` block, trimmed ('' when there is none). */
      monologue: string;
      /** The whole thought: the monologue and any text around the action, as a step records it. */
      thought: string;
      /** The action as a step records it: the command inside the fence, the call's text, or the canonical command line. */
      actionText: string;
      action: ParsedAction;
    }
  | { ok: false; code: ResponseErrorCode; reason: string };

function joinThought(...parts: Array<string | undefined>): string {
  return parts.map((part) => part?.trim() ?? '').filter((part) => part !== '').join('\n\n');
}

function isEmptyCommand(action: ParsedAction): boolean {
  return action.tool === 'bash' && (action.args as { command?: unknown }).command === '';
}

export function readResponse(response: ResponseLike, format: ToolFormat, options: ReadResponseOptions): ResponseRead {
  const calls = format === 'function_calling' ? (response.toolCalls ?? []) : [];
  const split = splitThink(response.text, options.thinkTags);
  if (!split.ok) return { ok: false, code: 'response_format', reason: split.reason };
  const monologue = split.monologue?.trim() ?? '';

  if (calls.length > 0) {
    const parsed = parseToolCalls(calls.map((call) => ({ name: call.name, arguments: call.arguments })));
    if (!parsed.ok) return { ok: false, code: parsed.error.code, reason: parsed.error.reason };
    if (isEmptyCommand(parsed.action)) return { ok: false, code: 'no_action', reason: 'the command is empty' };
    return { ok: true, monologue, thought: joinThought(split.before, split.monologue, split.rest), actionText: canonicalAction(parsed.action), action: parsed.action };
  }
  if (split.rest.trim() === '') {
    return { ok: false, code: 'response_format', reason: split.monologue === undefined ? 'the response is empty' : 'no action after </think>' };
  }
  const parsed = parseAction(format, split.rest);
  if (!parsed.ok) return { ok: false, code: parsed.error.code, reason: parsed.error.reason };
  // An empty command is no action, in a function call as in an empty fenced block.
  if (isEmptyCommand(parsed.action)) return { ok: false, code: 'no_action', reason: 'the command is empty' };
  // SWE-agent records a thought-action step's action as the command inside the fence.
  const actionText = format === 'thought_action' ? (findFencedBlocks(parsed.text).blocks[0]?.content ?? parsed.text) : parsed.text;
  return { ok: true, monologue, thought: joinThought(split.before, split.monologue, parsed.thought), actionText, action: parsed.action };
}
