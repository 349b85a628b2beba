/**
 * Seeded randomness for the generated families (math problems, synthetic tasks): the same seed gives
 * the same draws, byte for byte, on every machine and Node version, because nothing here reads
 * Math.random, the clock, the locale or hash order. FNV-1a turns strings into seeds; mulberry32 draws.
 * Both families' outputs, and training's Rng (which shares the mulberry32 step), depend on the exact
 * sequence: changing a draw here changes every generated problem and task, and every training run.
 */

/** 32-bit FNV-1a of a string (UTF-16 units), as an unsigned integer. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** What each mulberry32 draw adds to its 32-bit state before mixing it into a float. */
export const MULBERRY32_INCREMENT = 0x6d2b79f5;

/**
 * mulberry32's output for a state already advanced by MULBERRY32_INCREMENT: a float in [0, 1).
 * The state stays with the caller, so a generator can save it (training checkpoints do) as one number.
 */
export function mulberry32Float(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export class SeededRandom {
  protected state: number;

  /** A number seeds the state directly (as an unsigned 32-bit integer); a string is hashed first. */
  constructor(seed: number | string) {
    this.state = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
  }

  /** mulberry32: small, fast and well mixed enough for picking names, numbers and sites. A float in [0, 1). */
  next(): number {
    this.state = (this.state + MULBERRY32_INCREMENT) >>> 0;
    return mulberry32Float(this.state);
  }

  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A whole number in [min, max] other than those in `except`. */
  intExcept(min: number, max: number, except: readonly number[]): number {
    for (;;) {
      const value = this.int(min, max);
      if (!except.includes(value)) return value;
    }
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
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
}
