/**
 * Limits on what the harness reads back out of a sandbox. Anything a sandbox holds is written by
 * untrusted code, and a sparse file or a huge diff costs the sandbox nothing while it would cost the
 * harness its memory: every read-back therefore has a size cap and a time limit, and passing either
 * is a ReadBackLimitError, never an unbounded buffer.
 */
import { ReadBackLimitError, type ReadBackTarget } from '../errors.js';

export interface ReadBackOptions {
  /** Most bytes to read back; more is a ReadBackLimitError. */
  maxBytes?: number;
  /** Longest the read may take; longer is a ReadBackLimitError. */
  timeoutMs?: number;
}

export const READ_BACK_DEFAULTS = {
  /** readFile: far above any source file or report a tool or the evaluator reads. */
  fileMaxBytes: 64 * 1024 * 1024,
  /** diff(): far above any real patch (SWE-bench's are kilobytes). */
  diffMaxBytes: 32 * 1024 * 1024,
  timeoutMs: 120_000,
} as const;

export interface ResolvedReadBackLimits {
  maxBytes: number;
  timeoutMs: number;
}

export function readBackLimits(target: ReadBackTarget, options: ReadBackOptions = {}): ResolvedReadBackLimits {
  return {
    maxBytes: options.maxBytes ?? (target === 'file' ? READ_BACK_DEFAULTS.fileMaxBytes : READ_BACK_DEFAULTS.diffMaxBytes),
    timeoutMs: options.timeoutMs ?? READ_BACK_DEFAULTS.timeoutMs,
  };
}

/**
 * Collects chunks up to `maxBytes`. `push` returns false once the cap is passed, and the chunks
 * pushed after that are not kept, so the caller can stop the source with its memory still flat.
 */
export class BoundedBuffer {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  overflowed = false;

  constructor(readonly maxBytes: number) {}

  push(chunk: Buffer): boolean {
    if (this.overflowed) return false;
    if (this.bytes + chunk.length > this.maxBytes) {
      this.overflowed = true;
      return false;
    }
    // A copy: the chunk may be a view into a larger read buffer that must not stay alive.
    this.chunks.push(Buffer.from(chunk));
    this.bytes += chunk.length;
    return true;
  }

  get length(): number {
    return this.bytes;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.bytes);
  }
}

/**
 * Runs `work` with a deadline: past `timeoutMs`, `onTimeout` is called (to stop the source) and the
 * result is a ReadBackLimitError naming `target` and `path`.
 */
export async function withReadDeadline<T>(
  target: ReadBackTarget,
  path: string,
  timeoutMs: number,
  work: Promise<T>,
  onTimeout: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new ReadBackLimitError(target, path, 'time', timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
