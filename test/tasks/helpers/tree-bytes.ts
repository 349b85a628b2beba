/** Every file under a directory as path → bytes, for byte-for-byte comparisons of two outputs. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export async function treeBytes(root: string, skip: (path: string) => boolean = () => false): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (skip(rel)) continue;
      if (entry.isDirectory()) await walk(path);
      else files.set(rel, await readFile(path));
    }
  };
  await walk(root);
  return files;
}

/** The paths whose bytes differ (or exist on one side only); empty when the trees are identical. */
export function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((path) => {
    const left = a.get(path);
    const right = b.get(path);
    return !left || !right || !left.equals(right);
  });
}
