/**
 * The built-in math task family: seeded problems of five kinds in three tiers, each with an expert
 * solution in the SRL paper's numbered-step form and an exact answer.
 *
 * - Problem i of a set depends only on (seed, split, tier, i) and on the problems before it (a
 *   duplicate is drawn again), so the same settings give byte-identical output and a longer set
 *   starts with the shorter one.
 * - Kinds take turns (problem i is of kind i mod 5); with tier `mixed`, tiers take turns too.
 * - Splits are disjoint by construction: a problem belongs to `held-out` when the hash of its
 *   mathematical content (its spec, not its names or wording) falls in one fifth of the range,
 *   and each split keeps drawing until it gets problems of its own. The seed picks which problems.
 */
import { InputError } from '../../errors.js';
import { hashString, SeededRandom } from '../../util/seeded-random.js';
import { arithmeticKind } from './kinds/arithmetic.js';
import { combinatoricsKind } from './kinds/combinatorics.js';
import { fractionsKind } from './kinds/fractions.js';
import { linearKind } from './kinds/linear.js';
import { modularKind } from './kinds/modular.js';
import { MATH_TIERS, type GeneratedProblem, type MathTier, type ProblemKind } from './problem-kind.js';

export const MATH_KINDS: readonly ProblemKind[] = [arithmeticKind, linearKind, fractionsKind, combinatoricsKind, modularKind];
export const MATH_KIND_NAMES = MATH_KINDS.map((kind) => kind.name);
export const MATH_SPLITS = ['train', 'held-out'] as const;
export type MathSplit = (typeof MATH_SPLITS)[number];
export const MATH_TIER_CHOICES = [...MATH_TIERS, 'mixed'] as const;
export type MathTierChoice = (typeof MATH_TIER_CHOICES)[number];

/** Bumped whenever a change to the generators changes what a seed produces. */
export const MATH_FAMILY_VERSION = 1;

const HELD_OUT_BUCKETS = 5;
const MAX_DRAWS = 2000;

export interface MathFamilyOptions {
  count: number;
  seed: number;
  tier: MathTierChoice;
  split: MathSplit;
  /** Kind names to use, in turn; all five by default. */
  kinds?: readonly string[];
}

/** A row of problems.jsonl: what the math readers, `math steps` and `eval-math` read. */
export interface MathFamilyRow {
  id: string;
  problem: string;
  /** The expert solution, `1. **Title** action` steps, one per line. */
  solution: string;
  answer: string;
  dataset: string;
  kind: string;
  tier: MathTier;
  split: MathSplit;
  seed: number;
  /** The problem's mathematical content, from which tests recompute the answer. */
  spec: Record<string, unknown>;
}

export function splitOfSpec(kind: string, spec: Record<string, unknown>): MathSplit {
  return hashString(`${kind}:${JSON.stringify(spec)}`) % HELD_OUT_BUCKETS === 0 ? 'held-out' : 'train';
}

export function solutionText(problem: GeneratedProblem): string {
  return problem.steps.map((step, i) => `${i + 1}. **${step.title}** ${step.action}`).join('\n');
}

function kindsOf(names: readonly string[] | undefined): ProblemKind[] {
  if (names === undefined || names.length === 0) return [...MATH_KINDS];
  return names.map((name) => {
    const kind = MATH_KINDS.find((candidate) => candidate.name === name);
    if (!kind) throw new InputError(`kinds: "${name}" is not one of ${MATH_KIND_NAMES.join(', ')}`);
    return kind;
  });
}

export function generateMathFamily(options: MathFamilyOptions): MathFamilyRow[] {
  if (!Number.isInteger(options.count) || options.count < 1) throw new InputError(`count: expected a positive integer, got ${options.count}`);
  if (!Number.isInteger(options.seed) || options.seed < 0) throw new InputError(`seed: expected an integer >= 0, got ${options.seed}`);
  const kinds = kindsOf(options.kinds);
  const seen = new Set<string>();
  const rows: MathFamilyRow[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const kind = kinds[i % kinds.length]!;
    const tier: MathTier = options.tier === 'mixed' ? MATH_TIERS[i % MATH_TIERS.length]! : options.tier;
    const random = new SeededRandom(`swe-srl-math:${options.seed}:${options.split}:${options.tier}:${i}`);
    let made: GeneratedProblem | undefined;
    for (let draw = 0; draw < MAX_DRAWS && !made; draw += 1) {
      const candidate = kind.generate(random, tier);
      const key = `${kind.name}:${JSON.stringify(candidate.spec)}`;
      if (splitOfSpec(kind.name, candidate.spec) === options.split && !seen.has(key)) {
        seen.add(key);
        made = candidate;
      }
    }
    if (!made) {
      throw new InputError(`count: could not make ${options.count} distinct ${tier} ${kind.name} problems for the ${options.split} split (ran out at problem ${i + 1}); ask for fewer`);
    }
    rows.push({
      id: `math-${options.split}-${options.tier}-s${options.seed}-${String(i).padStart(4, '0')}`,
      problem: made.problem,
      solution: solutionText(made),
      answer: made.answer,
      dataset: `builtin-${kind.name}`,
      kind: kind.name,
      tier,
      split: options.split,
      seed: options.seed,
      spec: made.spec,
    });
  }
  return rows;
}
