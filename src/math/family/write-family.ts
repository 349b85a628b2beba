/**
 * `math make`'s output: DIR/problems.jsonl (one MathFamilyRow per line) and DIR/manifest.json (the
 * settings and counts per kind and tier), both written whole.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { writeFileAtomically } from '../../io/atomic-write.js';
import { writeJsonLines } from '../../io/json-lines.js';
import { generateMathFamily, MATH_FAMILY_VERSION, type MathFamilyOptions, type MathFamilyRow } from './generate.js';

export interface MathFamilyManifest {
  family_version: number;
  count: number;
  seed: number;
  tier: string;
  split: string;
  kinds: string[];
  per_kind: Record<string, number>;
  per_tier: Record<string, number>;
  instances: number;
}

export async function writeMathFamily(directory: string, options: MathFamilyOptions): Promise<{ rows: MathFamilyRow[]; manifest: MathFamilyManifest; problemsPath: string }> {
  const rows = generateMathFamily(options);
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new InputError(`${directory}: cannot create the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  const problemsPath = join(directory, 'problems.jsonl');
  await writeJsonLines(problemsPath, rows);
  const count = (key: (row: MathFamilyRow) => string): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const row of rows) counts[key(row)] = (counts[key(row)] ?? 0) + 1;
    return counts;
  };
  const manifest: MathFamilyManifest = {
    family_version: MATH_FAMILY_VERSION,
    count: rows.length,
    seed: options.seed,
    tier: options.tier,
    split: options.split,
    kinds: [...new Set(rows.map((row) => row.kind))],
    per_kind: count((row) => row.kind),
    per_tier: count((row) => row.tier),
    // Step instances the rows give: N − 1 per solution of N steps.
    instances: rows.reduce((sum, row) => sum + row.solution.split('\n').length - 1, 0),
  };
  await writeFileAtomically(join(directory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { rows, manifest, problemsPath };
}
