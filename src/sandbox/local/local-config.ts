/** What a local sandbox is made from, and its defaults. */
import { z } from 'zod';

export interface LocalSandboxConfig {
  type: 'local';
  /** A git repository on the host. The sandbox works on a temporary clone of it at `commit`. */
  repoPath: string;
  /** Default HEAD. */
  commit?: string;
  /** Run commands on the host without bubblewrap isolation. Explicit opt-in: model-written commands are untrusted. */
  allowUnsafe?: boolean;
  /** Cap on one command's output in bytes. Default 100 KiB. */
  outputLimitBytes?: number;
  /** Timeout of a command that does not pass its own. Default 120 s. */
  defaultTimeoutMs?: number;
  /** Extra environment variables for the session (the host's environment is not passed on). */
  env?: Record<string, string>;
  /** The bubblewrap binary. Default: `bwrap` on PATH. */
  bwrapPath?: string;
  /** Memory limit of the session in bytes (no swap). Default 2 GiB, where the machine allows cgroups (see resource-limits.ts). */
  memoryBytes?: number;
  /** Most processes at once in the session. Default 512, where the machine allows cgroups. */
  pidsLimit?: number;
  /** Largest file the session may write, in bytes. Default 8 GiB (RLIMIT_FSIZE, everywhere). */
  fileSizeBytes?: number;
  /** Refuse to start when memory and pids limits cannot be placed, instead of warning. */
  requireLimits?: boolean;
  /** Extra host paths the sandbox sees read-only (a toolchain under /opt). Never homes, /var/lib or the project's folders. */
  readOnlyPaths?: string[];
  /** Where the warning about missing limits goes. Default: process.emitWarning, once per process. */
  onWarning?: (message: string) => void;
}

export const LOCAL_DEFAULTS = {
  outputLimitBytes: 100 * 1024,
  defaultTimeoutMs: 120_000,
} as const;

export const localSandboxConfigSchema = z.strictObject({
  type: z.literal('local'),
  repoPath: z.string().min(1),
  commit: z.string().min(1).optional(),
  allowUnsafe: z.boolean().optional(),
  outputLimitBytes: z.number().int().min(64).optional(),
  defaultTimeoutMs: z.number().int().positive().optional(),
  env: z.record(z.string(), z.string()).optional(),
  bwrapPath: z.string().min(1).optional(),
  memoryBytes: z.number().int().min(6 * 1024 ** 2).optional(),
  pidsLimit: z.number().int().min(8).optional(),
  fileSizeBytes: z.number().int().min(1024).optional(),
  requireLimits: z.boolean().optional(),
  readOnlyPaths: z.array(z.string().min(1)).optional(),
  onWarning: z.custom<(message: string) => void>((value) => typeof value === 'function', 'expected a function').optional(),
});
