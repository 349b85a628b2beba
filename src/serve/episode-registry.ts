/**
 * The server's episodes: each behind an unguessable id, which is the only way to reach it (there is
 * no listing), so holding one id gives access to that episode and no other. The registry enforces
 * the limits (episodes at once, one request at a time per episode, a time limit per request), reaps
 * episodes left idle, and removes every sandbox on shutdown.
 */
import { randomBytes } from 'node:crypto';
import { InputError, UnavailableError } from '../errors.js';
import type { DrivenEpisode, EpisodeAction, EpisodeCloseResult, EpisodeDriver, EpisodeMessage, EpisodeStepResult } from './episode-driver.js';
import { HttpError } from './http-error.js';
import type { ServeMetrics } from './metrics.js';

export interface EpisodeLimits {
  /** Episodes holding a sandbox at once; a start beyond it is a 429. */
  maxEpisodes: number;
  /** An episode with no request for this long is removed. */
  idleTimeoutMs: number;
  startTimeoutMs: number;
  stepTimeoutMs: number;
  closeTimeoutMs: number;
  /** What a 429 tells the client to wait. */
  retryAfterSeconds: number;
}

type EpisodeState = 'starting' | 'live' | 'done' | 'closed' | 'failed' | 'reaped';

interface EpisodeRecord {
  readonly id: string;
  readonly instanceId: string;
  readonly sample: number | undefined;
  readonly createdAt: number;
  lastActivity: number;
  state: EpisodeState;
  episode: DrivenEpisode | undefined;
  /** The request running on it now, if any. */
  operation: AbortController | undefined;
  steps: number;
  exitStatus: string | null;
  lastStep: EpisodeStepResult | undefined;
  closed: EpisodeCloseResult | undefined;
  failure: string | undefined;
}

export interface EpisodeInfo {
  id: string;
  instance_id: string;
  sample: number | null;
  state: EpisodeState;
  steps: number;
  done: boolean;
  exit_status: string | null;
  last_step: EpisodeStepResult | null;
  failure: string | null;
}

/** Ended episodes are remembered (without a sandbox) so a late request hears why, up to this many. */
const MAX_REMEMBERED = 10_000;

function newEpisodeId(): string {
  return `ep_${randomBytes(24).toString('base64url')}`;
}

function holdsSandbox(state: EpisodeState): boolean {
  return state === 'starting' || state === 'live' || state === 'done';
}

export class EpisodeRegistry {
  private readonly records = new Map<string, EpisodeRecord>();
  private reaper: NodeJS.Timeout | undefined;
  private shuttingDown = false;

