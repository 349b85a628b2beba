/**
 * Pre-started sandboxes, kept ready per sandbox config (in practice: per instance image), so an
 * episode starts in the time it takes to hand one over instead of a container start. Users of RL
 * frameworks name sandbox start-up as what holds rollouts back; this takes it off the critical path.
 *
 * Rules: a sandbox is handed out once and then belongs to the borrower, whose `close()` removes it
 * (a used sandbox is never reset and never comes back); the pool refills in the background, with a
 * cap on how many containers start at once (an engine asked for dozens at a time slows down for
 * all); `close()` removes every sandbox the pool still holds, those starting included.
 *
 * Two kinds of demand. A server does not know what it will be asked for, so by default (`demand:
 * 'open'`) every config asked for once is kept at `size`. A batch run (eval, rollout) knows its
 * plan: with `demand: 'expected'` the pool starts only what `expect()` announced, at most `size`
 * ahead per config, so no container is started for an instance nobody will ask for again.
 */
import { SweSrlError } from '../../errors.js';
import { createSandbox as createFromConfig, type CreateSandboxOptions, type SandboxConfig } from '../factory.js';
import type { Sandbox } from '../types.js';

export interface WarmPoolOptions {
  /** Sandboxes kept ready for each config that has been asked for (or prewarmed). */
  size: number;
  /** Containers starting at once, across configs. Default 4. */
  maxConcurrentStarts?: number;
  /** Makes a sandbox; default `createSandbox`. */
  create?: (config: SandboxConfig) => Promise<Sandbox>;
  /** A background start that failed (the pool retries it later, backing off). */
  onError?: (error: unknown, config: SandboxConfig) => void;
  /** `open` (default): keep `size` of every config asked for; `expected`: start only what `expect()` announced. */
  demand?: 'open' | 'expected';
}

export interface AcquiredSandbox {
  sandbox: Sandbox;
  /** True when it was waiting in the pool; false for a cold start. */
  warm: boolean;
}

export interface WarmPoolStats {
  idle: number;
  starting: number;
  handedOut: number;
  created: number;
  /** Removed by the pool itself (dead on hand-out, or at close). */
  removed: number;
}

class PoolClosedError extends SweSrlError {}

interface Slot {
  readonly config: SandboxConfig;
  readonly idle: Sandbox[];
  starting: number;
  failures: number;
  retryTimer: NodeJS.Timeout | undefined;
  /** Acquisitions announced by `expect()` and not yet made (used with `demand: 'expected'`). */
  expected: number;
  /** Acquirers waiting for a start already under way (quicker than starting one more). */
  readonly waiters: Array<(sandbox: Sandbox | undefined) => void>;
}

const MAX_BACKOFF_MS = 30_000;
const LIVENESS_TIMEOUT_MS = 5_000;

export class WarmPool {
  private readonly slots = new Map<string, Slot>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly engineIds = new WeakMap<object, number>();
  private enginesSeen = 0;
  private readonly waitingForStart: Array<() => void> = [];
  private startsRunning = 0;
  private closed = false;
  private readonly counts = { handedOut: 0, created: 0, removed: 0 };

