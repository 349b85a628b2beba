/**
 * The SRL response format: an inner monologue inside `<think>…</think>`, then the action. The
 * opening tag may be missing (chat templates often put it in the prompt); the closing one may not.
 */

export type SplitResponse =
  | { ok: true; monologue: string; actionText: string }
  | { ok: false; reason: string };

export function splitResponse(response: string): SplitResponse {
  const close = response.indexOf('</think>');
  if (close < 0) return { ok: false, reason: 'no closing </think>' };
  const open = response.lastIndexOf('<think>', close);
  const monologue = response.slice(open < 0 ? 0 : open + '<think>'.length, close).trim();
  const after = response.slice(close + '</think>'.length);
  if (after.includes('<think>') || after.includes('</think>')) return { ok: false, reason: 'more than one <think> block' };
  const actionText = after.trim();
  if (actionText === '') return { ok: false, reason: 'no action after </think>' };
  return { ok: true, monologue, actionText };
}
