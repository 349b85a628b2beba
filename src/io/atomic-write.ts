/**
 * Writing files whole: the content goes to a temporary file next to the target, which is then
 * renamed over it. A run killed mid-write leaves the old file or none, never half of one; resuming
 * relies on that (a report.json or .traj that exists is complete), and a bad input line met while
 * streaming leaves no half-written output behind.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { InputError } from '../errors.js';

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
  // Without a listener, a failed open (a missing folder) would crash the process with a stack trace.
  let streamError: NodeJS.ErrnoException | undefined;
  file.on('error', (error: NodeJS.ErrnoException) => {
    streamError ??= error;
  });
  const closed = new Promise<void>((resolve) => file.once('close', () => resolve()));
  const cannotWrite = (error: NodeJS.ErrnoException): InputError =>
    new InputError(`${path}: cannot write (${error.code ?? error.message})`, { cause: error });
  let done = false;
  try {
    let result: T;
    try {
      result = await produce(file);
    } catch (error) {
      throw streamError ? cannotWrite(streamError) : error;
    }
    file.end();
    await closed;
    if (streamError) throw cannotWrite(streamError);
    await rename(temporary, path).catch((error: NodeJS.ErrnoException) => {
      throw cannotWrite(error);
    });
    done = true;
    return result;
  } finally {
    if (!done) {
      file.destroy();
      // A stream still opening creates its file after destroy(); remove it only once closed.
      await closed;
      await rm(temporary, { force: true });
    }
  }
}
