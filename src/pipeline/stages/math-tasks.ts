/**
 * `math-tasks`: problems of the built-in math family (src/math/family), `count` per tier, of one
 * split (train or held-out, disjoint by construction) from a seed. Each tier is written in its own
 * folder as `swe-srl math make` writes it; the stage joins them into one problems.jsonl, which the
 * `math-steps` stage cuts into rows and the trainer stages' held-out math measurement grades
 * against. Generation is deterministic and fast, so a rerun simply writes the same files again.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../../io/atomic-write.js';
import { MATH_KIND_NAMES, MATH_SPLITS, MATH_TIERS, writeMathFamily } from '../../math/index.js';
import type { StageDefinition } from '../stage.js';

const settingsSchema = z.strictObject({
  /** Problems per tier. */
  count: z.number().int().min(1).max(100_000),
  seed: z.number().int().min(0).max(0xffffffff),
  tiers: z.array(z.enum(MATH_TIERS)).min(1).default([...MATH_TIERS]).refine((tiers) => new Set(tiers).size === tiers.length, 'a tier is listed twice'),
  split: z.enum(MATH_SPLITS).default('train'),
  /** Problem kinds, in turn; all five by default. */
  kinds: z.array(z.enum(MATH_KIND_NAMES as [string, ...string[]])).min(1).optional(),
});

export const mathTasksStage: StageDefinition<typeof settingsSchema> = {
  type: 'math-tasks',
  description: 'problems of the built-in math family (numbered-step expert solutions, exact answers), `count` per tier, of one split',
  settings: settingsSchema,
  inputs: {},
  outputs: { problems: { kind: 'problems', description: 'problems.jsonl: {id, problem, solution, answer, dataset, kind, tier, split}' } },
  version: 1,
  usesSandboxes: false,
  async run({ settings, dir, progress }) {
    progress.total(settings.tiers.length, 'tiers', `making ${settings.split} math problems, seed ${settings.seed}`);
    const parts: string[] = [];
    const perTier: Record<string, number> = {};
    const perKind: Record<string, number> = {};
    let instances = 0;
    for (const tier of settings.tiers) {
      const { manifest, problemsPath } = await writeMathFamily(join(dir, tier), { count: settings.count, seed: settings.seed, tier, split: settings.split, ...(settings.kinds ? { kinds: settings.kinds } : {}) });
      parts.push(await readFile(problemsPath, 'utf8'));
      perTier[tier] = manifest.count;
      for (const [kind, n] of Object.entries(manifest.per_kind)) perKind[kind] = (perKind[kind] ?? 0) + n;
      instances += manifest.instances;
      progress.advance(1, `${tier}: ${manifest.count} problems`);
    }
    const problems = join(dir, 'problems.jsonl');
    await writeFileAtomically(problems, parts.join(''));
    const total = Object.values(perTier).reduce((a, b) => a + b, 0);
    return {
      outputs: { problems: { kind: 'problems', files: { problems } } },
      headline: `${total} ${settings.split} math problems (${settings.tiers.map((tier) => `${tier} ${perTier[tier]}`).join(', ')}), ${instances} step instances`,
      summary: { split: settings.split, seed: settings.seed, problems: total, per_tier: perTier, per_kind: perKind, step_instances: instances },
    };
  },
};
