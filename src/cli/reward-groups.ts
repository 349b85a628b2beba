/**
 * `swe-srl reward groups REWARDS.jsonl`: GRPO group statistics (mean, population std, advantages) and the
 * SRL paper's dynamic sampling filter (keep a group only when its reward std exceeds epsilon).
 * One JSON line per group on the output; the kept/dropped counts on stderr.
 */
import type { Command } from 'commander';
import { rewardCommandOf } from './reward.js';
import { InputError } from '../errors.js';
import { writeJsonLines, writeJsonLinesToStream } from '../io/json-lines.js';
import { DEFAULT_ADVANTAGE_EPSILON, DEFAULT_GROUP_SIZE, type AdvantageNormalization } from '../reward/group-stats.js';
import { analyzeRewardGroupsFile } from '../reward/group-stats/rewards-file.js';
import { nonNegativeNumber, oneOf } from './option-values.js';

const NORMALIZATIONS: readonly AdvantageNormalization[] = ['population-std', 'sample-std', 'none'];

function parseGroupSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw new InputError(`--group-size: "${value}" is not a positive integer`);
  return size;
}

interface GroupsOptions {
  epsilon: number;
  groupSize: number;
  groupBy?: string;
  normalization: AdvantageNormalization;
  advantageEpsilon: number;
  output?: string;
}

/** Adds `groups` to `parent`: main.ts adds it to the program; it could equally hang under `reward`. */
export function registerRewardGroupsCommand(parent: Command): void {
  parent
    .command('groups')
    .description('GRPO group statistics and the dynamic sampling filter (keep a group only when the population std of its rewards > epsilon)')
    .argument('<rewards>', 'JSONL: {"rewards": [...]} per group, or {"reward": r} per response (grouped by --group-by, else in runs of --group-size)')
    .option('--epsilon <e>', 'keep a group only when its reward std is strictly greater than this', nonNegativeNumber('--epsilon'), 0)
    .option('--group-size <n>', 'responses per group when lines hold single rewards', parseGroupSize, DEFAULT_GROUP_SIZE)
    .option('--group-by <field>', 'field naming the group of each single-reward line (e.g. a step id)')
    .option('--normalization <kind>', `advantage scaling: ${NORMALIZATIONS.join(' | ')} (none = Dr. GRPO)`, oneOf('--normalization', NORMALIZATIONS), 'population-std')
    .option('--advantage-epsilon <e>', 'added to the std before dividing', nonNegativeNumber('--advantage-epsilon'), DEFAULT_ADVANTAGE_EPSILON)
    .option('-o, --output <file>', 'write the per-group lines here instead of standard output')
    .action(async (rewardsPath: string, options: GroupsOptions) => {
      const report = await analyzeRewardGroupsFile(rewardsPath, {
        epsilon: options.epsilon,
        groupSize: options.groupSize,
        normalization: options.normalization,
        advantageEpsilon: options.advantageEpsilon,
        ...(options.groupBy !== undefined ? { groupBy: options.groupBy } : {}),
      });
      if (options.output) await writeJsonLines(options.output, report.rows);
      else await writeJsonLinesToStream(process.stdout, report.rows);
      const total = report.keptCount + report.droppedCount;
      process.stderr.write(`groups: ${report.keptCount} kept, ${report.droppedCount} dropped of ${total} (kept when reward std > ${options.epsilon})\n`);
    });
}

/** For the command table in main.ts: `groups` under the `reward` group. */
export function register(program: Command): void {
  registerRewardGroupsCommand(rewardCommandOf(program));
}
