/**
 * The sandboxes this process has open, so that a Ctrl-C or a kill of the CLI still removes the
 * containers and work trees it started. A process-wide registry by nature (signals are
 * process-wide); `createSandbox` adds to it unless given another one.
 */
import { SandboxGoneError } from '../errors.js';
import type { Sandbox } from './types.js';

/** How long signal cleanup may take before the process exits anyway. */
const CLEANUP_LIMIT_MS = 15_000;

export class LiveSandboxes {
  private readonly open = new Set<Sandbox>();
  /**
   * Sandboxes still being created. A signal can arrive between "container created" and "sandbox
   * returned"; cleanup waits for these so that a half-started sandbox is removed too.
   */
  private readonly starting = new Set<Promise<Sandbox>>();
  private readonly shutdown = new AbortController();

  /**
   * Aborted once `closeAll` has begun (a signal's cleanup): work that would start now (the next
   * instance, the next episode) should not, and a sandbox that finishes starting is closed at once.
   */
  get shutdownSignal(): AbortSignal {
    return this.shutdown.signal;
  }

  /** Open sandboxes plus those still starting. */
  get size(): number {
    return this.open.size + this.starting.size;
  }

  /** Tracks a sandbox from the moment its creation begins, so signal cleanup cannot miss it. */
  async trackCreation<T extends Sandbox>(creation: Promise<T>): Promise<T> {
    this.starting.add(creation);
    let sandbox: T;
    try {
      sandbox = await creation;
    } finally {
      this.starting.delete(creation);
    }
    if (this.shutdown.signal.aborted) {
      await sandbox.close().catch(() => undefined);
      throw new SandboxGoneError(sandbox.id, 'closed', 'was closed as soon as it started: the process is shutting down');
    }
    return this.track(sandbox);
  }

  /** Registers `sandbox` until it is closed (its `close` is wrapped to unregister it). */
  track<T extends Sandbox>(sandbox: T): T {
    this.open.add(sandbox);
    const close = sandbox.close.bind(sandbox);
    sandbox.close = async () => {
      try {
        await close();
      } finally {
        this.open.delete(sandbox);
      }
    };
    return sandbox;
  }

  /**
   * Closes every open sandbox at once, after letting those still starting finish (so they can be
   * closed too); one failing close does not stop the others. `close` is idempotent, so a sandbox
   * reached both ways is closed once.
   */
  async closeAll(): Promise<void> {
    this.shutdown.abort();
    const started = await Promise.allSettled([...this.starting]);
    const toClose = new Set(this.open);
    for (const outcome of started) if (outcome.status === 'fulfilled') toClose.add(outcome.value);
    await Promise.allSettled([...toClose].map((sandbox) => sandbox.close()));
  }
}

export const liveSandboxes = new LiveSandboxes();

/**
 * On SIGINT or SIGTERM, closes every open sandbox, then exits with the signal's conventional
 * status (130, 143). A second signal exits at once. Returns a function that removes the handlers.
 */
export function closeSandboxesOnSignal(
  registry: LiveSandboxes = liveSandboxes,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let cleaning = false;
  const handler = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (cleaning) return exit(code);
    cleaning = true;
    if (registry.size > 0) console.error(`swe-srl: ${signal}: removing ${registry.size} sandbox(es)…`);
    const limit = setTimeout(() => exit(code), CLEANUP_LIMIT_MS);
    limit.unref();
    void registry.closeAll().finally(() => {
      clearTimeout(limit);
      exit(code);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
