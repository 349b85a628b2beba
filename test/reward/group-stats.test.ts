import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors.js';
import { DEFAULT_GROUP_SIZE, chunkIntoGroups, filterGroups, groupStatistics } from '../../src/reward/group-stats.js';

/** Welford's one-pass mean and population variance: numerically independent of the two-pass code. */
function welford(values: readonly number[]): { mean: number; std: number; m2: number } {
  let mean = 0;
  let m2 = 0;
  values.forEach((value, index) => {
    const delta = value - mean;
    mean += delta / (index + 1);
    m2 += delta * (value - mean);
  });
  return { mean, std: Math.sqrt(m2 / values.length), m2 };
}

function closeTo(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} is not close to ${expected}`);
}

test('mean, population std and advantages of a hand-computed group', () => {
  const stats = groupStatistics([1, 2, 3, 4], { advantageEpsilon: 0 });
  assert.equal(stats.size, 4);
  assert.equal(stats.mean, 2.5);
  // Squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n = 4.
  assert.equal(stats.std, Math.sqrt(1.25));
  assert.deepEqual(stats.advantages, [-1.5, -0.5, 0.5, 1.5].map((deviation) => deviation / Math.sqrt(1.25)));

  const pair = groupStatistics([0, 1], { advantageEpsilon: 0 });
  assert.equal(pair.std, 0.5);
  assert.deepEqual(pair.advantages, [-1, 1]);
});

test('advantages divide by std + advantageEpsilon (default 1e-4)', () => {
  assert.deepEqual(groupStatistics([0, 1]).advantages, [-0.5 / (0.5 + 1e-4), 0.5 / (0.5 + 1e-4)]);
  assert.deepEqual(groupStatistics([0, 1], { advantageEpsilon: 0.5 }).advantages, [-0.5, 0.5]);
});

test('Dr. GRPO normalization leaves advantages unscaled; sample-std uses n - 1', () => {
  assert.deepEqual(groupStatistics([0, 0.5, 1], { normalization: 'none' }).advantages, [-0.5, 0, 0.5]);
  assert.deepEqual(groupStatistics([-1, 1, 1, 1], { normalization: 'none' }).advantages, [-1.5, 0.5, 0.5, 0.5]);
  const sample = groupStatistics([1, 2, 3, 4], { normalization: 'sample-std', advantageEpsilon: 0 });
  // Sample variance 5 / 3; the reported std stays the population one.
  assert.equal(sample.std, Math.sqrt(1.25));
  assert.deepEqual(sample.advantages, [-1.5, -0.5, 0.5, 1.5].map((deviation) => deviation / Math.sqrt(5 / 3)));
  assert.deepEqual(groupStatistics([0.7], { normalization: 'sample-std', advantageEpsilon: 0 }).advantages, [0]);
});

test('agrees with Welford one-pass statistics on random groups', () => {
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let trial = 0; trial < 200; trial++) {
    const size = 1 + Math.floor(random() * 16);
    // SRL rewards live in [-1, 1]; also try large offsets, where naive formulas lose precision.
    const offset = trial % 4 === 0 ? 1e6 : 0;
    const rewards = Array.from({ length: size }, () => offset + (random() < 0.2 ? -1 : random()));
    const ours = groupStatistics(rewards, { advantageEpsilon: 0 });
    const reference = welford(rewards);
    closeTo(ours.mean, reference.mean);
    closeTo(ours.std, reference.std, 1e-9);
    if (reference.std > 0) {
      // Advantages are standardized: mean 0, population std 1.
      const advantageStats = welford(ours.advantages);
      closeTo(advantageStats.mean, 0, 1e-9);
      closeTo(advantageStats.std, 1, 1e-9);
    }
  }
});

test('a constant group has exactly zero std and zero advantages, even with advantageEpsilon 0', () => {
  // 0.1 + 0.1 + 0.1 is 0.30000000000000004: a naive mean would give a tiny std and ±1 advantages.
  const stats = groupStatistics(Array(DEFAULT_GROUP_SIZE).fill(0.1), { advantageEpsilon: 0 });
  assert.equal(stats.mean, 0.1);
  assert.equal(stats.std, 0);
  assert.deepEqual(stats.advantages, Array(DEFAULT_GROUP_SIZE).fill(0));
});

test('dynamic sampling drops constant groups and keeps varied ones, strictly above epsilon', () => {
  const groups = [
    [1, 1, 1, 1, 1, 1, 1, 1],
    [0, 1, 0, 1, 0, 1, 0, 1], // population std exactly 0.5
    [-1, -1, -1, -1, -1, -1, -1, -1],
    [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3],
  ];
  const atZero = filterGroups(groups, { epsilon: 0 });
  assert.deepEqual(atZero.kept, [1, 3]);
  assert.deepEqual(atZero.dropped, [0, 2]);
  assert.equal(atZero.keptCount, 2);
  assert.equal(atZero.droppedCount, 2);
  assert.equal(atZero.statistics.length, 4);

  // std 0.5 is not > 0.5: dropped at the boundary, kept just below it.
  assert.deepEqual(filterGroups(groups, { epsilon: 0.5 }).kept, []);
  assert.deepEqual(filterGroups(groups, { epsilon: 0.49999 }).kept, [1]);
});

test('bad rewards and options are refused with the group, index or option named', () => {
  assert.throws(() => groupStatistics([]), (error: unknown) => error instanceof InputError && /empty group/.test(error.message));
  assert.throws(() => groupStatistics([0.5, Number.NaN]), /reward 1: expected a finite number, got NaN/);
  assert.throws(() => groupStatistics([Number.POSITIVE_INFINITY]), /reward 0: .*Infinity/);
  assert.throws(() => groupStatistics([1], { advantageEpsilon: -1 }), /advantageEpsilon/);
  assert.throws(() => filterGroups([[1, 0], []], { epsilon: 0 }), /group 1: empty group/);
  assert.throws(() => filterGroups([[1, 0]], { epsilon: Number.NaN }), /epsilon: expected a finite number/);
});

test('consecutive rewards split into groups of 8 by default', () => {
  const rewards = Array.from({ length: 16 }, (_, index) => index / 16);
  const groups = chunkIntoGroups(rewards);
  assert.equal(groups.length, 2);
  assert.deepEqual(groups[1], rewards.slice(8));
  assert.deepEqual(chunkIntoGroups([1, 2, 3], 3), [[1, 2, 3]]);
  assert.throws(() => chunkIntoGroups(rewards.slice(0, 12)), /12 rewards do not split into groups of 8 \(4 left over\)/);
  assert.throws(() => chunkIntoGroups(rewards, 0), /groupSize/);
});
