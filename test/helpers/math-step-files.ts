/**
 * Math step files for the export, serve, adapter and trainer tests, written by the library's own
 * `math make` and `math steps` from the built-in problem family.
 */
import { join } from 'node:path';
import { writeMathFamily } from '../../src/math/family/write-family.js';
import { defaultMathStepOptions, type MathStepOptions } from '../../src/math/steps/step-rows.js';
import { writeMathStepFile } from '../../src/math/steps/write-step-file.js';
import { readJsonlFile } from './jsonl-files.js';

/** Writes `dir/name` with the math step rows of `count` built-in problems and returns its path and rows. */
export async function writeMathSteps(
  dir: string,
  { count = 5, seed = 0, name = 'math-steps.jsonl', steps = {} }: { count?: number; seed?: number; name?: string; steps?: Partial<MathStepOptions> } = {},
): Promise<{ path: string; rows: Array<Record<string, unknown>> }> {
  const { problemsPath } = await writeMathFamily(join(dir, `family-${seed}`), { count, seed, tier: 'mixed', split: 'train' });
  const path = join(dir, name);
  await writeMathStepFile([problemsPath], { ...defaultMathStepOptions, ...steps, output: path });
  return { path, rows: await readJsonlFile(path) };
}

/** Responses that exercise a math step's reward: the teacher's step, a near miss, another step, broken formats. */
export function mathResponsesFor(row: Record<string, unknown>): string[] {
  const target = row.target as string;
  return [
    `<think>\nfollow the expert\n</think>\n${target}`,
    `<think>x</think>\n${target.replace(/\d/, '9')}`,
    '<think>x</think>\n3. **Guess** The answer is $\\boxed{42}$.',
    `no think block ${target}`,
    '<think>only thinking</think>',
  ];
}
