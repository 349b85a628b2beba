/**
 * The one `<think>` splitter: the agent loop, the recorder, the SRL reward and the chat readers all
 * find a response's monologue here.
 *
 * With `required` (the SRL response format, and templates with `think_tags`), the response must
 * close a `<think>` block; the opening tag may be missing (chat templates often put it in the
 * prompt), but when it is there it must be the only one and only whitespace may come before it:
 * text outside the monologue and the action is neither, and a second `<think>` is a second block.
 * Without `required`, a response need not have a block, and text before it is part of the thought.
 * Either way no `<think>` or `</think>` may follow the block.
 */

export type ThinkSplit =
  /** `monologue` is the block's inside, untrimmed; undefined when there is no block. `rest` follows it. */
  | { ok: true; monologue: string | undefined; before: string; rest: string }
  | { ok: false; reason: string };

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';

export function splitThink(text: string, required: boolean): ThinkSplit {
  const close = text.indexOf(THINK_CLOSE);
  if (close < 0) return required ? { ok: false, reason: 'no closing </think>' } : { ok: true, monologue: undefined, before: '', rest: text };
  const open = text.lastIndexOf(THINK_OPEN, close);
  const before = open < 0 ? '' : text.slice(0, open);
  if (required && open >= 0 && text.indexOf(THINK_OPEN) !== open) return { ok: false, reason: 'more than one <think> block' };
  if (required && before.trim() !== '') return { ok: false, reason: 'text before <think>' };
  const monologue = text.slice(open < 0 ? 0 : open + THINK_OPEN.length, close);
  const rest = text.slice(close + THINK_CLOSE.length);
  if (rest.includes(THINK_OPEN) || rest.includes(THINK_CLOSE)) return { ok: false, reason: 'more than one <think> block' };
  return { ok: true, monologue, before, rest };
}
