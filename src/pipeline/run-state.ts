/**
 * What a run directory remembers about its stages: `<runDir>/<stage>/stage.json`, written whole at
 * every change. A stage's fingerprint is a hash of its type, version and settings and of the
 * fingerprints of the stages feeding it, so a record tells whether its folder was made by this
 * pipeline (resume it, or skip it when done) or by another one (refuse, unless asked to redo it).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { writeFileAtomically } from '../io/atomic-write.js';
import type { PlannedStage } from './pipeline-file.js';
import { ARTIFACT_KINDS, type Artifact, type ArtifactKind, type StageRecordView } from './stage.js';

export const STAGE_RECORD_FILE = 'stage.json';
export const METRICS_FILE = 'metrics.jsonl';

const artifactSchema = z.object({
  kind: z.enum(Object.keys(ARTIFACT_KINDS) as [ArtifactKind, ...ArtifactKind[]]),
  /** Relative to the run directory, so a run directory can be moved. */
  files: z.record(z.string(), z.string()),
});

const attemptSchema = z.object({
  started: z.string(),
  finished: z.string().optional(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
});

export const stageRecordSchema = z.object({
  name: z.string(),
  type: z.string(),
  version: z.number(),
  fingerprint: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  settings: z.unknown(),
  inputs: z.record(z.string(), z.object({ stage: z.string(), output: z.string() })),
  attempts: z.array(attemptSchema),
  /** The sandbox backend the stage ran on, for stages that use sandboxes. */
  backend: z.enum(['docker', 'local']).optional(),
  summary: z.record(z.string(), z.unknown()).default({}),
  headline: z.string().optional(),
  outputs: z.record(z.string(), artifactSchema).default({}),
});
export type StageRecord = z.infer<typeof stageRecordSchema>;

export function stageDir(runDir: string, name: string): string {
  return join(runDir, name);
}

export function recordPath(runDir: string, name: string): string {
  return join(stageDir(runDir, name), STAGE_RECORD_FILE);
}

/** A stable JSON text: object keys sorted, so the same settings always hash the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Fingerprints of every stage, in order (each depends on those feeding it). */
export function fingerprints(stages: readonly PlannedStage[]): Map<string, string> {
  const prints = new Map<string, string>();
  for (const stage of stages) {
    const feeding = Object.entries(stage.inputs)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([slot, wire]) => [slot, wire.output, prints.get(wire.stage)]);
    // A stage that reads the whole run (the report) depends on everything before it.
    const earlier = stage.definition.readsWholeRun ? stages.slice(0, stage.index).map((other) => prints.get(other.name)) : [];
    const text = canonicalJson({ type: stage.type, version: stage.definition.version, settings: stage.settings, feeding, earlier });
    prints.set(stage.name, createHash('sha256').update(text).digest('hex').slice(0, 24));
  }
  return prints;
}

export async function readStageRecord(runDir: string, name: string): Promise<StageRecord | undefined> {
  const path = recordPath(runDir, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`${path}: cannot read (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`${path}: not valid JSON; remove the stage's folder to redo it`);
  }
  const parsed = stageRecordSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${path}: not a stage record (${parsed.error.issues[0]?.message}); remove the stage's folder to redo it`);
  return parsed.data;
}

export async function writeStageRecord(runDir: string, record: StageRecord): Promise<void> {
  await mkdir(stageDir(runDir, record.name), { recursive: true });
  await writeFileAtomically(recordPath(runDir, record.name), `${JSON.stringify(record, null, 2)}\n`);
}

/** Artefact paths as stored (relative to the run directory) and as used (absolute). */
export function storedArtifact(runDir: string, artifact: Artifact): Artifact {
  const files = Object.fromEntries(Object.entries(artifact.files).map(([role, path]) => [role, relative(runDir, resolve(path)) || '.']));
  return { kind: artifact.kind, files };
}

export function liveArtifact(runDir: string, artifact: Artifact): Artifact {
  const files = Object.fromEntries(Object.entries(artifact.files).map(([role, path]) => [role, isAbsolute(path) ? path : resolve(runDir, path)]));
  return { kind: artifact.kind, files };
}

export function durationOf(record: StageRecord): number {
  return record.attempts.reduce((sum, attempt) => sum + (attempt.durationMs ?? 0), 0);
}

export function recordView(runDir: string, record: StageRecord, metricsPath?: string): StageRecordView {
  return {
    name: record.name,
    type: record.type,
    status: record.status,
    summary: record.summary,
    ...(record.headline !== undefined ? { headline: record.headline } : {}),
    outputs: Object.fromEntries(Object.entries(record.outputs).map(([name, artifact]) => [name, liveArtifact(runDir, artifact)])),
    durationMs: durationOf(record),
    dir: stageDir(runDir, record.name),
    inputs: record.inputs,
    ...(record.backend ? { backend: record.backend } : {}),
    ...(metricsPath !== undefined ? { metricsPath } : {}),
  };
}
