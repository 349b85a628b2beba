import { rename, writeFile } from 'node:fs/promises';

/**
 * Writes through a temporary file and a rename, so a run killed mid-write never leaves a half
 * file: a report.json that exists is complete, which is what resuming relies on.
 */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.partial`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
