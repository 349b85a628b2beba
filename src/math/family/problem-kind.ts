/**
 * What every kind of generated problem provides: the problem text, an expert solution as titled
 * steps (the SRL paper's `N. **Title** action` form), the exact answer, and `spec`, the problem's
 * mathematical content as data. The spec decides the split (see generate.ts), tells duplicates
 * apart, and lets tests recompute the answer independently of the solution text.
 */
import type { SeededRandom } from '../../util/seeded-random.js';

export const MATH_TIERS = ['easy', 'medium', 'hard'] as const;
export type MathTier = (typeof MATH_TIERS)[number];

export interface ExpertStep {
  /** A short imperative phrase: `Isolate x`. */
  title: string;
  action: string;
}

export interface GeneratedProblem {
  problem: string;
  steps: ExpertStep[];
  /** The exact answer, in the form a reference answer is written (`7`, `-\frac{3}{4}`). */
  answer: string;
  spec: Record<string, unknown>;
}

export interface ProblemKind {
  readonly name: string;
  generate(random: SeededRandom, tier: MathTier): GeneratedProblem;
}
