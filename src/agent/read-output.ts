/**
 * Turns one policy sample into the monologue and one action, with the action parsers of
 * src/tools/parsers, or into the reason it is not one well-formed action. The `<think>` block, when
 * present, is the monologue; with `thinkTags` it is required (the SRL response format).
 */
import {
  canonicalAction,
  findFencedBlocks,
  parseAction,
  parseToolCalls,
  type ParsedAction,
  type ToolFormat,
} from '../tools/parsers/index.js';
import type { PolicySample } from '../policy/types.js';

export type ReadOutput =
  | { ok: true; thought: string; actionText: string; action: ParsedAction }
  | { ok: false; reason: string };

export function readPolicyOutput(sample: PolicySample, format: ToolFormat, thinkTags: boolean): ReadOutput {
  let rest = sample.text;
  let monologue: string | undefined;
  const close = rest.indexOf('</think>');
  if (close >= 0) {
    const open = rest.lastIndexOf('<think>', close);
    monologue = rest.slice(open < 0 ? 0 : open + '<think>'.length, close).trim();
    rest = rest.slice(close + '</think>'.length);
    if (rest.includes('<think>') || rest.includes('</think>')) return { ok: false, reason: 'more than one <think> block' };
  } else if (thinkTags && sample.toolCalls.length === 0) {
    return { ok: false, reason: sample.text.trim() === '' ? 'the response is empty' : 'no closing </think>' };
  }

  if (format === 'function_calling' && sample.toolCalls.length > 0) {
    const parsed = parseToolCalls(sample.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments })));
    if (!parsed.ok) return { ok: false, reason: parsed.error.reason };
    return { ok: true, thought: monologue ?? rest.trim(), actionText: canonicalAction(parsed.action), action: parsed.action };
  }
  if (rest.trim() === '') {
    return { ok: false, reason: monologue === undefined ? 'the response is empty' : 'no action after </think>' };
  }
  const parsed = parseAction(format, rest);
  if (!parsed.ok) return { ok: false, reason: parsed.error.reason };
  const thought = [monologue, parsed.thought.trim()].filter((part): part is string => part !== undefined && part !== '').join('\n\n');
  // SWE-agent records a thought-action step's action as the command inside the fence.
  const actionText = format === 'thought_action' ? (findFencedBlocks(parsed.text).blocks[0]?.content ?? parsed.text) : parsed.text;
  return { ok: true, thought, actionText, action: parsed.action };
}
