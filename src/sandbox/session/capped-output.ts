/**
 * Collects one command's output under a byte cap. Past the cap it keeps the first half and the
 * last half and counts what fell between, so a flood (`yes` until the timeout) costs a bounded
 * amount of memory however long it runs, and the agent still sees how the output began and ended.
 */
export class CappedOutput {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private totalBytes = 0;

  constructor(readonly limitBytes: number) {
    this.headLimit = Math.ceil(limitBytes / 2);
    this.tailLimit = Math.floor(limitBytes / 2);
  }

  get truncated(): boolean {
    return this.totalBytes > this.limitBytes;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.totalBytes += chunk.length;
    if (this.headBytes < this.headLimit) {
      // Copies, here and in the tail: a chunk may be a small view into a large read buffer that
      // we must not keep alive.
      const taken = Buffer.from(chunk.subarray(0, this.headLimit - this.headBytes));
      this.head.push(taken);
      this.headBytes += taken.length;
      chunk = chunk.subarray(taken.length);
      if (chunk.length === 0) return;
    }
    this.appendToTail(chunk);
  }

  /** The output as text: whole when under the cap, else head, a marker saying how much was dropped, tail. */
  text(): string {
    const fullHead = Buffer.concat(this.head);
    if (!this.truncated) return Buffer.concat([fullHead, ...this.tail]).toString('utf8');
    // The cuts fall on byte counts: move them to character boundaries, so a character split
    // there is dropped (and counted) instead of showing up as U+FFFD.
    const head = fullHead.subarray(0, completeUtf8End(fullHead));
    const fullTail = Buffer.concat(this.tail);
    const tail = fullTail.subarray(utf8ContinuationPrefix(fullTail));
    const omitted = this.totalBytes - head.length - tail.length;
    const marker =
      `\n[... swe-srl: output truncated: ${omitted} of ${this.totalBytes} bytes omitted ` +
      `(limit ${this.limitBytes} bytes) ...]\n`;
    return head.toString('utf8') + marker + tail.toString('utf8');
  }

  private appendToTail(chunk: Buffer): void {
    if (this.tailLimit === 0) return;
    if (chunk.length >= this.tailLimit) {
      this.tail = [Buffer.from(chunk.subarray(chunk.length - this.tailLimit))];
      this.tailBytes = this.tailLimit;
      return;
    }
    this.tail.push(Buffer.from(chunk));
    this.tailBytes += chunk.length;
    while (this.tailBytes > this.tailLimit) {
      const first = this.tail[0]!;
      const excess = this.tailBytes - this.tailLimit;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
      }
    }
  }
}

/** Where `bytes` ends once a UTF-8 character cut off at its end is left out. */
function completeUtf8End(bytes: Buffer): number {
  for (let at = bytes.length - 1; at >= Math.max(0, bytes.length - 4); at--) {
    const byte = bytes[at]!;
    if ((byte & 0xc0) === 0x80) continue;
    const width = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return at + width > bytes.length ? at : bytes.length;
  }
  return bytes.length;
}

/** How many bytes at the start of `bytes` are the rest of a UTF-8 character cut off before it. */
function utf8ContinuationPrefix(bytes: Buffer): number {
  let count = 0;
  while (count < 3 && count < bytes.length && (bytes[count]! & 0xc0) === 0x80) count++;
  return count;
}
