/**
 * Whether a predicted final answer equals the reference, in the spirit of the Qwen2.5-Math
 * checker (the evaluation the SRL paper reports with): equal after normalization; or equal as
 * numbers (exactly when both are rational, within a relative 1e-4 when an irrational is
 * involved, as the checker's `isclose`); or equal as expressions in the same variables, checked
 * at sample points instead of with sympy; or equal element by element as tuples, intervals, sets
 * and matrices; or equal as equations up to sign.
 *
 * Where we are deliberately stricter than that checker: two rationals are equal only exactly, so
 * 100000 and 100001 differ (a truncated decimal of enough digits, `0.0833333` for 1/12, still
 * matches); and an interval's brackets count, so [1, 2) is not (1, 2).
 */
import { evaluateExpression, freeVariables, parseExpression, type ExpressionNode, type ExpressionValue } from './expression.js';
import { normalizeAnswer, type NormalizedAnswer } from './normalize.js';
import { Rational } from './rational.js';

export const RELATIVE_TOLERANCE = 1e-4;

type Structure =
  | { kind: 'scalar'; text: string }
  | { kind: 'sequence'; open: string; close: string; items: Structure[] }
  | { kind: 'set'; items: Structure[] }
  | { kind: 'union'; parts: Structure[] }
  | { kind: 'matrix'; rows: Structure[][] };

/** Splits at `separator` where no bracket is open. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === '\\' && text.startsWith(separator, i) === false) {
      // `\{` and `\}` open and close like braces; other commands are skipped whole.
      const next = text[i + 1];
      if (next === '{') depth += 1;
      else if (next === '}') depth -= 1;
      i += 1;
      continue;
    }
    if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth += 1;
    else if (char === ')' || char === ']' || char === '}') depth -= 1;
  }
  parts.push(text.slice(start));
  return parts;
}

/** True when the bracket at 0 closes at the very end (so `(1)+(2)` is not one group). */
function enclosesWhole(text: string, openLength: number, closeLength: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length - closeLength; i += 1) {
    const char = text[i]!;
    if (char === '\\') {
      if (text[i + 1] === '{') depth += 1;
      else if (text[i + 1] === '}') depth -= 1;
      i += 1;
    } else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) depth -= 1;
    if (depth === 0 && i >= openLength - 1) return false;
  }
  return true;
}

function structureOf(text: string): Structure {
  const matrix = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}$/s.exec(text);
  if (matrix) {
    const rows = matrix[2]!.split('\\\\').map((row) => row.trim()).filter((row) => row !== '');
    return { kind: 'matrix', rows: rows.map((row) => row.split('&').map((cell) => structureOf(cell.trim()))) };
  }
  const union = splitTopLevel(text, '\\cup');
  if (union.length > 1) return { kind: 'union', parts: union.map((part) => structureOf(part)) };
  if (text.startsWith('\\{') && text.endsWith('\\}') && enclosesWhole(text, 2, 2)) {
    const inner = text.slice(2, -2);
    return { kind: 'set', items: inner === '' ? [] : splitTopLevel(inner, ',').map((item) => structureOf(item)) };
  }
  const open = text[0] ?? '';
  const close = text[text.length - 1] ?? '';
  if ('(['.includes(open) && open !== '' && ')]'.includes(close) && close !== '' && enclosesWhole(text, 1, 1)) {
    const items = splitTopLevel(text.slice(1, -1), ',');
    if (items.length > 1) return { kind: 'sequence', open, close, items: items.map((item) => structureOf(item)) };
  }
  const items = splitTopLevel(text, ',');
  if (items.length > 1) return { kind: 'sequence', open: '', close: '', items: items.map((item) => structureOf(item)) };
  return { kind: 'scalar', text };
}

