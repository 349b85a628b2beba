/**
 * A full disk, told apart from other failures so the message can say what to do: free space and
 * run again (every stage keeps what it finished). Node says ENOSPC; git and Python often do not
 * ("could not write", a truncated file), so a failure while the run's file system has next to
 * nothing left counts too.
 */
import { statfs } from 'node:fs/promises';
import { SweSrlError } from '../errors.js';

/** Less than this left counts as full. */
const NEARLY_FULL_BYTES = 64 * 1024;

export class DiskFullError extends SweSrlError {}

export async function isDiskFull(error: unknown, dir: string): Promise<boolean> {
  if (error instanceof DiskFullError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  const message = error instanceof Error ? `${error.message} ${String((error.cause as Error | undefined)?.message ?? '')}` : String(error);
  if (/ENOSPC|EDQUOT|no space left|Disk quota exceeded/i.test(message)) return true;
  const stats = await statfs(dir).catch(() => undefined);
  return stats !== undefined && stats.bavail * stats.bsize < NEARLY_FULL_BYTES;
}

export async function freeBytes(dir: string): Promise<number | undefined> {
  const stats = await statfs(dir).catch(() => undefined);
  return stats === undefined ? undefined : stats.bavail * stats.bsize;
}
