/**
 * Reads GRPO reward groups from a JSONL file. Three line shapes are accepted, one per file:
 * - `{"rewards": [r1, …, rG]}`: one group per line (its id from the `--group-by` field or `group`);
 * - `{"reward": r, "<field>": id}` with a group-by field: rewards gathered by that field's value,
 *   groups in order of first appearance (the form `swe-srl reward srl` output takes once each
 *   response carries its step id);
 * - `{"reward": r}` or a bare number: consecutive runs of `groupSize` rewards form a group.
 */
import { z } from 'zod';
import { InputError, describeLocation } from '../../errors.js';
import { DEFAULT_GROUP_SIZE, filterGroups, groupStatistics, NonFiniteStatisticsError, type GroupFilterOptions } from '../group-stats.js';
import { parseJsonLine, readTextLines } from '../../io/json-lines.js';

export type GroupId = string | number;

export interface RewardGroup {
  readonly id: GroupId;
  readonly rewards: number[];
  /** The line the group starts on, for messages. */
  readonly line: number;
}

export interface ReadRewardGroupsOptions {
  /** Size of consecutive groups when lines hold single rewards and no groupBy is given. Default 8. */
  readonly groupSize?: number;
  /** A field whose value (string or number) says which group a line belongs to. */
  readonly groupBy?: string;
}

type LineShape = 'group' | 'single';

/**
 * Bounds on the input, so a hostile or broken file ends in one line naming where, not in a
 * RangeError after minutes and gigabytes: a line (one group, at most) and a group's size.
 */
export const REWARDS_FILE_LIMITS = { maxLineBytes: 1024 * 1024, maxGroupSize: 100_000 } as const;

const rewardSchema = z.number({ error: 'expected a finite number as the reward' }).finite();
const groupIdSchema = z.union([z.string(), z.number().finite()], { error: 'expected a string or number naming the group' });
const groupLineSchema = z.looseObject({ rewards: z.array(rewardSchema).min(1, 'empty group') });
const singleLineSchema = z.looseObject(
  { reward: rewardSchema },
  { error: 'expected a reward number, or an object with "reward" or "rewards"' },
);

/** Validates `value`, naming the file, line and (nested) field that is wrong. */
function validate<T>(schema: z.ZodType<T>, value: unknown, path: string, line: number, prefix?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter((part) => part !== undefined).join('.');
  throw new InputError(`${describeLocation(path, line, field || undefined)}: ${issue.message}`);
}

export async function readRewardGroups(path: string, options: ReadRewardGroupsOptions = {}): Promise<RewardGroup[]> {
  const groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new InputError(`group size: expected a positive integer, got ${groupSize}`);
  const groupBy = options.groupBy;

  const groups: RewardGroup[] = [];
  const byKey = new Map<GroupId, RewardGroup>();
  let shape: LineShape | undefined;
  let current: RewardGroup | undefined;

  const tooLarge = (line: number, size: number) =>
    new InputError(`${describeLocation(path, line)}: the group has ${size} rewards, more than ${REWARDS_FILE_LIMITS.maxGroupSize}`);
  for await (const entry of readTextLines(path, { maxLineBytes: REWARDS_FILE_LIMITS.maxLineBytes })) {
    if (entry.text.trim() === '') continue;
    const value = parseJsonLine(path, entry);
    const where = (field?: string) => describeLocation(path, entry.line, field);
    const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    const lineShape: LineShape = record && 'rewards' in record ? 'group' : 'single';
    if (shape !== undefined && lineShape !== shape) {
      throw new InputError(`${where()}: mixes a ${lineShape === 'group' ? '"rewards" list' : 'single reward'} with the earlier lines' ${shape === 'group' ? '"rewards" lists' : 'single rewards'}`);
    }
    shape = lineShape;

    if (lineShape === 'group') {
      const listed = (record as { rewards?: unknown }).rewards;
      if (Array.isArray(listed) && listed.length > REWARDS_FILE_LIMITS.maxGroupSize) throw tooLarge(entry.line, listed.length);
      const { rewards } = validate(groupLineSchema, value, path, entry.line);
      const id =
        groupBy !== undefined
          ? validate(groupIdSchema, record![groupBy], path, entry.line, groupBy)
          : groupIdSchema.safeParse(record!.group).data ?? groups.length;
      groups.push({ id, rewards, line: entry.line });
      continue;
    }

    const reward =
      typeof value === 'number' ? validate(rewardSchema, value, path, entry.line) : validate(singleLineSchema, value, path, entry.line).reward;
    if (groupBy !== undefined) {
      if (!record) throw new InputError(`${where()}: expected an object with "reward" and "${groupBy}"`);
      const key = validate(groupIdSchema, record[groupBy], path, entry.line, groupBy);
      let group = byKey.get(key);
      if (!group) {
        group = { id: key, rewards: [], line: entry.line };
        byKey.set(key, group);
        groups.push(group);
      }
      if (group.rewards.length >= REWARDS_FILE_LIMITS.maxGroupSize) throw tooLarge(entry.line, group.rewards.length + 1);
      group.rewards.push(reward);
    } else {
      if (!current || current.rewards.length === groupSize) {
        current = { id: groups.length, rewards: [], line: entry.line };
        groups.push(current);
      }
      current.rewards.push(reward);
    }
  }

  if (shape === 'single' && groupBy === undefined && current && current.rewards.length < groupSize) {
    throw new InputError(
      `${describeLocation(path, current.line)}: the last group has ${current.rewards.length} rewards, not ${groupSize} (set the group size, or group by a field)`,
    );
  }
  return groups;
}

export interface GroupReportRow {
  readonly group: GroupId;
  readonly size: number;
  readonly mean: number;
  readonly std: number;
  readonly kept: boolean;
  readonly advantages: number[];
}

export interface GroupReport {
  readonly rows: GroupReportRow[];
  readonly keptCount: number;
  readonly droppedCount: number;
}

/** Reads the groups of a rewards file, computes their statistics and applies the std > epsilon filter. */
export async function analyzeRewardGroupsFile(path: string, options: ReadRewardGroupsOptions & GroupFilterOptions): Promise<GroupReport> {
  const groups = await readRewardGroups(path, options);
  // A group whose statistics overflow is named by where it starts in the file.
  for (const group of groups) {
    try {
      groupStatistics(group.rewards, options);
    } catch (error) {
      if (error instanceof NonFiniteStatisticsError) {
        throw new NonFiniteStatisticsError(`${describeLocation(path, group.line)}: group ${group.id}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
  const filtered = filterGroups(
    groups.map((group) => group.rewards),
    options,
  );
  const keptIndices = new Set(filtered.kept);
  const rows = groups.map((group, index) => {
    const stats = filtered.statistics[index]!;
    return { group: group.id, size: stats.size, mean: stats.mean, std: stats.std, kept: keptIndices.has(index), advantages: stats.advantages };
  });
  return { rows, keptCount: filtered.keptCount, droppedCount: filtered.droppedCount };
}
