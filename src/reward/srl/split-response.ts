/**
 * The SRL response format: an inner monologue inside `<think>…</think>`, then the action text
 * (see tools/parsers/think.ts for the rules, shared with the agent loop).
 */
import { splitThink } from '../../tools/parsers/think.js';

export type SplitResponse =
  | { ok: true; monologue: string; actionText: string }
  | { ok: false; reason: string };

export function splitResponse(response: string): SplitResponse {
  const split = splitThink(response, true);
  if (!split.ok) return split;
  const actionText = split.rest.trim();
  if (actionText === '') return { ok: false, reason: 'no action after </think>' };
  return { ok: true, monologue: (split.monologue ?? '').trim(), actionText };
}