  constructor(private readonly options: WarmPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 0) throw new RangeError(`size: expected an integer >= 0, got ${options.size}`);
  }

  get size(): number {
    return this.options.size;
  }

  /**
   * A sandbox for `config`: a warm one if the pool has it, else a cold start. Refills behind it.
   * A waiting sandbox is checked to still answer first (one round trip), unless `checkAlive` is
   * false: then only what the sandbox knows without a round trip counts (its shell's connection
   * gone), for a borrower whose own first command tells it (and who then asks again).
   */
  async acquire(config: SandboxConfig, options: { checkAlive?: boolean } = {}): Promise<AcquiredSandbox> {
    if (this.closed) throw new PoolClosedError('the warm pool is closed');
    const slot = this.slotFor(config);
    slot.expected = Math.max(0, slot.expected - 1);
    try {
      while (slot.idle.length > 0) {
        const sandbox = slot.idle.shift()!;
        // A container can die while it waits (removed by hand, the engine restarted): check first,
        // by a round trip, or (checkAlive false) by what the sandbox knows without one.
        if (options.checkAlive === false ? sandbox.isKnownLost?.() !== true : await this.isAlive(sandbox)) {
          this.counts.handedOut += 1;
          return { sandbox, warm: true };
        }
        await this.discard(sandbox);
      }
      // A start under way for this config is further along than one begun now: wait for it.
      if (slot.starting > slot.waiters.length) {
        const started = await new Promise<Sandbox | undefined>((resolve) => slot.waiters.push(resolve));
        if (started !== undefined) {
          this.counts.handedOut += 1;
          return { sandbox: started, warm: true };
        }
        if (this.closed) throw new PoolClosedError('the warm pool is closed');
      }
      const sandbox = await this.withStartSlot(() => this.create(config));
      this.counts.handedOut += 1;
      return { sandbox, warm: false };
    } finally {
      this.refill(slot);
    }
  }

  /**
   * Announces `count` more acquisitions of `config` (a batch run's plan); with `demand: 'expected'`
   * the pool starts sandboxes for them, at most `size` ahead, in the background.
   */
  expect(config: SandboxConfig, count = 1): void {
    if (this.closed) return;
    const slot = this.slotFor(config);
    slot.expected += count;
    this.refill(slot);
  }

  /** Drop-in for `createSandbox`: the same call, served from the pool. */
  createSandbox = async (config: SandboxConfig, _options?: CreateSandboxOptions): Promise<Sandbox> => (await this.acquire(config)).sandbox;

  /** Fills the pool for `config` and waits until it holds `size` ready sandboxes (or a start failed). */
  async prewarm(config: SandboxConfig): Promise<void> {
    const slot = this.slotFor(config);
    while (!this.closed && slot.idle.length < this.target(slot)) {
      const before = this.counts.created;
      this.refill(slot);
      await Promise.race([...this.inFlight, new Promise((resolve) => setTimeout(resolve, 50))]);
      if (slot.failures > 0 && this.counts.created === before && slot.starting === 0) throw new SweSrlError(`the warm pool could not start a sandbox from ${describe(config)}`);
    }
  }

  stats(): WarmPoolStats {
    let idle = 0;
    let starting = 0;
    for (const slot of this.slots.values()) {
      idle += slot.idle.length;
      starting += slot.starting;
    }
    return { idle, starting, ...this.counts };
  }

  /** Removes every sandbox still in the pool, waiting for those starting; handed-out ones are their borrowers'. */
  async close(): Promise<void> {
    this.closed = true;
    for (const release of this.waitingForStart.splice(0)) release();
    for (const slot of this.slots.values()) {
      clearTimeout(slot.retryTimer);
      for (const waiter of slot.waiters.splice(0)) waiter(undefined);
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled([...this.slots.values()].flatMap((slot) => slot.idle.splice(0).map((sandbox) => this.discard(sandbox))));
  }

  private slotFor(config: SandboxConfig): Slot {
    const key = this.keyOf(config);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { config, idle: [], starting: 0, failures: 0, retryTimer: undefined, expected: 0, waiters: [] };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private refill(slot: Slot): void {
    if (this.closed || slot.retryTimer !== undefined) return;
    while (slot.idle.length + slot.starting - slot.waiters.length < this.target(slot)) {
      slot.starting += 1;
      const start = this.withStartSlot(() => this.create(slot.config)).then(
        async (sandbox) => {
          // Counted off before it is delivered, so a waiter never waits on a start that already delivered.
          slot.starting -= 1;
          slot.failures = 0;
          const waiter = slot.waiters.shift();
          if (waiter && !this.closed) waiter(sandbox);
          // Closed, or more than the plan still needs (its demand went elsewhere): removed, never kept.
          else if (this.closed || slot.idle.length >= this.target(slot)) await this.discard(sandbox);
          else slot.idle.push(sandbox);
        },
        (error: unknown) => {
          slot.starting -= 1;
          // Whoever waited for this start starts its own instead.
          slot.waiters.shift()?.(undefined);
          if (error instanceof PoolClosedError) return;
          slot.failures += 1;
          this.options.onError?.(error, slot.config);
          if (this.closed) return;
          // Back off, so an engine in trouble is not hammered; the next acquire is a cold start meanwhile.
          const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(slot.failures, 7));
          slot.retryTimer = setTimeout(() => {
            slot.retryTimer = undefined;
            this.refill(slot);
          }, delay);
          slot.retryTimer.unref();
        },
      );
      const tracked = start.finally(() => {
        this.inFlight.delete(tracked);
      });
      this.inFlight.add(tracked);
    }
  }

  /** How many ready (or starting) sandboxes a config should have. */
  private target(slot: Slot): number {
    return this.options.demand === 'expected' ? Math.min(this.options.size, slot.expected) : this.options.size;
  }

  private async create(config: SandboxConfig): Promise<Sandbox> {
    if (this.closed) throw new PoolClosedError('the warm pool is closed');
    const sandbox = await (this.options.create ?? ((checked: SandboxConfig) => createFromConfig(checked)))(config);
    this.counts.created += 1;
    return sandbox;
  }

  /** Runs `start` when fewer than `maxConcurrentStarts` starts are running. */
  private async withStartSlot<T>(start: () => Promise<T>): Promise<T> {
    const limit = this.options.maxConcurrentStarts ?? 4;
    while (this.startsRunning >= limit) {
      if (this.closed) throw new PoolClosedError('the warm pool is closed');
      await new Promise<void>((resolve) => this.waitingForStart.push(resolve));
    }
    this.startsRunning += 1;
    try {
      return await start();
    } finally {
      this.startsRunning -= 1;
      this.waitingForStart.shift()?.();
    }
  }

  private async isAlive(sandbox: Sandbox): Promise<boolean> {
    try {
      const result = await sandbox.run('true', { timeoutMs: LIVENESS_TIMEOUT_MS });
      return result.exitCode === 0 && !result.sessionRestarted;
    } catch {
      return false;
    }
  }

  private async discard(sandbox: Sandbox): Promise<void> {
    this.counts.removed += 1;
    await sandbox.close().catch(() => undefined);
  }

  /** One key per distinct config; an `engines` object counts by identity. */
  private keyOf(config: SandboxConfig): string {
    const { engines, ...rest } = config as SandboxConfig & { engines?: object };
    let engineId = 0;
    if (engines !== undefined) {
      engineId = this.engineIds.get(engines) ?? (this.enginesSeen += 1);
      this.engineIds.set(engines, engineId);
    }
    return `${engineId}\u0000${stableJson(rest)}`;
  }
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}

function describe(config: SandboxConfig): string {
  return config.type === 'docker' ? config.image : config.repoPath;
}
