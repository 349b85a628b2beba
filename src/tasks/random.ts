/**
 * A seeded random source for task generation. Every choice a generated task makes (domain, names,
 * layout, bug site, wording) comes from one of these, derived from the seed and the candidate's
 * place, so the same seed gives the same tasks on every machine and Node version: Math.random and
 * anything depending on the host (time, locale, hash order) are never used.
 */

/** 32-bit FNV-1a of a string, to turn a labelled seed into generator state. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export class Random {
  private state: number;

  /** `parts` label the stream: ('tasks', seed, split, tier, index) gives one candidate's choices. */
  constructor(...parts: ReadonlyArray<string | number>) {
    this.state = hashString(parts.map(String).join('\u0000')) || 0x9e3779b9;
  }

  /** mulberry32: small, fast and well mixed enough for picking names and sites. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick: nothing to pick from');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A pick that avoids `taken` (names already used in a scope); falls back to a numbered variant. */
  pickFresh(items: readonly string[], taken: ReadonlySet<string>): string {
    const free = items.filter((item) => !taken.has(item));
    if (free.length > 0) return this.pick(free);
    const base = this.pick(items);
    for (let suffix = 2; ; suffix++) if (!taken.has(`${base}${suffix}`)) return `${base}${suffix}`;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1));
      [copy[index], copy[other]] = [copy[other]!, copy[index]!];
    }
    return copy;
  }

  /** `count` distinct items in random order (all of them when there are fewer). */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }

  /** A child stream for one concern, so adding a choice in one place does not shift all others. */
  fork(label: string): Random {
    return new Random(this.state, label);
  }
}
