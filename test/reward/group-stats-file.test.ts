import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeRewardGroupsFile, readRewardGroups, type ReadRewardGroupsOptions } from '../../src/reward/group-stats/rewards-file.js';
import { withTempDir } from '../helpers/temp-dir.js';

function withRewardsFile<T>(content: string, body: (path: string) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    const path = join(dir, 'rewards.jsonl');
    await writeFile(path, content);
    return body(path);
  });
}

const lines = (...values: unknown[]) => values.map((value) => JSON.stringify(value)).join('\n') + '\n';

async function groupsOf(content: string, options?: ReadRewardGroupsOptions) {
  return withRewardsFile(content, async (path) => (await readRewardGroups(path, options)).map(({ id, rewards }) => ({ id, rewards })));
}

test('one group per line from "rewards" lists, named by their "group" field or position', async () => {
  assert.deepEqual(await groupsOf(lines({ rewards: [1, 0], group: 'step-7' }, { rewards: [0.5] })), [
    { id: 'step-7', rewards: [1, 0] },
    { id: 1, rewards: [0.5] },
  ]);
});

test('single rewards form consecutive groups of 8 by default, or of --group-size', async () => {
  const rewards = Array.from({ length: 16 }, (_, index) => ({ reward: index % 3 === 0 ? -1 : index / 16 }));
  const groups = await groupsOf(lines(...rewards));
  assert.equal(groups.length, 2);
  assert.deepEqual(groups[1]!.rewards, rewards.slice(8).map((line) => line.reward));
  // Bare numbers work too.
  assert.deepEqual(await groupsOf(lines(1, 0, 0.5, 0.25), { groupSize: 2 }), [
    { id: 0, rewards: [1, 0] },
    { id: 1, rewards: [0.5, 0.25] },
  ]);
});

test('--group-by gathers single rewards by a field, groups in order of first appearance', async () => {
  const content = lines({ reward: 1, step: 'b' }, { reward: 0, step: 'a' }, { reward: 0.5, step: 'b' }, { reward: -1, step: 3 });
  assert.deepEqual(await groupsOf(content, { groupBy: 'step' }), [
    { id: 'b', rewards: [1, 0.5] },
    { id: 'a', rewards: [0] },
    { id: 3, rewards: [-1] },
  ]);
});

test('bad lines name the file, line and field', async () => {
  await assert.rejects(groupsOf(lines({ reward: 1 }, { reward: 'high' }), { groupSize: 2 }), /rewards\.jsonl:2: reward: expected a finite number/);
  await assert.rejects(groupsOf(lines({ rewards: [1, null] })), /rewards\.jsonl:1: rewards\.1: expected a finite number/);
  await assert.rejects(groupsOf(lines({ rewards: [] })), /rewards\.jsonl:1: rewards: empty group/);
  await assert.rejects(groupsOf(lines({ reward: 1, step: 'a' }, { reward: 1 }), { groupBy: 'step' }), /rewards\.jsonl:2: step: expected a string or number/);
  await assert.rejects(groupsOf(lines({ rewards: [1] }, { reward: 1 })), /rewards\.jsonl:2: mixes a single reward/);
  await assert.rejects(groupsOf('{"reward": 1}\n{"reward": 0.'), /rewards\.jsonl:2: not valid JSON/);
  await assert.rejects(groupsOf(lines(...Array(10).fill({ reward: 1 }))), /rewards\.jsonl:9: the last group has 2 rewards, not 8/);
});

test('the report gives statistics per group and the kept and dropped counts', async () => {
  const content = lines({ rewards: [1, 1, 1] }, { rewards: [0, 1] }, { rewards: [0.5, 0.5] });
  const report = await withRewardsFile(content, (path) => analyzeRewardGroupsFile(path, { epsilon: 0, advantageEpsilon: 0 }));
  assert.equal(report.keptCount, 1);
  assert.equal(report.droppedCount, 2);
  assert.deepEqual(report.rows[1], { group: 1, size: 2, mean: 0.5, std: 0.5, kept: true, advantages: [-1, 1] });
  assert.deepEqual(
    report.rows.map((row) => row.kept),
    [false, true, false],
  );
});
