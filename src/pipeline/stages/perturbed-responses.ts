/**
 * A perturbed policy for checking the SRL reward: answers to a step that are near the expert's
 * action, far from it, or malformed, in known proportions. Each answer is a pure function of the
 * seed, the step id and the sample index (a hash, not a random stream), so the same steps file
 * always gets the same answers, whatever order or subset is scored.
 *
 * Kinds:
 * - `expert`: the expert's action itself (scores 1);
 * - `edit`: the expert's action with one argument edited (a span deleted, a word swapped, a
 *   number changed), written back in the step's tool format;
 * - `other`: the action of another step of the file (a wrong but well-formed action);
 * - `format`: a response that breaks the format (no `</think>`, two actions, prose only; −1).
 */
import { createHash } from 'node:crypto';
import { renderAction, type ParsedAction, type ToolFormat } from '../../tools/parsers/index.js';

export const PERTURBATION_KINDS = ['expert', 'edit', 'other', 'format'] as const;
export type PerturbationKind = (typeof PERTURBATION_KINDS)[number];

export interface PerturbableStep {
  stepId: string;
  toolFormat: ToolFormat;
  action: ParsedAction;
  /** The expert's action as the policy writes it. */
  text: string;
}

export interface PerturbedResponse {
  kind: PerturbationKind;
  response: string;
}

/** A number in [0, 1) from the labelled hash. */
function unit(...parts: ReadonlyArray<string | number>): number {
  const digest = createHash('sha256').update(parts.map(String).join('\u0000')).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

function pick<T>(items: readonly T[], u: number): T {
  return items[Math.min(items.length - 1, Math.floor(u * items.length))]!;
}

const MONOLOGUES = [
  'Let me look at this part of the code next.',
  'This should tell me where the failure comes from.',
  'I will try this and see what happens.',
  'Next I check whether this fixes it.',
];

function withThink(monologue: string, action: string): string {
  return `<think>\n${monologue}\n</think>\n${action}`;
}

/** One argument of the action edited: the longest string argument, or a number nudged. */
function editedAction(action: ParsedAction, u: (label: string) => number): ParsedAction {
  const args: Record<string, unknown> = { ...action.args };
  const strings = Object.entries(args).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].length > 0);
  const numbers = Object.entries(args).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  if (strings.length === 0 && numbers.length > 0) {
    const [key, value] = pick(numbers, u('number'));
    args[key] = value + 1 + Math.floor(u('delta') * 20);
    return { tool: action.tool, args } as ParsedAction;
  }
  if (strings.length === 0) return { tool: 'bash', args: { command: 'ls' } };
  const [key, value] = strings.reduce((longest, entry) => (entry[1].length > longest[1].length ? entry : longest));
  const style = Math.floor(u('style') * 3);
  let edited: string;
  if (style === 0) {
    // Delete a span of up to a third of the text.
    const length = 1 + Math.floor(u('length') * Math.max(1, value.length / 3));
    const start = Math.floor(u('start') * Math.max(1, value.length - length));
    edited = value.slice(0, start) + value.slice(start + length);
  } else if (style === 1) {
    // Swap one word for another of the text, as a policy confusing two names would.
    const words = value.split(/(\W+)/);
    const wordIndexes = words.map((word, index) => (/^\w+$/.test(word) ? index : -1)).filter((index) => index >= 0);
    if (wordIndexes.length >= 2) {
      const at = pick(wordIndexes, u('at'));
      const other = pick(wordIndexes.filter((index) => words[index] !== words[at]), u('other'));
      words[at] = other !== undefined ? words[other]! : `${words[at]}_x`;
      edited = words.join('');
    } else {
      edited = `${value}_x`;
    }
  } else {
    // Keep a prefix only, as a policy stopping early would.
    edited = value.slice(0, Math.max(1, Math.floor(value.length * (0.3 + 0.5 * u('cut')))));
  }
  args[key] = edited === value ? `${value}_x` : edited;
  return { tool: action.tool, args } as ParsedAction;
}

function brokenFormat(step: PerturbableStep, u: (label: string) => number): string {
  const monologue = pick(MONOLOGUES, u('monologue'));
  switch (Math.floor(u('break') * 3)) {
    case 0:
      return `<think>\n${monologue}\n${step.text}`; // no closing </think>
    case 1:
      return withThink(monologue, `${step.text}\n${step.text}`); // two actions
    default:
      return withThink(monologue, 'I think the bug is in the code above.'); // no action
  }
}

export interface PerturbOptions {
  seed: number;
  /** Weights of the kinds (need not sum to 1). */
  mix: Record<PerturbationKind, number>;
}

/** The `sample`-th answer of the perturbed policy to `step`; `others` are the file's other steps. */
export function perturbedResponse(step: PerturbableStep, sample: number, others: readonly PerturbableStep[], options: PerturbOptions): PerturbedResponse {
  const u = (label: string) => unit(options.seed, step.stepId, sample, label);
  const total = PERTURBATION_KINDS.reduce((sum, kind) => sum + options.mix[kind], 0);
  let at = u('kind') * total;
  let kind: PerturbationKind = 'edit';
  for (const candidate of PERTURBATION_KINDS) {
    at -= options.mix[candidate];
    if (at < 0) {
      kind = candidate;
      break;
    }
  }
  const monologue = pick(MONOLOGUES, u('monologue'));
  switch (kind) {
    case 'expert':
      return { kind, response: withThink(monologue, step.text) };
    case 'edit':
      return { kind, response: withThink(monologue, renderAction(step.toolFormat, editedAction(step.action, u))) };
    case 'other': {
      const pool = others.filter((other) => other.stepId !== step.stepId);
      if (pool.length === 0) return { kind: 'edit', response: withThink(monologue, renderAction(step.toolFormat, editedAction(step.action, u))) };
      return { kind, response: withThink(monologue, renderAction(step.toolFormat, pick(pool, u('other-step')).action)) };
    }
    case 'format':
      return { kind, response: brokenFormat(step, u) };
  }
}