function bracketsCompatible(a: { open: string; close: string }, b: { open: string; close: string }): boolean {
  if (a.open === b.open && a.close === b.close) return true;
  // A bare list matches the same list in () or [], as the Qwen checker allows; an interval's
  // mixed brackets ([1, 2)) must match exactly.
  const bare = (s: { open: string; close: string }) => s.open === '' && s.close === '';
  const pair = (s: { open: string; close: string }) => (s.open === '(' && s.close === ')') || (s.open === '[' && s.close === ']');
  return (bare(a) && pair(b)) || (bare(b) && pair(a));
}

function unorderedMatch(predicted: Structure[], reference: Structure[], percent: Percent): boolean {
  if (predicted.length !== reference.length) return false;
  const used = new Set<number>();
  return predicted.every((item) => {
    const index = reference.findIndex((candidate, position) => !used.has(position) && structuresEqual(item, candidate, percent));
    if (index < 0) return false;
    used.add(index);
    return true;
  });
}

interface Percent {
  predicted: boolean;
  reference: boolean;
}

function structuresEqual(predicted: Structure, reference: Structure, percent: Percent): boolean {
  if (predicted.kind === 'scalar' && reference.kind === 'scalar') return scalarsEqual(predicted.text, reference.text, percent);
  if (predicted.kind === 'sequence' && reference.kind === 'sequence') {
    return (
      bracketsCompatible(predicted, reference) &&
      predicted.items.length === reference.items.length &&
      predicted.items.every((item, i) => structuresEqual(item, reference.items[i]!, percent))
    );
  }
  if (predicted.kind === 'set' && reference.kind === 'set') return unorderedMatch(predicted.items, reference.items, percent);
  // {1, 2} against the bare list 1, 2: a set of solutions written either way.
  if (predicted.kind === 'set' && reference.kind === 'sequence' && reference.open === '') return unorderedMatch(predicted.items, reference.items, percent);
  if (reference.kind === 'set' && predicted.kind === 'sequence' && predicted.open === '') return unorderedMatch(predicted.items, reference.items, percent);
  if (predicted.kind === 'union' && reference.kind === 'union') return unorderedMatch(predicted.parts, reference.parts, percent);
  if (predicted.kind === 'matrix' && reference.kind === 'matrix') {
    return (
      predicted.rows.length === reference.rows.length &&
      predicted.rows.every((row, i) => {
        const other = reference.rows[i]!;
        return row.length === other.length && row.every((cell, j) => structuresEqual(cell, other[j]!, percent));
      })
    );
  }
  return false;
}

