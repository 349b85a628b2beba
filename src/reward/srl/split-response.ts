/**
 * The SRL response format: an inner monologue inside `<think>…</think>`, then the action. The
 * opening tag may be missing (chat templates often put it in the prompt); the closing one may not.
 * When the opening tag is there, it must be the only one and only whitespace may come before it:
 * text outside the monologue and the action is neither, and a second `<think>` is a second block.
 */

export type SplitResponse =
  | { ok: true; monologue: string; actionText: string }
  | { ok: false; reason: string };

export function splitResponse(response: string): SplitResponse {
  const close = response.indexOf('</think>');
  if (close < 0) return { ok: false, reason: 'no closing </think>' };
  const open = response.lastIndexOf('<think>', close);
  if (open >= 0 && response.indexOf('<think>') !== open) return { ok: false, reason: 'more than one <think> block' };
  if (open >= 0 && response.slice(0, open).trim() !== '') return { ok: false, reason: 'text before <think>' };
  const monologue = response.slice(open < 0 ? 0 : open + '<think>'.length, close).trim();
  const after = response.slice(close + '</think>'.length);
  if (after.includes('<think>') || after.includes('</think>')) return { ok: false, reason: 'more than one <think> block' };
  const actionText = after.trim();
  if (actionText === '') return { ok: false, reason: 'no action after </think>' };
  return { ok: true, monologue, actionText };
}
