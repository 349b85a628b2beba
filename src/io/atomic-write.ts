/**
 * Writing files whole: the content goes to a temporary file next to the target, which is then
 * renamed over it. A run killed mid-write leaves the old file or none, never half of one; resuming
 * relies on that (a report.json or .traj that exists is complete), and a bad input line met while
 * streaming leaves no half-written output behind.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';

let written = 0;

/** Next to `path`, so the rename stays on one file system (and so is atomic); unique per process and write. */
function temporaryPathFor(path: string): string {
  written += 1;
  return `${path}.${process.pid}.${written}.partial`;
}

/** Writes `content` to `path` through a temporary file and a rename; the parent folder must exist. */
export async function writeFileAtomically(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Streams into `path` through a temporary file: `produce` writes to the stream it is given, and the
 * file appears under its name only once `produce` has returned and everything is flushed. If
 * `produce` throws, the temporary file is removed and `path` is left as it was.
 */
export async function writeStreamAtomically<T>(path: string, produce: (output: Writable) => Promise<T>): Promise<T> {
  const temporary = temporaryPathFor(path);
  const file = createWriteStream(temporary);
  let done = false;
  try {
    const result = await produce(file);
    file.end();
    await once(file, 'finish');
    await rename(temporary, path);
    done = true;
    return result;
  } finally {
    if (!done) {
      file.destroy();
      await rm(temporary, { force: true });
    }
  }
}
