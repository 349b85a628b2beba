import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithWorkers } from '../../src/batch/worker-pool.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('never more than maxWorkers items run at once, and every result lands at its index', async () => {
  let running = 0;
  let peak = 0;
  const results = await runWithWorkers([5, 1, 4, 2, 3, 0], 2, async (item) => {
    running++;
    peak = Math.max(peak, running);
    for (let i = 0; i < item; i++) await tick();
    running--;
    return item * 10;
  });
  assert.equal(peak, 2);
  assert.deepEqual(results, [50, 10, 40, 20, 30, 0]);
});

test('after an abort no new item starts, and those running finish', async () => {
  const controller = new AbortController();
  const started: number[] = [];
  const finished: number[] = [];
  await runWithWorkers(
    [0, 1, 2, 3, 4],
    2,
    async (item) => {
      started.push(item);
      if (item === 1) controller.abort();
      await tick();
      finished.push(item);
    },
    controller.signal,
  );
  assert.deepEqual(started.sort(), [0, 1]);
  assert.deepEqual(finished.sort(), [0, 1]);
});

test('a failing item stops new starts and its error is raised once the others are done', async () => {
  const finished: number[] = [];
  await assert.rejects(
    runWithWorkers([0, 1, 2, 3], 2, async (item) => {
      await tick();
      if (item === 0) throw new Error('boom');
      finished.push(item);
    }),
    /boom/,
  );
  assert.deepEqual(finished, [1]);
});
