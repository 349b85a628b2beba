/**
 * Linear equations in one unknown: `ax + b = c` (easy, integer root), `ax + b = cx + d` (medium,
 * the root may be a fraction), and `a(x + b) - c = d(x - e) + f` (hard: expand both sides first).
 * Every step is exact rational arithmetic.
 */
import type { SeededRandom } from '../../../util/seeded-random.js';
import { Rational } from '../../answer/rational.js';
import { coefficientTerm, linearExpression, plusConstant } from '../latex.js';
import type { ExpertStep, GeneratedProblem, MathTier, ProblemKind } from '../problem-kind.js';

const VARIABLES = ['x', 'y', 'n', 't', 'k'];

/** `Subtract 3x from both sides`, or `Add 3x to both sides` for a negative term. */
function moveTerm(value: number, variable: string): string {
  const term = coefficientTerm(Math.abs(value), variable);
  return value < 0 ? `Add $${term}$ to both sides` : `Subtract $${term}$ from both sides`;
}

/** `Subtract 5 from both sides`, or `Add 5 to both sides` for a negative constant. */
function moveConstant(value: number): string {
  return value < 0 ? `Add ${-value} to both sides` : `Subtract ${value} from both sides`;
}

function solveSteps(variable: string, coefficient: number, constant: Rational, steps: ExpertStep[]): Rational {
  const root = constant.div(Rational.of(coefficient));
  const fraction = `\\frac{${constant.toLatex()}}{${coefficient}}`;
  steps.push({
    title: `Divide by the coefficient of ${variable}`,
    action:
      coefficient === 1
        ? `The coefficient is 1, so $${variable} = ${root.toLatex()}$.`
        : fraction === root.toLatex()
          ? `$${variable} = ${fraction}$, already in lowest terms.`
          : `$${variable} = ${fraction} = ${root.toLatex()}$.`,
  });
  return root;
}

function easy(random: SeededRandom, v: string): GeneratedProblem {
  const root = random.intExcept(-12, 12, [0]);
  const a = random.int(2, 9);
  const b = random.intExcept(-20, 20, [0]);
  const c = a * root + b;
  const equation = `${coefficientTerm(a, v)}${plusConstant(b)} = ${c}`;
  const steps: ExpertStep[] = [{ title: `Isolate the ${v} term`, action: `${moveConstant(b)}: $${coefficientTerm(a, v)} = ${c} ${b > 0 ? '-' : '+'} ${Math.abs(b)} = ${c - b}$.` }];
  const solved = solveSteps(v, a, Rational.of(c - b), steps);
  steps.push({ title: 'Check and state the answer', action: `Substituting back, $${a} \\cdot ${solved.compare(Rational.ZERO) < 0 ? `(${solved.toLatex()})` : solved.toLatex()}${plusConstant(b)} = ${c}$, so $${v} = \\boxed{${solved.toLatex()}}$.` });
  return { problem: `Solve for $${v}$: $${equation}$.`, steps, answer: solved.toLatex(), spec: { variable: v, equation } };
}

function medium(random: SeededRandom, v: string): GeneratedProblem {
  const a = random.intExcept(-9, 9, [0]);
  const c = random.intExcept(-9, 9, [0, a]);
  const b = random.intExcept(-15, 15, [0]);
  const d = random.intExcept(-15, 15, [0]);
  const equation = `${linearExpression(a, b, v)} = ${linearExpression(c, d, v)}`;
  const coefficient = a - c;
  const constant = d - b;
  const steps: ExpertStep[] = [
    { title: `Collect the ${v} terms on the left`, action: `${moveTerm(c, v)}: $${linearExpression(coefficient, b, v)} = ${d}$.` },
    { title: 'Move the constant to the right', action: `${moveConstant(b)}: $${coefficientTerm(coefficient, v)} = ${d} ${b < 0 ? '+' : '-'} ${Math.abs(b)} = ${constant}$.` },
  ];
  const root = solveSteps(v, coefficient, Rational.of(constant), steps);
  steps.push({ title: 'State the answer', action: `$${v} = \\boxed{${root.toLatex()}}$.` });
  return { problem: `Solve for $${v}$: $${equation}$.`, steps, answer: root.toLatex(), spec: { variable: v, equation } };
}

function hard(random: SeededRandom, v: string): GeneratedProblem {
  const a = random.intExcept(2, 9, []);
  const d = random.intExcept(-7, 9, [0, a]);
  const b = random.intExcept(-9, 9, [0]);
  const e = random.intExcept(-9, 9, [0]);
  const c = random.intExcept(-20, 20, [0]);
  const f = random.intExcept(-20, 20, [0]);
  const left = `${a}(${v}${plusConstant(b)})${plusConstant(-c)}`;
  const right = `${d === 1 ? '' : d === -1 ? '-' : d}(${v}${plusConstant(-e)})${plusConstant(f)}`;
  const equation = `${left} = ${right}`;
  const leftConstant = a * b - c;
  const rightConstant = -d * e + f;
  const coefficient = a - d;
  const constant = rightConstant - leftConstant;
  const steps: ExpertStep[] = [
    { title: 'Expand the left side', action: `$${left} = ${linearExpression(a, a * b, v)}${plusConstant(-c)} = ${linearExpression(a, leftConstant, v)}$.` },
    { title: 'Expand the right side', action: `$${right} = ${linearExpression(d, -d * e, v)}${plusConstant(f)} = ${linearExpression(d, rightConstant, v)}$.` },
    { title: `Collect the ${v} terms`, action: `${moveTerm(d, v)}: $${linearExpression(coefficient, leftConstant, v)} = ${rightConstant}$.` },
    { title: 'Collect the constants', action: `${leftConstant === 0 ? 'There is no constant on the left' : moveConstant(leftConstant)}: $${coefficientTerm(coefficient, v)} = ${constant}$.` },
  ];
  const root = solveSteps(v, coefficient, Rational.of(constant), steps);
  steps.push({ title: 'State the answer', action: `$${v} = \\boxed{${root.toLatex()}}$.` });
  return { problem: `Solve for $${v}$: $${equation}$.`, steps, answer: root.toLatex(), spec: { variable: v, equation } };
}

export const linearKind: ProblemKind = {
  name: 'linear',
  generate(random: SeededRandom, tier: MathTier): GeneratedProblem {
    const variable = random.pick(VARIABLES);
    return tier === 'easy' ? easy(random, variable) : tier === 'medium' ? medium(random, variable) : hard(random, variable);
  },
};
