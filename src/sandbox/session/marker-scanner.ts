/**
 * Finds a command's end marker (`<token>:<value>\n`) in the shell's output stream, which arrives
 * in chunks of any size: the marker may be split across chunks. Everything before the marker is
 * the command's output and is handed on as it arrives: only bytes that might be the start of a
 * split marker wait in this scanner for the next chunk.
 */
const NEWLINE = 0x0a;
/** A marker's value is an exit status or a pid; anything longer means the line is not ours. */
const MAX_VALUE_BYTES = 32;

export class MarkerScanner {
  private readonly token: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private tokenFound = false;
  private afterMarker: Buffer = Buffer.alloc(0);

  constructor(
    token: string,
    private readonly onOutput: (chunk: Buffer) => void,
  ) {
    this.token = Buffer.from(token, 'utf8');
  }

  /** Feeds one chunk; returns the marker's value once its line is complete, else undefined. */
  push(chunk: Buffer): string | undefined {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.tokenFound) {
      const at = data.indexOf(this.token);
      if (at < 0) {
        const keep = this.possibleTokenStart(data);
        this.onOutput(data.subarray(0, data.length - keep));
        this.pending = Buffer.from(data.subarray(data.length - keep));
        return undefined;
      }
      this.onOutput(data.subarray(0, at));
      this.tokenFound = true;
      this.pending = Buffer.from(data.subarray(at + this.token.length));
      return this.valueIfComplete();
    }
    this.pending = data;
    return this.valueIfComplete();
  }

  /** What came in the same chunk after the marker's line, once `push` returned its value. */
  get rest(): Buffer {
    return this.afterMarker;
  }

  /** Hands on what was held back as a possible marker start: call when no marker will come. */
  flush(): void {
    if (!this.tokenFound && this.pending.length > 0) this.onOutput(this.pending);
    this.pending = Buffer.alloc(0);
  }

  /**
   * How many bytes at the end of `data` could be the start of a token split across chunks: only
   * those wait for the next chunk. The rest goes on at once, so the last line before a pause (a
   * follow-up's marker, a prompt) is not held back until the command prints more.
   */
  private possibleTokenStart(data: Buffer): number {
    for (let length = Math.min(this.token.length - 1, data.length); length > 0; length--) {
      if (data.compare(this.token, 0, length, data.length - length, data.length) === 0) return length;
    }
    return 0;
  }

  private valueIfComplete(): string | undefined {
    const end = this.pending.indexOf(NEWLINE);
    if (end < 0) {
      if (this.pending.length > MAX_VALUE_BYTES + 1) this.pending = this.pending.subarray(0, MAX_VALUE_BYTES + 1);
      return undefined;
    }
    // The value follows a ':'; what comes after the newline is the next reader's (a follow-up's
    // output), or nobody's.
    this.afterMarker = Buffer.from(this.pending.subarray(end + 1));
    return this.pending.subarray(1, end).toString('utf8');
  }
}
