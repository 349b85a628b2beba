// Per-kernel wall time on the native backend, for the benchmark's breakdown. Off by default:
// when off, a kernel call costs one boolean test more.
export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

export class KernelTimer {
  enabled = false;
  private readonly totals = new Map<string, { ms: number; calls: number }>();
  private depth = 0;

  /** Runs body, charging its time to kernel; a kernel called from inside another is not counted twice. */
  time<T>(kernel: string, body: () => T): T {
    if (!this.enabled || this.depth > 0) return body();
    this.depth++;
    const start = performance.now();
    try {
      return body();
    } finally {
      this.depth--;
      const entry = this.totals.get(kernel) ?? { ms: 0, calls: 0 };
      entry.ms += performance.now() - start;
      entry.calls++;
      this.totals.set(kernel, entry);
    }
  }

  reset(): void {
    this.totals.clear();
  }

  /** Kernels by total time, largest first. */
  report(): KernelTime[] {
    return [...this.totals.entries()]
      .map(([kernel, { ms, calls }]) => ({ kernel, ms, calls }))
      .sort((a, b) => b.ms - a.ms);
  }
}
