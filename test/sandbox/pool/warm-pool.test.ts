import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SandboxPlan, WarmPool } from '../../../src/sandbox/pool/index.js';
import type { SandboxConfig } from '../../../src/sandbox/factory.js';
import type { RunResult, Sandbox } from '../../../src/sandbox/types.js';

/** Sandboxes that only count: created, closed, and whether one was closed twice or used after close. */
class CountingSandboxes {
  made = 0;
  readonly open = new Set<string>();
  readonly dead = new Set<string>();
  readonly lost = new Set<string>();
  runs = 0;
  failNext = 0;
  delayMs = 5;
  maxStartingAtOnce = 0;
  private starting = 0;

  create = async (config: SandboxConfig): Promise<Sandbox> => {
    this.starting += 1;
    this.maxStartingAtOnce = Math.max(this.maxStartingAtOnce, this.starting);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.starting -= 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('engine hiccup');
    }
    const id = `${config.type === 'docker' ? config.image : 'local'}-${++this.made}`;
    this.open.add(id);
    const sandboxes = this;
    return {
      id,
      backend: 'docker',
      workdir: '/testbed',
      async run(): Promise<RunResult> {
        sandboxes.runs += 1;
        if (!sandboxes.open.has(id) || sandboxes.dead.has(id)) throw new Error(`${id} is closed`);
        return { output: '', exitCode: 0, timedOut: false, truncated: false, sessionRestarted: false, durationMs: 0 };
      },
      // What the sandbox knows without a round trip: a lost connection (here: marked lost).
      isKnownLost: () => sandboxes.lost.has(id),
      readFile: async () => Buffer.from(''),
      writeFile: async () => undefined,
      diff: async () => '',
      async close() {
        sandboxes.open.delete(id);
      },
    };
  };
}

