/**
 * The order a trainer visits its examples in: a new shuffle each epoch, seeded by the run's seed, a
 * stream number of the trainer's own and the epoch, so a resumed run visits them in the same order
 * as the run it continues.
 */
import { deriveSeed, Rng, shuffledIndices } from '../model/rng.js';

/** The shuffled indices of `count` items for each epoch, each made once. */
export function epochShuffles(count: number, seed: number, stream: number): (epoch: number) => number[] {
  const shuffles = new Map<number, number[]>();
  return (epoch) => {
    let order = shuffles.get(epoch);
    if (!order) shuffles.set(epoch, (order = shuffledIndices(count, new Rng(deriveSeed(seed, stream, epoch)))));
    return order;
  };
}

/**
 * Draws `items` one at a time in epoch order. The position is `counters[counter]`, the run's
 * counters that every checkpoint saves, so a resumed run draws on where the checkpoint stopped.
 */
export function drawInEpochOrder<T>(items: readonly T[], counters: Record<string, number>, counter: string, seed: number, stream: number): () => T {
  const shuffle = epochShuffles(items.length, seed, stream);
  return () => {
    const position = counters[counter] ?? 0;
    counters[counter] = position + 1;
    return items[shuffle(Math.floor(position / items.length))[position % items.length]!]!;
  };
}
