/**
 * Reading a `tasks` artefact: the instances, the environment specs, and what the teacher sidecar
 * says of each task (its tier and bug kind) so results can be counted per tier. Instances from
 * elsewhere (SWE-bench rows) have no sidecar and count under one tier, `all`.
 */
import { loadInstances, type Instance } from '../../eval/index.js';
import { readJsonLines } from '../../io/json-lines.js';
import { loadEnvironmentSpecs, type EnvironmentSpecFile } from '../../sandbox/images/environment-spec.js';
import type { Artifact } from '../stage.js';

export interface TaskLabel {
  tier: string;
  bug_kind: string;
  template?: string;
}

export interface TaskFiles {
  instances: Instance[];
  environments: EnvironmentSpecFile[];
  reposDir: string;
  labels: Map<string, TaskLabel>;
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

export async function readTaskFiles(artifact: Artifact): Promise<TaskFiles> {
  return {
    instances: await loadInstances(artifact.files.instances!),
    environments: await loadEnvironmentSpecs(artifact.files.environments!),
    reposDir: artifact.files.repos!,
    labels: await readTaskLabels(artifact.files.teacher),
  };
}

export function labelOf(labels: ReadonlyMap<string, TaskLabel>, instanceId: string): TaskLabel {
  return labels.get(instanceId) ?? { tier: 'all', bug_kind: 'unknown' };
}

/** `{key: {total, resolved, rate}}` over the instances, keyed by `keyOf`. */
export function ratesBy(ids: readonly string[], resolved: ReadonlySet<string>, keyOf: (id: string) => string): Record<string, { total: number; resolved: number; rate: number }> {
  const out: Record<string, { total: number; resolved: number; rate: number }> = {};
  for (const id of ids) {
    const entry = (out[keyOf(id)] ??= { total: 0, resolved: 0, rate: 0 });
    entry.total += 1;
    if (resolved.has(id)) entry.resolved += 1;
  }
  for (const entry of Object.values(out)) entry.rate = entry.total === 0 ? 0 : entry.resolved / entry.total;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
