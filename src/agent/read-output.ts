/**
 * Turns one policy sample into the monologue and one action, or into the reason it is not one
 * well-formed action: the action language's `readResponse` (tools/parsers/response.ts), which the
 * recorder and the SRL reward use too. With `thinkTags` the `<think>` block is required and its
 * stricter rules (SRL's) apply.
 */
import { readResponse, type ParsedAction, type ResponseErrorCode, type ToolFormat } from '../tools/parsers/index.js';
import type { PolicySample } from '../policy/types.js';

export type ReadOutput =
  | { ok: true; thought: string; actionText: string; action: ParsedAction }
  | { ok: false; code: ResponseErrorCode; reason: string };

export function readPolicyOutput(sample: Pick<PolicySample, 'text' | 'toolCalls'>, format: ToolFormat, thinkTags: boolean): ReadOutput {
  const read = readResponse(sample, format, { thinkTags });
  if (!read.ok) return read;
  return { ok: true, thought: read.thought, actionText: read.actionText, action: read.action };
}
