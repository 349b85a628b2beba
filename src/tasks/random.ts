/**
 * A seeded random source for task generation. Every choice a generated task makes (domain, names,
 * layout, bug site, wording) comes from one of these, derived from the seed and the candidate's
 * place, so the same seed gives the same tasks on every machine and Node version: Math.random and
 * anything depending on the host (time, locale, hash order) are never used.
 */
import { hashString, SeededRandom } from '../util/seeded-random.js';

// Generator state 0 is avoided: labels that hash to it start from this state instead.
const ZERO_HASH_STATE = 0x9e3779b9;

export class Random extends SeededRandom {
  /** `parts` label the stream: ('tasks', seed, split, tier, index) gives one candidate's choices. */
  constructor(...parts: ReadonlyArray<string | number>) {
    super(hashString(parts.map(String).join('\u0000')) || ZERO_HASH_STATE);
  }

  /** Task generation never means to pick from nothing, so an empty list is a bug to report at once. */
  override pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick: nothing to pick from');
    return super.pick(items);
  }

  /** A pick that avoids `taken` (names already used in a scope); falls back to a numbered variant. */
  pickFresh(items: readonly string[], taken: ReadonlySet<string>): string {
    const free = items.filter((item) => !taken.has(item));
    if (free.length > 0) return this.pick(free);
    const base = this.pick(items);
    for (let suffix = 2; ; suffix++) if (!taken.has(`${base}${suffix}`)) return `${base}${suffix}`;
  }

  /** A child stream for one concern, so adding a choice in one place does not shift all others. */
  fork(label: string): Random {
    return new Random(this.state, label);
  }
}
