/**
 * Fraction arithmetic: a sum of two fractions (easy), a product plus a fraction or a sum and a
 * difference of three (medium), and a quotient of a sum by a difference (hard). Answers are
 * reduced fractions (or whole numbers).
 */
import type { SeededRandom } from '../../../util/seeded-random.js';
import { Rational } from '../../answer/rational.js';
import { gcd, lcm } from '../integers.js';
import type { ExpertStep, GeneratedProblem, MathTier, ProblemKind } from '../problem-kind.js';

/** A proper-looking fraction with a denominator in [2, maxDen], not always in lowest terms' form. */
function drawFraction(random: SeededRandom, maxDen: number): { num: number; den: number } {
  const den = random.int(2, maxDen);
  const num = random.intExcept(1, den * 2 - 1, [den]);
  return { num, den };
}

function tex({ num, den }: { num: number; den: number }): string {
  return `\\frac{${num}}{${den}}`;
}

function value({ num, den }: { num: number; den: number }): Rational {
  return Rational.of(num, den);
}

/** Two fractions combined over their least common denominator: the step text and the result. */
function combine(a: { num: number; den: number }, b: { num: number; den: number }, sign: '+' | '-'): { action: string; result: { num: number; den: number } } {
  const common = lcm(a.den, b.den);
  const an = a.num * (common / a.den);
  const bn = b.num * (common / b.den);
  const num = sign === '+' ? an + bn : an - bn;
  const rewritten = `${tex(a)} ${sign} ${tex(b)} = \\frac{${an}}{${common}} ${sign} \\frac{${bn}}{${common}} = \\frac{${num}}{${common}}`;
  return { action: `The least common denominator of ${a.den} and ${b.den} is ${common}: $${rewritten}$.`, result: { num, den: common } };
}

function simplifyStep(result: { num: number; den: number }, steps: ExpertStep[]): string {
  const reduced = Rational.of(result.num, result.den).toLatex();
  const divisor = gcd(result.num, result.den);
  steps.push({
    title: 'Simplify the result',
    action: divisor > 1 || result.den === 1 ? `Dividing the top and bottom by ${divisor} gives $\\frac{${result.num}}{${result.den}} = ${reduced}$.` : `$\\frac{${result.num}}{${result.den}}$ is already in lowest terms.`,
  });
  steps.push({ title: 'State the answer', action: `The value is $\\boxed{${reduced}}$.` });
  return reduced;
}

function easy(random: SeededRandom): GeneratedProblem {
  const a = drawFraction(random, 9);
  const b = drawFraction(random, 12);
  const expression = `${tex(a)} + ${tex(b)}`;
  const steps: ExpertStep[] = [];
  const sum = combine(a, b, '+');
  steps.push({ title: 'Rewrite over a common denominator', action: sum.action });
  const answer = simplifyStep(sum.result, steps);
  return { problem: `Compute $${expression}$ and give the answer as a fraction in lowest terms.`, steps, answer, spec: { expression } };
}

function medium(random: SeededRandom): GeneratedProblem {
  const a = drawFraction(random, 9);
  const b = drawFraction(random, 9);
  const c = drawFraction(random, 10);
  const steps: ExpertStep[] = [];
  if (random.chance(0.5)) {
    const expression = `${tex(a)} \\times ${tex(b)} + ${tex(c)}`;
    const product = { num: a.num * b.num, den: a.den * b.den };
    steps.push({ title: 'Multiply the first two fractions', action: `Multiply tops and bottoms: $${tex(a)} \\times ${tex(b)} = ${tex(product)}$.` });
    const sum = combine(product, c, '+');
    steps.push({ title: 'Add the third fraction', action: sum.action });
    const answer = simplifyStep(sum.result, steps);
    return { problem: `Compute $${expression}$ and give the answer as a fraction in lowest terms.`, steps, answer, spec: { expression } };
  }
  const expression = `${tex(a)} + ${tex(b)} - ${tex(c)}`;
  const first = combine(a, b, '+');
  steps.push({ title: 'Add the first two fractions', action: first.action });
  const second = combine(first.result, c, '-');
  steps.push({ title: 'Subtract the third fraction', action: second.action });
  const answer = simplifyStep(second.result, steps);
  return { problem: `Compute $${expression}$ and give the answer as a fraction in lowest terms.`, steps, answer, spec: { expression } };
}

function hard(random: SeededRandom): GeneratedProblem {
  const a = drawFraction(random, 8);
  const b = drawFraction(random, 8);
  let c = drawFraction(random, 9);
  let d = drawFraction(random, 9);
  while (value(c).equals(value(d))) d = drawFraction(random, 9);
  if (value(c).compare(value(d)) < 0) [c, d] = [d, c];
  const expression = `\\frac{${tex(a)} + ${tex(b)}}{${tex(c)} - ${tex(d)}}`;
  const steps: ExpertStep[] = [];
  const top = combine(a, b, '+');
  steps.push({ title: 'Add the fractions on top', action: top.action });
  const bottom = combine(c, d, '-');
  steps.push({ title: 'Subtract the fractions below', action: bottom.action });
  const quotient = { num: top.result.num * bottom.result.den, den: top.result.den * bottom.result.num };
  steps.push({
    title: 'Divide by multiplying by the reciprocal',
    action: `$${tex(top.result)} \\div ${tex(bottom.result)} = ${tex(top.result)} \\times \\frac{${bottom.result.den}}{${bottom.result.num}} = ${tex(quotient)}$.`,
  });
  const answer = simplifyStep(quotient, steps);
  return { problem: `Compute $${expression}$ and give the answer as a fraction in lowest terms.`, steps, answer, spec: { expression } };
}

export const fractionsKind: ProblemKind = {
  name: 'fractions',
  generate(random: SeededRandom, tier: MathTier): GeneratedProblem {
    return tier === 'easy' ? easy(random) : tier === 'medium' ? medium(random) : hard(random);
  },
};
