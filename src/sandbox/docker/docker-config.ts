/** What a docker sandbox is made from, its defaults, and the labels that find it again. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DockerEngines } from './engines.js';

export interface DockerSandboxConfig {
  type: 'docker';
  /** An image whose /testbed holds the repository at its base commit (or an empty /testbed). */
  image: string;
  /** Label `swe-srl.run`, for pruning one run's leftovers. Default: one fresh id per process. */
  runId?: string;
  /** Label `swe-srl.instance`: which task instance the sandbox serves. */
  instanceId?: string;
  /** Memory limit in bytes (swap included). Default 2 GiB. */
  memoryBytes?: number;
  /** CPU limit, in CPUs. Default 1. */
  cpus?: number;
  /** Most processes at once. Default 512; contains a fork bomb. */
  pidsLimit?: number;
  /** Network access. Default off (NetworkMode none). */
  network?: boolean;
  /**
   * Most bytes the container may write (its writable layer), also the largest single file
   * (RLIMIT_FSIZE). Default 4 GiB. A storage quota where the engine's storage driver has one,
   * otherwise a watchdog that stops the sandbox once its writable layer passes the limit.
   */
  diskLimitBytes?: number;
  /** How often the disk watchdog measures the writable layer. Default 2 s. */
  diskCheckIntervalMs?: number;
  /** Cap on one command's output in bytes. Default 100 KiB. */
  outputLimitBytes?: number;
  /** Timeout of a command that does not pass its own. Default 120 s. */
  defaultTimeoutMs?: number;
  /** Extra environment variables for the session. */
  env?: Record<string, string>;
  /** Where to place it. Default: DockerEngines.fromEnvironment(). */
  engines?: DockerEngines;
}

export const DOCKER_DEFAULTS = {
  memoryBytes: 2 * 1024 ** 3,
  cpus: 1,
  pidsLimit: 512,
  network: false,
  diskLimitBytes: 4 * 1024 ** 3,
  diskCheckIntervalMs: 2_000,
  outputLimitBytes: 100 * 1024,
  defaultTimeoutMs: 120_000,
} as const;

export const dockerSandboxConfigSchema = z.strictObject({
  type: z.literal('docker'),
  image: z.string().min(1),
  runId: z.string().min(1).optional(),
  instanceId: z.string().optional(),
  memoryBytes: z.number().int().min(6 * 1024 ** 2).optional(),
  cpus: z.number().positive().optional(),
  pidsLimit: z.number().int().min(8).optional(),
  network: z.boolean().optional(),
  diskLimitBytes: z.number().int().min(1024 ** 2).optional(),
  diskCheckIntervalMs: z.number().int().min(100).optional(),
  outputLimitBytes: z.number().int().min(64).optional(),
  defaultTimeoutMs: z.number().int().positive().optional(),
  env: z.record(z.string(), z.string()).optional(),
  engines: z.custom<DockerEngines>((value) => value instanceof DockerEngines, 'expected DockerEngines').optional(),
});

let processRunId: string | undefined;

/** The run id of sandboxes that name none: one per process, so one process's leftovers prune together. */
export function defaultRunId(): string {
  processRunId ??= `run-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
  return processRunId;
}