  constructor(
    private readonly driver: EpisodeDriver,
    private readonly limits: EpisodeLimits,
    private readonly metrics: ServeMetrics,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Starts the idle reaper (a timer that does not keep the process alive). */
  startReaper(intervalMs = Math.max(250, Math.min(10_000, this.limits.idleTimeoutMs / 4))): void {
    this.reaper ??= setInterval(() => void this.reapIdle(), intervalMs);
    this.reaper.unref();
  }

  /** Episodes holding a sandbox (starting ones included). */
  get live(): number {
    let count = 0;
    for (const record of this.records.values()) if (holdsSandbox(record.state)) count += 1;
    return count;
  }

  async start(instanceId: string, sample: number | undefined): Promise<{ id: string; messages: EpisodeMessage[]; tools?: unknown[]; warm?: boolean }> {
    if (this.shuttingDown) throw new HttpError(503, 'the server is shutting down', { headers: this.retryAfter() });
    if (this.live >= this.limits.maxEpisodes) {
      throw new HttpError(429, `${this.limits.maxEpisodes} episodes are running, the most this server runs at once; retry later`, { headers: this.retryAfter() });
    }
    const record: EpisodeRecord = {
      id: newEpisodeId(),
      instanceId,
      sample,
      createdAt: Date.now(),
      lastActivity: Date.now(),
      state: 'starting',
      episode: undefined,
      operation: undefined,
      steps: 0,
      exitStatus: null,
      lastStep: undefined,
      closed: undefined,
      failure: undefined,
    };
    this.records.set(record.id, record);
    this.updateLiveGauge();
    const started = Date.now();
    try {
      const result = await this.run(
        record,
        this.limits.startTimeoutMs,
        'start',
        (signal) => this.driver.start({ instanceId, ...(sample !== undefined ? { sample } : {}) }, signal),
        // A start that finishes after its request gave up hands over a sandbox nobody holds: remove it.
        (late) => void late.episode.remove().catch(() => undefined),
      );
      // The server shut down, or the record was deleted, while the sandbox was starting.
      if (record.state !== 'starting') {
        await result.episode.remove().catch(() => undefined);
        throw new HttpError(503, 'the episode was removed while it started');
      }
      record.episode = result.episode;
      record.state = 'live';
      this.metrics.episodesStarted.inc();
      this.metrics.episodeStartSeconds.observe({ sandbox: result.warm === undefined ? 'unknown' : result.warm ? 'warm' : 'cold' }, (Date.now() - started) / 1000);
      return { id: record.id, messages: result.messages, ...(result.tools ? { tools: result.tools } : {}), ...(result.warm !== undefined ? { warm: result.warm } : {}) };
    } catch (error) {
      if (record.state === 'starting') this.records.delete(record.id);
      this.updateLiveGauge();
      if (error instanceof InputError && !(error instanceof HttpError)) throw new HttpError(400, `instance_id: ${error.message}`, { field: 'instance_id', cause: error });
      throw error;
    }
  }

  async step(id: string, action: EpisodeAction): Promise<EpisodeStepResult & { steps: number }> {
    const record = this.usable(id, 'step');
    if (record.state !== 'live') throw this.endedError(record, 'step');
    const started = Date.now();
    const result = await this.run(record, this.limits.stepTimeoutMs, 'step', (signal) => record.episode!.step(action, signal));
    this.metrics.stepSeconds.observe((Date.now() - started) / 1000);
    record.steps += 1;
    record.lastStep = result;
    if (result.done) {
      record.state = 'done';
      record.exitStatus = result.exitStatus;
    }
    return { ...result, steps: record.steps };
  }

  async close(id: string): Promise<EpisodeCloseResult> {
    const record = this.usable(id, 'close');
    if (record.closed) return record.closed;
    if (record.state === 'failed') {
      // An infrastructure error is not the model's failure: its verdict is `error`, never unresolved.
      return { patch: null, exitStatus: 'exit_error', verdict: { status: 'error', resolved: null, reward: null, detail: record.failure ?? 'infrastructure error' } };
    }
    if (record.state !== 'live' && record.state !== 'done') throw this.endedError(record, 'close');
    const result = await this.run(record, this.limits.closeTimeoutMs, 'close', (signal) => record.episode!.close(signal));
    record.closed = result;
    await this.release(record, 'closed');
    return result;
  }

  /** Removes the episode and its sandbox; a request still running on it is cancelled. */
  async remove(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record) throw this.unknown(id);
    record.operation?.abort(new Error('the episode was deleted'));
    this.records.delete(id);
    if (record.episode && holdsSandbox(record.state)) await this.removeSandbox(record, 'deleted');
    else if (record.state === 'starting') record.state = 'reaped';
    this.updateLiveGauge();
  }

  info(id: string): EpisodeInfo {
    const record = this.records.get(id);
    if (!record) throw this.unknown(id);
    return {
      id: record.id,
      instance_id: record.instanceId,
      sample: record.sample ?? null,
      state: record.state,
      steps: record.steps,
      done: record.state !== 'live' && record.state !== 'starting',
      exit_status: record.exitStatus,
      last_step: record.lastStep ?? null,
      failure: record.failure ?? null,
    };
  }

  /** Removes the sandboxes of episodes idle past the limit; returns how many. Runs on the reaper's timer. */
  async reapIdle(now = Date.now()): Promise<number> {
    const idle = [...this.records.values()].filter(
      (record) => record.operation === undefined && holdsSandbox(record.state) && record.state !== 'starting' && now - record.lastActivity > this.limits.idleTimeoutMs,
    );
    await Promise.all(
      idle.map(async (record) => {
        this.log(`episode ${record.id} (${record.instanceId}): no request for ${Math.round((now - record.lastActivity) / 1000)} s, removing its sandbox`);
        record.state = 'reaped';
        await this.removeSandbox(record, 'idle');
      }),
    );
    this.forgetOldest();
    this.updateLiveGauge();
    return idle.length;
  }

