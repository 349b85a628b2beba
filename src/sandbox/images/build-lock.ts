/**
 * Two builds of the same tag must not race: within one process the callers share one promise, and
 * across processes (parallel test files, several CLI runs) a lock file in the temporary directory
 * makes the second builder wait and then find the image already there.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { TimeoutError } from '../../errors.js';

const inProcess = new Map<string, Promise<unknown>>();

export interface BuildLockOptions {
  /** Where lock files live; os.tmpdir() by default. */
  lockDir?: string;
  /** Give up waiting for another process after this long (default 90 minutes: an environment build may run an hour). */
  waitTimeoutMs?: number;
  /** How often to look whether the other process has finished. */
  pollIntervalMs?: number;
  onWait?: (message: string) => void;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquireFileLock(path: string, key: string, options: BuildLockOptions): Promise<() => Promise<void>> {
  const deadline = Date.now() + (options.waitTimeoutMs ?? 90 * 60_000);
  const pollMs = options.pollIntervalMs ?? 500;
  let told = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    // A lock left by a killed process would block every later build forever.
    if (Number.isInteger(owner) && owner > 0 && !processIsAlive(owner)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new TimeoutError(`gave up waiting for another process (pid ${owner}) building ${key}; remove ${path} if it is stale`);
    }
    if (!told) {
      options.onWait?.(`waiting for another process (pid ${owner}) that is building ${key}`);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Runs `build` with the lock for `key` held, both within this process and across processes on this
 * machine. `build` should re-check whether its work is already done: a waiting caller gets the lock
 * only after the first builder has finished.
 */
export function withBuildLock<T>(key: string, build: () => Promise<T>, options: BuildLockOptions = {}): Promise<T> {
  const previous = inProcess.get(key) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      const digest = createHash('sha256').update(key).digest('hex').slice(0, 16);
      const release = await acquireFileLock(join(options.lockDir ?? tmpdir(), `swe-srl-build-${digest}.lock`), key, options);
      try {
        return await build();
      } finally {
        await release();
      }
    });
  inProcess.set(key, run);
  const forget = (): void => {
    if (inProcess.get(key) === run) inProcess.delete(key);
  };
  run.then(forget, forget);
  return run;
}
