/**
 * Where a command's output ends and its follow-up's begins, when both share one round trip
 * (RunOptions.followUp): the follow-up's marker, printed between the two with the first command's
 * exit status. Each side gets its own output cap, so a follow-up never changes how the first
 * command's output is capped, nor the first command how the follow-up's is.
 */
import { performance } from 'node:perf_hooks';
import { CappedOutput } from './capped-output.js';
import { EndMarker } from './command-line.js';
import { MarkerScanner } from './marker-scanner.js';

export class FollowUpSplit {
  readonly marker = new EndMarker();
  /** The follow-up's output. */
  readonly output: CappedOutput;
  /** Resolves when the first command's marker came: it ended, and the follow-up started. */
  readonly reached: Promise<'follow-up'>;
  /** The first command's exit status as the marker printed it, once it came. */
  firstStatus: string | undefined;
  /** When the marker came (performance.now()). */
  reachedAt: number | undefined;
  private readonly scanner: MarkerScanner;
  private announce: () => void = () => undefined;

  constructor(limitBytes: number, firstOutput: CappedOutput) {
    this.output = new CappedOutput(limitBytes);
    this.reached = new Promise((resolve) => {
      this.announce = () => resolve('follow-up');
    });
    this.scanner = new MarkerScanner(this.marker.token, (chunk) => firstOutput.append(chunk));
  }

  /** Feeds output as it arrives (everything before the end marker). */
  push(chunk: Buffer): void {
    if (this.firstStatus !== undefined) {
      this.output.append(chunk);
      return;
    }
    const status = this.scanner.push(chunk);
    if (status === undefined) return;
    this.firstStatus = status;
    this.reachedAt = performance.now();
    this.output.append(this.scanner.rest);
    this.announce();
  }

  /** Call once the round trip ended: what was held back as a possible marker start is the first command's. */
  flush(): void {
    if (this.firstStatus === undefined) this.scanner.flush();
  }
}