  /** Cancels every request and removes every sandbox; later starts are refused. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.reaper) clearInterval(this.reaper);
    const records = [...this.records.values()];
    for (const record of records) record.operation?.abort(new Error('the server is shutting down'));
    await Promise.all(
      records.filter((record) => record.episode && holdsSandbox(record.state)).map(async (record) => {
        record.state = 'reaped';
        await this.removeSandbox(record, 'shutdown');
      }),
    );
    this.updateLiveGauge();
  }

  /**
   * Runs one request's work on the episode under its time limit. A timeout or a cancellation leaves
   * the sandbox in an unknown state, so the episode then fails and its sandbox is removed; so does
   * an infrastructure error, reported as such.
   */
  private async run<T>(
    record: EpisodeRecord,
    limitMs: number,
    what: string,
    work: (signal: AbortSignal) => Promise<T>,
    discardLate: (value: T) => void = () => undefined,
  ): Promise<T> {
    const controller = new AbortController();
    record.operation = controller;
    record.lastActivity = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new HttpError(504, `the ${what} took longer than its time limit of ${limitMs / 1000} s; the episode was ended and its sandbox removed`);
        controller.abort(error);
        reject(error);
      }, limitMs);
    });
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason instanceof HttpError ? controller.signal.reason : new HttpError(503, `the ${what} was cancelled: ${String((controller.signal.reason as Error)?.message ?? controller.signal.reason)}`)), { once: true }),
    );
    const working = work(controller.signal);
    try {
      return await Promise.race([working, timedOut, aborted]);
    } catch (error) {
      working.then(discardLate, () => undefined);
      if (error instanceof HttpError) {
        if (what !== 'start') await this.fail(record, error);
        throw error;
      }
      // A bad action is the model's (or client's) mistake: the episode goes on.
      if (error instanceof InputError) {
        if (what === 'start') throw error;
        throw new HttpError(400, error.message, { field: 'text', cause: error });
      }
      if (what === 'start') {
        // Nothing to fail yet: the driver never handed an episode over.
        if (error instanceof UnavailableError) throw new HttpError(503, `could not start a sandbox: ${error.message}`, { headers: this.retryAfter(), cause: error });
        throw error;
      }
      await this.fail(record, error);
      if (error instanceof UnavailableError) {
        throw new HttpError(503, `infrastructure error: ${error.message}; the episode ended, and counts as an error, not as unresolved`, {
          extra: { done: true, infrastructure_error: true },
          cause: error,
        });
      }
      throw new HttpError(500, `the ${what} failed: ${error instanceof Error ? error.message : String(error)}; the episode was ended`, { cause: error });
    } finally {
      clearTimeout(timer);
      if (record.operation === controller) record.operation = undefined;
      record.lastActivity = Date.now();
    }
  }

  private async fail(record: EpisodeRecord, error: unknown): Promise<void> {
    if (!holdsSandbox(record.state)) return;
    record.failure = error instanceof Error ? error.message : String(error);
    record.exitStatus = 'exit_error';
    await this.release(record, 'failed');
  }

  /** Ends the episode's hold on its sandbox, keeping the record (for close and info). */
  private async release(record: EpisodeRecord, state: 'closed' | 'failed'): Promise<void> {
    record.state = state;
    await this.removeSandbox(record, state);
    this.updateLiveGauge();
  }

  private async removeSandbox(record: EpisodeRecord, reason: string): Promise<void> {
    const episode = record.episode;
    if (!episode) return;
    record.episode = undefined;
    try {
      await episode.remove();
    } catch (error) {
      this.log(`episode ${record.id}: removing its sandbox failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.metrics.episodesEnded.inc({ reason });
  }

  private usable(id: string, what: string): EpisodeRecord {
    const record = this.records.get(id);
    if (!record) throw this.unknown(id);
    if (record.operation) throw new HttpError(409, `episode ${id}: another request on it is still running; send one ${what} at a time`);
    return record;
  }

  private endedError(record: EpisodeRecord, what: string): HttpError {
    switch (record.state) {
      case 'done':
        return new HttpError(409, `episode ${record.id} is done (${record.exitStatus ?? 'ended'}); close it for the verdict, or delete it`);
      case 'closed':
        return new HttpError(409, `episode ${record.id} is closed; its ${what} is no longer possible`);
      case 'failed':
        return new HttpError(409, `episode ${record.id} ended with an infrastructure error: ${record.failure ?? ''}`);
      case 'reaped':
        return new HttpError(410, `episode ${record.id} was removed after ${this.limits.idleTimeoutMs / 1000} s without a request`);
      default:
        return new HttpError(409, `episode ${record.id} is still starting`);
    }
  }

  private retryAfter(): Record<string, string> {
    return { 'retry-after': String(this.limits.retryAfterSeconds) };
  }

  private unknown(id: string): HttpError {
    return new HttpError(404, `no episode ${JSON.stringify(id.slice(0, 80))} on this server`);
  }

  private forgetOldest(): void {
    if (this.records.size <= MAX_REMEMBERED) return;
    for (const [id, record] of this.records) {
      if (this.records.size <= MAX_REMEMBERED) break;
      if (!holdsSandbox(record.state)) this.records.delete(id);
    }
  }

  private updateLiveGauge(): void {
    this.metrics.episodesLive.set(this.live);
  }
}
