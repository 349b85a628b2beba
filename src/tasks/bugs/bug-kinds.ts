/**
 * The eight bug kinds, each a transformation of working code at a site the templates mark. A site
 * names the kinds it accepts (`⟦op,obo:>=⟧` may become `<=` or `>`); what the transformation writes
 * depends only on the site's text and a seeded choice, so a task is reproducible from its seed.
 */
import { InputError } from '../../errors.js';
import type { Random } from '../random.js';

export const BUG_KINDS = [
  'flipped-operator',
  'off-by-one',
  'wrong-constant',
  'swapped-arguments',
  'missing-return',
  'inverted-condition',
  'wrong-key',
  'wrong-variable',
] as const;

export type BugKind = (typeof BUG_KINDS)[number];

/** The short codes templates write in their site markers. */
export const SITE_CODES = {
  op: 'flipped-operator',
  obo: 'off-by-one',
  const: 'wrong-constant',
  swap: 'swapped-arguments',
  ret: 'missing-return',
  cond: 'inverted-condition',
  key: 'wrong-key',
  var: 'wrong-variable',
} as const satisfies Record<string, BugKind>;

export type SiteCode = keyof typeof SITE_CODES;

export function isBugKind(value: string): value is BugKind {
  return (BUG_KINDS as readonly string[]).includes(value);
}

/** Marks a line for deletion: a missing return removes its whole statement. */
export const DELETED_LINE = '\u0000deleted\u0000';

const FLIPPED: Record<string, string> = {
  '+': '-',
  '-': '+',
  '*': '/',
  '/': '*',
  '+=': '-=',
  '-=': '+=',
  '<': '>',
  '>': '<',
  '<=': '>=',
  '>=': '<=',
  '==': '!=',
  '!=': '==',
  and: 'or',
  or: 'and',
};

const BOUNDARY_SHIFTED: Record<string, string> = { '<': '<=', '<=': '<', '>': '>=', '>=': '>' };

/** Splits call arguments at top-level commas (not inside brackets or strings). */
export function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const char of text) {
    if (quote) {
      current += char;
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current.trim());
  return parts;
}

function isIntegerLiteral(text: string): boolean {
  return /^\d+$/.test(text);
}

function isFloatLiteral(text: string): boolean {
  return /^\d+\.\d+$/.test(text);
}

function shortFloat(value: number): string {
  const text = String(Number(value.toPrecision(12)));
  return text.includes('.') ? text : `${text}.0`;
}

function wrongConstant(text: string, random: Random): string {
  if (isIntegerLiteral(text)) {
    const value = Number(text);
    if (value < 10) return String(value === 0 ? 1 : random.pick(value > 1 ? [value + 1, value - 1] : [value + 1, value + 2]));
    const step = 10 ** (String(value).length - 1);
    return String(random.pick([value + step, value - step, value * 10]));
  }
  if (isFloatLiteral(text)) {
    const value = Number(text);
    return shortFloat(random.pick([value * 10, value / 10, value * 2]));
  }
  throw new Error(`wrong-constant site "${text}" is not a number literal`);
}

function offByOne(text: string, random: Random): string {
  const shifted = BOUNDARY_SHIFTED[text];
  if (shifted) return shifted;
  if (isIntegerLiteral(text)) {
    const value = Number(text);
    return String(value === 0 || random.chance(0.5) ? value + 1 : value - 1);
  }
  return `${text} ${random.pick(['+', '-'])} 1`;
}

/** A bare name, attribute, call or subscript negates without parentheses; anything else needs them. */
function negate(text: string): string {
  if (text.startsWith('not ')) return text.slice(4);
  if (/^[A-Za-z_][\w.]*(\([^()]*\)|\[[^\[\]]*\])?$/.test(text)) return `not ${text}`;
  return `not (${text})`;
}

/**
 * The site's text after the bug: `text` is what the working code has there, `alternative` what a
 * `key`/`var` site offers in its place (another key of the same records, another name in scope).
 */
export function transformSite(kind: BugKind, text: string, alternative: string | undefined, random: Random): string {
  switch (kind) {
    case 'flipped-operator': {
      const flipped = FLIPPED[text];
      if (!flipped) throw new Error(`flipped-operator site "${text}" is not an operator this kind flips`);
      return flipped;
    }
    case 'off-by-one':
      return offByOne(text, random);
    case 'wrong-constant':
      return wrongConstant(text, random);
    case 'swapped-arguments': {
      const args = splitArguments(text);
      if (args.length < 2 || args[0] === args[1]) throw new Error(`swapped-arguments site "${text}" needs two different arguments`);
      return [args[1], args[0], ...args.slice(2)].join(', ');
    }
    case 'missing-return':
      if (!text.startsWith('return ')) throw new Error(`missing-return site "${text}" is not a return statement`);
      return DELETED_LINE;
    case 'inverted-condition':
      return negate(text);
    case 'wrong-key':
    case 'wrong-variable':
      if (alternative === undefined || alternative === text) throw new Error(`${kind} site "${text}" has no different alternative`);
      return alternative;
  }
}

/** Parses a comma-separated list of bug kinds (a flag or a field), naming the unknown one. */
export function parseBugKinds(field: string, values: readonly string[]): BugKind[] {
  const kinds: BugKind[] = [];
  for (const value of values) {
    if (!isBugKind(value)) throw new InputError(`${field}: "${value}" is not a bug kind (known: ${BUG_KINDS.join(', ')})`);
    if (!kinds.includes(value)) kinds.push(value);
  }
  return kinds;
}
