/**
 * Docker multiplexes an exec's stdout and stderr on one connection when there is no TTY: each
 * frame is an 8-byte header (stream type, three zero bytes, big-endian payload length) and the
 * payload. This parser cuts frames out of chunks of any size without copying whole buffers on
 * every chunk, which matters on the hot path of every action.
 */
import { PassThrough, type Readable } from 'node:stream';

export type FrameStream = 'stdout' | 'stderr';

const HEADER_BYTES = 8;

export class FrameParser {
  private header = Buffer.alloc(HEADER_BYTES);
  private headerFilled = 0;
  private payloadLeft = 0;
  private payloadStream: FrameStream = 'stdout';

  constructor(private readonly onPayload: (stream: FrameStream, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, chunk.length - at);
        this.onPayload(this.payloadStream, chunk.subarray(at, at + take));
        this.payloadLeft -= take;
        at += take;
        continue;
      }
      const take = Math.min(HEADER_BYTES - this.headerFilled, chunk.length - at);
      chunk.copy(this.header, this.headerFilled, at, at + take);
      this.headerFilled += take;
      at += take;
      if (this.headerFilled === HEADER_BYTES) {
        this.headerFilled = 0;
        this.payloadStream = this.header[0] === 2 ? 'stderr' : 'stdout';
        this.payloadLeft = this.header.readUInt32BE(4);
      }
    }
  }
}

/** One readable carrying both streams' payloads in arrival order; ends when `source` ends. */
export function mergedPayloads(source: Readable): Readable {
  const merged = new PassThrough();
  const parser = new FrameParser((_stream, payload) => merged.write(payload));
  source.on('data', (chunk: Buffer) => parser.push(chunk));
  source.on('end', () => merged.end());
  source.on('close', () => merged.end());
  source.on('error', (error) => merged.destroy(error));
  return merged;
}
