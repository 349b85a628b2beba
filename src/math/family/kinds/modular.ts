/**
 * Modular arithmetic: the remainder of a sum and product (easy), of a power by repeated squaring
 * (medium), and the solution of a linear congruence or a pair of congruences by the Chinese
 * remainder theorem (hard). Answers are least non-negative (or least positive) residues.
 */
import type { SeededRandom } from '../../../util/seeded-random.js';
import { gcd, mod } from '../integers.js';
import type { ExpertStep, GeneratedProblem, MathTier, ProblemKind } from '../problem-kind.js';

/** The inverse of a modulo m (gcd 1), with the extended-Euclid lines that find it. */
function inverseWithWork(a: number, m: number): { inverse: number; work: string } {
  const divisions: string[] = [];
  let [r0, r1] = [m, mod(a, m)];
  let [s0, s1] = [0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    divisions.push(`$${r0} = ${q} \\cdot ${r1} + ${r0 - q * r1}$`);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return { inverse: mod(s0, m), work: divisions.join(', ') };
}

function sumAndProduct(random: SeededRandom): GeneratedProblem {
  const m = random.int(5, 13);
  const a = random.int(50, 999);
  const b = random.int(20, 500);
  const c = random.int(20, 500);
  const [ra, rb, rc] = [mod(a, m), mod(b, m), mod(c, m)];
  const answer = mod(ra + rb * rc, m);
  const steps: ExpertStep[] = [
    { title: `Reduce each number modulo ${m}`, action: `$${a} \\equiv ${ra}$, $${b} \\equiv ${rb}$ and $${c} \\equiv ${rc} \\pmod{${m}}$.` },
    { title: 'Multiply the reduced factors', action: `$${b} \\times ${c} \\equiv ${rb} \\times ${rc} = ${rb * rc} \\equiv ${mod(rb * rc, m)} \\pmod{${m}}$.` },
    { title: 'Add and reduce', action: `$${ra} + ${mod(rb * rc, m)} = ${ra + mod(rb * rc, m)} \\equiv ${answer} \\pmod{${m}}$.` },
    { title: 'State the answer', action: `The remainder is $\\boxed{${answer}}$.` },
  ];
  return { problem: `What is the remainder when $${a} + ${b} \\times ${c}$ is divided by ${m}?`, steps, answer: String(answer), spec: { residue: 'sum-product', a, b, c, m } };
}

function power(random: SeededRandom): GeneratedProblem {
  const m = random.int(5, 19);
  const base = random.intExcept(2, 30, [m]);
  const exponent = random.int(9, 64);
  const steps: ExpertStep[] = [{ title: `Reduce the base modulo ${m}`, action: `$${base} \\equiv ${mod(base, m)} \\pmod{${m}}$.` }];
  const squares: string[] = [];
  let square = mod(base, m);
  const powers: Array<{ exponent: number; value: number }> = [];
  for (let e = 1; e <= exponent; e *= 2) {
    powers.push({ exponent: e, value: square });
    if (e > 1) squares.push(`$${base}^{${e}} \\equiv ${square}$`);
    square = mod(square * square, m);
  }
  steps.push({ title: 'Square repeatedly', action: `Squaring and reducing each time: ${squares.join(', ')} $\\pmod{${m}}$.` });
  const used = powers.filter((p) => (exponent & p.exponent) !== 0);
  const answer = used.reduce((product, p) => mod(product * p.value, m), 1);
  steps.push({ title: 'Write the exponent in binary', action: `$${exponent} = ${used.map((p) => p.exponent).reverse().join(' + ')}$.` });
  steps.push({
    title: 'Multiply the needed powers',
    action: `$${base}^{${exponent}} \\equiv ${used.map((p) => p.value).reverse().join(' \\cdot ')} \\equiv ${answer} \\pmod{${m}}$.`,
  });
  steps.push({ title: 'State the answer', action: `The remainder is $\\boxed{${answer}}$.` });
  return { problem: `What is the remainder when $${base}^{${exponent}}$ is divided by ${m}?`, steps, answer: String(answer), spec: { residue: 'power', base, exponent, m } };
}

function congruence(random: SeededRandom): GeneratedProblem {
  const m = random.pick([7, 9, 11, 13, 17, 19, 23, 25, 29, 31]);
  let a = random.int(2, m - 1);
  while (gcd(a, m) !== 1) a = random.int(2, m - 1);
  const b = random.int(1, m - 1);
  const { inverse, work } = inverseWithWork(a, m);
  const answer = mod(b * inverse, m);
  const steps: ExpertStep[] = [
    { title: 'Check that an inverse exists', action: `$\\gcd(${a}, ${m}) = 1$, so ${a} has an inverse modulo ${m} and the solution is unique modulo ${m}.` },
    { title: `Run Euclid's algorithm on ${m} and ${a}`, action: `${work}.` },
    { title: `Find the inverse of ${a}`, action: `Working back through the divisions, $${a} \\cdot ${inverse} = ${a * inverse} \\equiv 1 \\pmod{${m}}$, so $${a}^{-1} \\equiv ${inverse}$.` },
    { title: 'Multiply both sides by the inverse', action: `$x \\equiv ${b} \\cdot ${inverse} = ${b * inverse} \\equiv ${answer} \\pmod{${m}}$.` },
    { title: 'State the answer', action: `The least positive solution is $x = \\boxed{${answer}}$.` },
  ];
  return { problem: `Find the least positive integer $x$ such that $${a}x \\equiv ${b} \\pmod{${m}}$.`, steps, answer: String(answer), spec: { residue: 'congruence', a, b, m } };
}

function chineseRemainder(random: SeededRandom): GeneratedProblem {
  const m1 = random.pick([3, 4, 5, 7, 8, 9]);
  let m2 = random.pick([5, 7, 11, 13]);
  while (gcd(m1, m2) !== 1) m2 = random.pick([5, 7, 11, 13]);
  const r1 = random.int(1, m1 - 1);
  const r2 = random.int(1, m2 - 1);
  // x = r1 + m1 t; need m1 t ≡ r2 - r1 (mod m2).
  const { inverse } = inverseWithWork(m1, m2);
  const t = mod((r2 - r1) * inverse, m2);
  const x = r1 + m1 * t;
  const steps: ExpertStep[] = [
    { title: 'Write the first congruence as an equation', action: `$x \\equiv ${r1} \\pmod{${m1}}$ means $x = ${r1} + ${m1}t$ for an integer $t$.` },
    { title: 'Substitute into the second congruence', action: `$${r1} + ${m1}t \\equiv ${r2} \\pmod{${m2}}$, so $${m1}t \\equiv ${r2 - r1} \\equiv ${mod(r2 - r1, m2)} \\pmod{${m2}}$.` },
    { title: `Invert ${m1} modulo ${m2}`, action: `$${m1} \\cdot ${inverse} = ${m1 * inverse} \\equiv 1 \\pmod{${m2}}$, so $t \\equiv ${mod(r2 - r1, m2)} \\cdot ${inverse} \\equiv ${t} \\pmod{${m2}}$.` },
    { title: 'Recover x', action: `The least choice $t = ${t}$ gives $x = ${r1} + ${m1} \\cdot ${t} = ${x}$.` },
    { title: 'State the answer', action: `The least positive solution is $\\boxed{${x}}$.` },
  ];
  return {
    problem: `Find the least positive integer $x$ with $x \\equiv ${r1} \\pmod{${m1}}$ and $x \\equiv ${r2} \\pmod{${m2}}$.`,
    steps,
    answer: String(x),
    spec: { residue: 'crt', r1, m1, r2, m2 },
  };
}

export const modularKind: ProblemKind = {
  name: 'modular',
  generate(random: SeededRandom, tier: MathTier): GeneratedProblem {
    if (tier === 'easy') return sumAndProduct(random);
    if (tier === 'medium') return power(random);
    return random.chance(0.5) ? congruence(random) : chineseRemainder(random);
  },
};
