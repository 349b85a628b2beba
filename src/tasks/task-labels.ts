/**
 * What results are counted by: a task's tier and bug kind, from the teacher sidecar
 * (teacher.jsonl). Instances from elsewhere (SWE-bench rows) have no sidecar and count under one
 * tier, `all`. The evaluation, the teacher and the report all count resolve rates this way.
 */
import { readJsonLines } from '../io/json-lines.js';

export interface TaskLabel {
  tier: string;
  bug_kind: string;
  template?: string;
}

export interface RateCount {
  total: number;
  resolved: number;
  rate: number;
}

export async function readTaskLabels(teacherFile: string | undefined): Promise<Map<string, TaskLabel>> {
  const labels = new Map<string, TaskLabel>();
  if (teacherFile === undefined) return labels;
  for await (const { value } of readJsonLines(teacherFile)) {
    const record = value as { instance_id?: unknown; tier?: unknown; bug_kind?: unknown; template?: unknown };
    if (typeof record.instance_id !== 'string') continue;
    labels.set(record.instance_id, {
      tier: typeof record.tier === 'string' ? record.tier : 'all',
      bug_kind: typeof record.bug_kind === 'string' ? record.bug_kind : 'unknown',
      ...(typeof record.template === 'string' ? { template: record.template } : {}),
    });
  }
  return labels;
}

export function labelOf(labels: ReadonlyMap<string, TaskLabel>, instanceId: string): TaskLabel {
  return labels.get(instanceId) ?? { tier: 'all', bug_kind: 'unknown' };
}

/**
 * `{key: {total, resolved, rate}}` over graded items (an id may appear once per sample), keyed by
 * `keyOf` of the item's instance id, sorted by key.
 */
export function ratesBy<Item>(items: readonly Item[], isResolved: (item: Item) => boolean, keyOf: (item: Item) => string): Record<string, RateCount> {
  const out: Record<string, RateCount> = {};
  for (const item of items) {
    const entry = (out[keyOf(item)] ??= { total: 0, resolved: 0, rate: 0 });
    entry.total += 1;
    if (isResolved(item)) entry.resolved += 1;
  }
  for (const entry of Object.values(out)) entry.rate = entry.total === 0 ? 0 : entry.resolved / entry.total;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
