/** run_instance.log: what happened to one instance, line by line with timestamps, as it happens. */
import { open, type FileHandle } from 'node:fs/promises';

export class InstanceLog {
  // Writes are chained so lines keep their order even when callers (progress callbacks) do not
  // await them, and a line that arrives after close is dropped instead of failing.
  private pending: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string): Promise<InstanceLog> {
    return new InstanceLog(await open(path, 'a'));
  }

  write(message: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    const stamp = new Date().toISOString();
    const text = message.replace(/\n+$/, '').replace(/\n/g, `\n${' '.repeat(stamp.length + 1)}`);
    this.pending = this.pending.then(async () => {
      await this.handle.write(`${stamp} ${text}\n`);
    }).catch(() => undefined);
    return this.pending;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pending;
    await this.handle.close();
  }
}