const image = (name: string): SandboxConfig => ({ type: 'docker', image: name });

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  for (let waited = 0; !condition() && waited < ms; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('the pool hands out each sandbox once, warm when it has one, and refills in the background', async () => {
  const sandboxes = new CountingSandboxes();
  const pool = new WarmPool({ size: 3, create: sandboxes.create });
  await pool.prewarm(image('a'));
  assert.deepEqual(pool.stats().idle, 3);
  const first = await pool.acquire(image('a'));
  assert.equal(first.warm, true);
  const many = await Promise.all(Array.from({ length: 20 }, () => pool.acquire(image('a'))));
  const ids = [first, ...many].map((acquired) => acquired.sandbox.id);
  assert.equal(new Set(ids).size, ids.length, 'no sandbox handed out twice');
  assert.ok(many.some((acquired) => !acquired.warm), 'a burst beyond the pool is served cold');
  await until(() => pool.stats().idle === 3);
  assert.equal(pool.stats().idle, 3);
  await pool.close();
});

test('a sandbox that died while waiting is removed, never handed out', async () => {
  const sandboxes = new CountingSandboxes();
  const pool = new WarmPool({ size: 2, create: sandboxes.create });
  await pool.prewarm(image('a'));
  for (const id of sandboxes.open) sandboxes.dead.add(id);
  const acquired = await pool.acquire(image('a'));
  assert.equal(acquired.warm, false);
  assert.equal(sandboxes.dead.has(acquired.sandbox.id), false);
  assert.equal(pool.stats().removed, 2);
  await pool.close();
});

test('without the liveness round trip, a hand-out runs nothing in the sandbox, and one known to be lost is removed, not handed out', async () => {
  const sandboxes = new CountingSandboxes();
  const pool = new WarmPool({ size: 2, create: sandboxes.create });
  await pool.prewarm(image('a'));
  const [lost] = [...sandboxes.open];
  sandboxes.lost.add(lost!);
  const acquired = await pool.acquire(image('a'), { checkAlive: false });
  assert.equal(acquired.warm, true);
  assert.notEqual(acquired.sandbox.id, lost);
  assert.equal(sandboxes.open.has(lost!), false, 'the lost one was removed');
  assert.equal(sandboxes.runs, 0, 'no command ran for the hand-out');
  await acquired.sandbox.close();
  await pool.close();
});

test('close removes every sandbox the pool holds, those still starting included, and later acquires fail', async () => {
  const sandboxes = new CountingSandboxes();
  sandboxes.delayMs = 100;
  const pool = new WarmPool({ size: 4, create: sandboxes.create });
  const borrowed = await pool.acquire(image('a'));
  await pool.acquire(image('b'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(pool.stats().starting > 0);
  await pool.close();
  assert.deepEqual(
    [...sandboxes.open].sort(),
    [borrowed.sandbox.id, ...[...sandboxes.open].filter((id) => id.startsWith('b-'))].sort(),
    'only the two handed out remain, and they are their borrowers\' to close',
  );
  assert.equal(pool.stats().idle, 0);
  await assert.rejects(pool.acquire(image('a')), /the warm pool is closed/);
});

test('pools are kept per config, starts are capped, and a failing start backs off and is reported', async () => {
  const sandboxes = new CountingSandboxes();
  const errors: unknown[] = [];
  const pool = new WarmPool({ size: 3, maxConcurrentStarts: 2, create: sandboxes.create, onError: (error) => errors.push(error) });
  await Promise.all([pool.prewarm(image('a')), pool.prewarm({ type: 'docker', image: 'b', cpus: 2 })]);
  assert.equal(pool.stats().idle, 6);
  assert.ok(sandboxes.maxStartingAtOnce <= 2, `at most 2 starts at once, saw ${sandboxes.maxStartingAtOnce}`);
  assert.ok((await pool.acquire({ type: 'docker', image: 'b', cpus: 2 })).sandbox.id.startsWith('b-'));
  sandboxes.failNext = 1;
  await pool.acquire(image('a'));
  await until(() => errors.length > 0);
  assert.match(String(errors[0]), /engine hiccup/);
  await until(() => pool.stats().idle === 6);
  assert.equal(pool.stats().idle, 6, 'the failed start was retried after its back-off');
  await pool.close();
});

test('with expected demand the pool starts only what was announced, at most size ahead, and a late acquire waits for a start under way', async () => {
  const sandboxes = new CountingSandboxes();
  sandboxes.delayMs = 30;
  const pool = new WarmPool({ size: 2, create: sandboxes.create, demand: 'expected' });
  // Never announced: a cold start, and nothing refilled behind it.
  assert.equal((await pool.acquire(image('x'))).warm, false);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual([pool.stats().idle, pool.stats().starting], [0, 0]);
  // Five uses of 'a' announced: two start (the size), the rest as the first are taken.
  pool.expect(image('a'), 5);
  assert.equal(pool.stats().starting, 2);
  const first = await pool.acquire(image('a'));
  assert.equal(first.warm, true, 'waited for the start under way instead of a cold start');
  const taken = [first];
  for (let i = 0; i < 4; i += 1) taken.push(await pool.acquire(image('a')));
  assert.equal(new Set(taken.map((acquired) => acquired.sandbox.id)).size, 5);
  await until(() => pool.stats().starting === 0);
  assert.equal(pool.stats().idle, 0, 'nothing started beyond the five announced');
  assert.equal(sandboxes.made, 6);
  await pool.close();
});

test('a plan starts the next sandboxes while earlier ones are used, each planned use once, and close removes those never taken', async () => {
  const sandboxes = new CountingSandboxes();
  const pool = new WarmPool({ size: 2, create: sandboxes.create, demand: 'expected' });
  const plan = new SandboxPlan(pool);
  const resolved: string[] = [];
  const use = (key: string) => ({ key, config: async () => (resolved.push(key), image(key)) });
  plan.plan([use('a'), use('b'), use('b'), use('c'), use('d')]);
  await until(() => pool.stats().idle === 2);
  assert.deepEqual(resolved, ['a', 'b'], 'only the first two, the size, are started ahead');
  const a = await plan.acquire('a', image('a'));
  assert.equal(a.warm, true);
  await until(() => pool.stats().idle === 2);
  assert.deepEqual(resolved, ['a', 'b', 'b']);
  const b1 = await plan.acquire('b', image('b'));
  const b2 = await plan.acquire('b', image('b'));
  assert.equal(b1.warm && b2.warm, true);
  assert.notEqual(b1.sandbox.id, b2.sandbox.id);
  await until(() => pool.stats().idle === 2);
  assert.deepEqual(resolved, ['a', 'b', 'b', 'c', 'd']);
  // The run stops here (interrupted): c and d were started and are removed, not leaked.
  for (const acquired of [a, b1, b2]) await acquired.sandbox.close();
  await pool.close();
  assert.equal(sandboxes.open.size, 0);
  assert.equal(pool.stats().removed, 2);
});