/** Python's `math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE)`. */
function isClose(a: number, b: number): boolean {
  // An infinite value here is an overflow (exact values too large to keep), which decides nothing.
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  if (a === b) return true;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** A decimal written to `decimals` places that rounds or truncates the exact value `exact`. */
function decimalApproximates(decimal: Rational, decimals: number, exact: Rational): boolean {
  const difference = decimal.sub(exact).abs();
  const lastPlace = Rational.of(1n, 10n ** BigInt(decimals));
  if (difference.compare(lastPlace) > 0) return false;
  // Relative closeness too, so 0.33 is not 1/3 while 0.3333 is.
  return difference.compare(exact.abs().mul(Rational.parseDecimal(String(RELATIVE_TOLERANCE))!)) <= 0;
}

function valuesEqual(predicted: ExpressionValue, reference: ExpressionValue): boolean {
  if (predicted.exact && reference.exact) {
    if (predicted.exact.equals(reference.exact)) return true;
    if (predicted.decimals !== undefined && reference.decimals === undefined) return decimalApproximates(predicted.exact, predicted.decimals, reference.exact);
    if (reference.decimals !== undefined && predicted.decimals === undefined) return decimalApproximates(reference.exact, reference.decimals, predicted.exact);
    return false;
  }
  return isClose(predicted.approx, reference.approx);
}

const HUNDRED = Rational.of(100n);

/** 10% stands for 10 or for 0.1. */
function percentReadings(value: ExpressionValue, isPercent: boolean): ExpressionValue[] {
  if (!isPercent) return [value];
  const divided: ExpressionValue = value.exact ? { exact: value.exact.div(HUNDRED), approx: value.exact.div(HUNDRED).toNumber() } : { approx: value.approx / 100 };
  return [value, divided];
}

// Points at which expressions in variables are compared: distinct, non-integer, away from the
// usual singularities (0, ±1) so that `\frac{x^2-1}{x-1}` and `x+1` agree wherever both exist.
const SAMPLE_POINTS = [Rational.of(7n, 3n), Rational.of(-5n, 4n), Rational.of(13n, 5n), Rational.of(2n, 7n)];

function expressionsEqual(predicted: ExpressionNode, reference: ExpressionNode, percent: Percent): boolean {
  const variables = freeVariables(predicted);
  const referenceVariables = freeVariables(reference);
  if (variables.size !== referenceVariables.size || [...variables].some((name) => !referenceVariables.has(name))) return false;
  if (variables.size === 0) {
    const a = evaluateExpression(predicted);
    const b = evaluateExpression(reference);
    if (!a || !b) return false;
    return percentReadings(a, percent.predicted).some((x) => percentReadings(b, percent.reference).some((y) => valuesEqual(x, y)));
  }
  let compared = 0;
  for (let shift = 0; shift < SAMPLE_POINTS.length; shift += 1) {
    const env = new Map([...variables].map((name, i) => [name, SAMPLE_POINTS[(i + shift) % SAMPLE_POINTS.length]!.add(Rational.of(BigInt(i)))]));
    const a = evaluateExpression(predicted, env);
    const b = evaluateExpression(reference, env);
    if (!a || !b) continue;
    if (!valuesEqual(a, b)) return false;
    compared += 1;
  }
  return compared > 0;
}

function equationSides(text: string): [ExpressionNode, ExpressionNode] | undefined {
  const sides = splitTopLevel(text, '=');
  if (sides.length !== 2) return undefined;
  const left = parseExpression(sides[0]!);
  const right = parseExpression(sides[1]!);
  return left && right ? [left, right] : undefined;
}

function scalarsEqual(predicted: string, reference: string, percent: Percent): boolean {
  if (predicted.toLowerCase() === reference.toLowerCase()) return true;
  // A choice letter, with or without parentheses: (C) and C.
  const choice = (text: string) => /^\(?([A-Ea-e])\)?$/.exec(text)?.[1]?.toUpperCase();
  if (choice(reference) !== undefined) return choice(predicted) === choice(reference);
  const predictedEquation = equationSides(predicted);
  const referenceEquation = equationSides(reference);
  if (predictedEquation && referenceEquation) {
    const difference = ([left, right]: [ExpressionNode, ExpressionNode]): ExpressionNode => ({ type: 'binary', operator: '-', left, right });
    const a = difference(predictedEquation);
    const b = difference(referenceEquation);
    const none = { predicted: false, reference: false };
    return expressionsEqual(a, b, none) || expressionsEqual({ type: 'negate', operand: a }, b, none);
  }
  const a = parseExpression(predicted);
  const b = parseExpression(reference);
  return a !== undefined && b !== undefined && expressionsEqual(a, b, percent);
}

export function normalizedAnswersEqual(predicted: NormalizedAnswer, reference: NormalizedAnswer): boolean {
  if (predicted.text === '' || reference.text === '') return false;
  if (predicted.text.toLowerCase() === reference.text.toLowerCase()) return true;
  return structuresEqual(structureOf(predicted.text), structureOf(reference.text), { predicted: predicted.percent, reference: reference.percent });
}

/** Whether `predicted` (an extracted final answer) equals `reference`. An empty answer never does. */
export function answersEquivalent(predicted: string | null | undefined, reference: string): boolean {
  if (predicted === null || predicted === undefined) return false;
  return normalizedAnswersEqual(normalizeAnswer(predicted), normalizeAnswer(reference));
}
