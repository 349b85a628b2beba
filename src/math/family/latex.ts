/** Writing numbers and linear expressions the way a worked solution writes them. */
import { Rational } from '../answer/rational.js';

/** `3x`, `-x`, `x`, `\frac{1}{2}x`; empty for a zero coefficient. */
export function coefficientTerm(coefficient: Rational | number, variable: string): string {
  const value = typeof coefficient === 'number' ? Rational.of(coefficient) : coefficient;
  if (value.isZero()) return '';
  if (value.equals(Rational.ONE)) return variable;
  if (value.equals(Rational.ONE.neg())) return `-${variable}`;
  return `${value.toLatex()}${variable}`;
}

/** ` + 3`, ` - 3`, or nothing for 0: a constant added after a first term. */
export function plusConstant(value: Rational | number): string {
  const r = typeof value === 'number' ? Rational.of(value) : value;
  if (r.isZero()) return '';
  return r.compare(Rational.ZERO) < 0 ? ` - ${r.neg().toLatex()}` : ` + ${r.toLatex()}`;
}

/** `ax + b` written cleanly: `3x - 5`, `-x`, `7`. */
export function linearExpression(coefficient: Rational | number, constant: Rational | number, variable = 'x'): string {
  const term = coefficientTerm(coefficient, variable);
  const c = typeof constant === 'number' ? Rational.of(constant) : constant;
  if (term === '') return c.toLatex();
  return `${term}${plusConstant(c)}`;
}

/** A number in parentheses when negative, for products: `3 \times (-2)`. */
export function factor(value: Rational | number): string {
  const r = typeof value === 'number' ? Rational.of(value) : value;
  return r.compare(Rational.ZERO) < 0 ? `(${r.toLatex()})` : r.toLatex();
}

export function fracOf(num: number | bigint, den: number | bigint): string {
  return `\\frac{${num}}{${den}}`;
}
