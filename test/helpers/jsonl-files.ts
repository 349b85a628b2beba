/** JSONL files as tests write inputs and read outputs: written plainly, so the code under test is not its own witness. */
import { readFile, writeFile } from 'node:fs/promises';

/** Writes one JSON line per value (and a final line break); returns `path`. */
export async function writeJsonlFile(path: string, values: readonly unknown[]): Promise<string> {
  await writeFile(path, values.map((value) => JSON.stringify(value)).join('\n') + '\n');
  return path;
}

/** The JSON objects of a JSONL file, one a line. */
export async function readJsonlFile(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}
