/**
 * A disk limit for a sandbox's container. The largest single file is capped everywhere with
 * RLIMIT_FSIZE (a `--ulimit fsize`, which the container cannot raise without CAP_SYS_RESOURCE), so
 * one `dd` stops at the limit at once. The total is capped by the storage driver's quota where it
 * has one (overlay2 on xfs with pquota, btrfs, zfs, devicemapper); elsewhere (overlay2 on ext4, the
 * common case) a watchdog measures the writable layer every few seconds and stops the sandbox once
 * it passes the limit. The watchdog can be overshot by what the container writes between two
 * checks, and the measurement walks the layer (the engine's `size=1` inspect), so it is cheap for
 * the few thousand files a test run writes, not free.
 */
import type Docker from 'dockerode';
import type { DockerEngine } from './engines.js';

/** Storage drivers whose containers accept a `size` storage option. */
const QUOTA_DRIVERS = new Set(['btrfs', 'zfs', 'devicemapper', 'windowsfilter']);

const quotaSupport = new WeakMap<DockerEngine, Promise<boolean>>();

/**
 * Whether containers on this engine may get a storage quota: by the driver the engine reports,
 * then confirmed or refuted by the first create that asks for one (see `noteQuotaRefused`).
 */
export function storageQuotaSupported(engine: DockerEngine): Promise<boolean> {
  let supported = quotaSupport.get(engine);
  if (supported === undefined) {
    supported = engine.docker.info().then(
      (info: { Driver?: string; DriverStatus?: Array<[string, string]> }) => {
        const backing = info.DriverStatus?.find(([key]) => key === 'Backing Filesystem')?.[1];
        return QUOTA_DRIVERS.has(info.Driver ?? '') || (info.Driver === 'overlay2' && backing === 'xfs');
      },
      () => false,
    );
    quotaSupport.set(engine, supported);
  }
  return supported;
}

/** The engine refused a quota (overlay2 on xfs mounted without pquota, say): stop asking. */
export function noteQuotaRefused(engine: DockerEngine): void {
  quotaSupport.set(engine, Promise.resolve(false));
}

/** The engine's words when a storage option cannot be honoured. */
export function isQuotaRefusal(message: string): boolean {
  return /storage-?opt|quota|size option|pquota/i.test(message);
}

/** Watches a container's writable layer and calls `onExceeded` once it passes `limitBytes`. */
export class DiskWatchdog {
  private readonly timer: NodeJS.Timeout;
  private checking = false;
  private fired = false;

  constructor(
    private readonly container: Docker.Container,
    private readonly limitBytes: number,
    intervalMs: number,
    private readonly onExceeded: (writtenBytes: number) => void,
  ) {
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Measures once now; resolves to the bytes written, or undefined when the engine did not say. */
  async check(): Promise<number | undefined> {
    if (this.checking || this.fired) return undefined;
    this.checking = true;
    try {
      const info = (await this.container.inspect({ size: true } as never)) as unknown as { SizeRw?: number };
      const written = info.SizeRw;
      if (typeof written === 'number' && written > this.limitBytes && !this.fired) {
        this.fired = true;
        this.stop();
        this.onExceeded(written);
      }
      return written;
    } catch {
      // A container being removed, an engine hiccup: the next tick tries again.
      return undefined;
    } finally {
      this.checking = false;
    }
  }
}
