/** The server's settings, their defaults, and the one rule that protects a server on the network. */
import { InputError } from '../errors.js';
import type { SrlRewardMode, SrlTarget } from '../reward/srl.js';
import { isLoopbackHost } from './auth.js';
import type { BodyLimits } from './bodies.js';
import type { EpisodeDriver } from './episode-driver.js';
import type { EpisodeLimits } from './episode-registry.js';

export interface ServeOptions extends BodyLimits {
  /** Address to listen on; loopback unless said otherwise. */
  host: string;
  /** 0 picks a free port (the server reports which). */
  port: number;
  /** Bearer token every request must carry (but /healthz); required off loopback. */
  token?: string;
  /** Largest request body in bytes; a larger one is a 413. */
  bodyLimitBytes: number;
  /** Time limit of one reward batch. */
  rewardTimeoutMs: number;
  /** How rewards compare actions (see `srlReward`). */
  mode: SrlRewardMode;
  /** Step targets (SWE expert actions, math steps) by step id, for `/reward/srl` with `step_ids`. */
  steps?: ReadonlyMap<string, SrlTarget>;
  /** Runs episodes; without one the episode endpoints answer 501. */
  driver?: EpisodeDriver;
  episodes: EpisodeLimits;
  /** One line per notable event (a reaped episode, a client that went away). */
  log?: (line: string) => void;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8765;

export const SERVE_DEFAULTS = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  bodyLimitBytes: 16 * 1024 * 1024,
  maxResponseChars: 256 * 1024,
  maxBatch: 4096,
  rewardTimeoutMs: 60_000,
  mode: 'canonical',
  episodes: {
    maxEpisodes: 16,
    idleTimeoutMs: 10 * 60_000,
    startTimeoutMs: 10 * 60_000,
    stepTimeoutMs: 5 * 60_000,
    closeTimeoutMs: 35 * 60_000,
    retryAfterSeconds: 5,
  },
} as const satisfies Omit<ServeOptions, 'steps' | 'driver' | 'log' | 'token'>;

export type ServeOptionsInput = Partial<Omit<ServeOptions, 'episodes'>> & { episodes?: Partial<EpisodeLimits> };

export function resolveServeOptions(input: ServeOptionsInput = {}): ServeOptions {
  const options: ServeOptions = {
    ...SERVE_DEFAULTS,
    ...Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)),
    episodes: { ...SERVE_DEFAULTS.episodes, ...Object.fromEntries(Object.entries(input.episodes ?? {}).filter(([, value]) => value !== undefined)) },
  } as ServeOptions;
  if (options.token !== undefined && options.token.length < 16) throw new InputError('token: use at least 16 characters');
  if (!isLoopbackHost(options.host) && options.token === undefined) {
    throw new InputError(`host: ${options.host} is not a loopback address, so anyone who reaches it could run commands in sandboxes; give a bearer token`);
  }
  for (const [name, value] of Object.entries({ ...options.episodes, bodyLimitBytes: options.bodyLimitBytes, maxResponseChars: options.maxResponseChars, maxBatch: options.maxBatch, rewardTimeoutMs: options.rewardTimeoutMs })) {
    if (!Number.isInteger(value) || value < 1) throw new InputError(`${name}: expected a positive integer, got ${value}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new InputError(`port: expected 0 to 65535, got ${options.port}`);
  return options;
}
