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
});
