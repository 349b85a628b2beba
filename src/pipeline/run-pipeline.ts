/**
 * Runs a checked pipeline: every stage in order, each in its own folder of the run directory.
 *
 * Before any work: the run directory must be writable; every stage's folder must have been made
 * by this pipeline (same settings, same inputs: its fingerprint) or be new; the sandbox backend is
 * chosen and checked when a stage still to run needs one. Then a stage finished by an earlier run
 * is skipped, an unfinished one is resumed (its `run` keeps what it finished), and the others run.
 * A failure stops the run with the stage named; a full disk says to free space and run again.
 */
import { appendFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, SweSrlError } from '../errors.js';
import { writeFileAtomically } from '../io/atomic-write.js';
import { DiskFullError, isDiskFull } from './disk-space.js';
import { readMetricsFile } from './metrics-file.js';
import type { PipelineEvent, PipelineEventSink, StagePlanState } from './events.js';
import { outputSlots, type PipelinePlan, type PlannedStage } from './pipeline-file.js';
import {
  METRICS_FILE,
  fingerprints,
  liveArtifact,
  readStageRecord,
  recordView,
  stageDir,
  storedArtifact,
  writeStageRecord,
  type StageRecord,
} from './run-state.js';
import { PipelineSandboxes } from './sandboxes.js';
import type { Artifact, MetricsRecord, MetricsWriter, StageContext, StageProgress, StageRecordView } from './stage.js';

export interface RunPipelineOptions {
  onEvent?: PipelineEventSink;
  signal?: AbortSignal;
  /**
   * Stages to make again: their folders are removed first, with those of every later stage that
   * uses them (directly or not). A stage whose settings changed since its folder was made must be
   * named here.
   */
  redo?: readonly string[];
  /** Check everything and report the plan, but run nothing. */
  dryRun?: boolean;
  /** Default: the backend the pipeline file asks for. */
  sandboxes?: PipelineSandboxes;
}

export interface RunPipelineResult {
  runDir: string;
  stages: StageRecordView[];
  durationMs: number;
  /** The HTML report, when a report stage ran. */
  report?: string;
}

/** A stage folder made with other settings or inputs than the file's (or by something else). */
export class StageConflictError extends InputError {
  constructor(
    message: string,
    readonly stages: readonly string[],
  ) {
    super(message);
  }
}

/** A stage failed; `cause` is what it threw. */
export class StageFailedError extends SweSrlError {
  constructor(
    readonly stage: string,
    message: string,
    options: { cause: unknown },
  ) {
    super(`stage "${stage}": ${message}`, options);
  }
}

export class PipelineInterruptedError extends SweSrlError {}

async function checkWritable(plan: PipelinePlan): Promise<void> {
  const probe = join(plan.runDir, `.swe-srl-write-test-${process.pid}`);
  try {
    await mkdir(plan.runDir, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(`${plan.file}: runDir: cannot write to ${plan.runDir} (${code})`, { cause: error });
  }
}

/** The named stages and every later one that reads them, directly or through others. */
function redoClosure(plan: PipelinePlan, named: readonly string[]): Set<string> {
  const unknown = named.filter((name) => !plan.stages.some((stage) => stage.name === name));
  if (unknown.length > 0) throw new InputError(`redo: no stage named ${unknown.map((name) => `"${name}"`).join(', ')} in ${plan.file} (stages: ${plan.stages.map((stage) => stage.name).join(', ')})`);
  const closure = new Set(named);
  for (const stage of plan.stages) {
    const feeds = Object.values(stage.inputs).some((wire) => closure.has(wire.stage));
    const readsAll = stage.definition.readsWholeRun === true && plan.stages.slice(0, stage.index).some((other) => closure.has(other.name));
    if (feeds || readsAll) closure.add(stage.name);
  }
  return closure;
}

async function folderHasFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

function needsSandboxes(stage: PlannedStage): boolean {
  const uses = stage.definition.usesSandboxes;
  return typeof uses === 'function' ? uses(stage.settings) : uses === true;
}

class Progress implements StageProgress {
  private done = 0;
  private count: number | undefined;
  private unit: string | undefined;
  private phase: string | undefined;

  constructor(
    private readonly stage: string,
    private readonly emit: (event: PipelineEvent) => void,
  ) {}

  total(count: number, unit: string, phase?: string): void {
    this.count = count;
    this.unit = unit;
    this.phase = phase;
    this.done = 0;
    this.send();
  }

  advance(count = 1, label?: string): void {
    this.done += count;
    this.send(label);
  }

  log(message: string): void {
    this.emit({ kind: 'log', stage: this.stage, message });
  }

  warn(message: string): void {
    this.emit({ kind: 'warning', stage: this.stage, message });
  }

  private send(label?: string): void {
    this.emit({
      kind: 'progress',
      stage: this.stage,
      done: this.done,
      ...(this.count !== undefined ? { total: this.count } : {}),
      ...(this.unit !== undefined ? { unit: this.unit } : {}),
      ...(this.phase !== undefined ? { phase: this.phase } : {}),
      ...(label !== undefined ? { label } : {}),
    });
  }
}

function metricsWriter(path: string): MetricsWriter {
  return {
    path,
    async write(record: MetricsRecord) {
      await appendFile(path, `${JSON.stringify(record)}\n`);
    },
    read() {
      return readMetricsFile(path, 'stop');
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runPipeline(plan: PipelinePlan, options: RunPipelineOptions = {}): Promise<RunPipelineResult> {
  const started = Date.now();
  const emit = (event: PipelineEvent) => options.onEvent?.(event);
  const redo = redoClosure(plan, options.redo ?? []);
  await checkWritable(plan);

  const prints = fingerprints(plan.stages);
  const records = new Map<string, StageRecord>();
  const states = new Map<string, StagePlanState>();
  const conflicts: string[] = [];
  for (const stage of plan.stages) {
    if (redo.has(stage.name)) {
      states.set(stage.name, 'redo');
      continue;
    }
    const record = await readStageRecord(plan.runDir, stage.name);
    const dir = stageDir(plan.runDir, stage.name);
    if (record === undefined) {
      if (await folderHasFiles(dir)) conflicts.push(`${stage.name}: ${dir} holds files but no stage record (not made by a pipeline run)`);
      states.set(stage.name, 'new');
      continue;
    }
    if (record.fingerprint !== prints.get(stage.name) || record.type !== stage.type) {
      conflicts.push(`${stage.name}: ${dir} was made with other settings or inputs (or by another version of the ${record.type} stage)`);
      continue;
    }
    records.set(stage.name, record);
    states.set(stage.name, record.status === 'done' ? 'done' : 'resume');
  }
  if (conflicts.length > 0) {
    const names = conflicts.map((conflict) => conflict.slice(0, conflict.indexOf(':')));
    throw new StageConflictError(
      `${plan.runDir} does not match ${plan.file}:\n  ${conflicts.join('\n  ')}\nRedo ${names.length === 1 ? 'that stage' : 'those stages'} (the stages after that use ${names.length === 1 ? 'it' : 'them'} are redone too) or use another run directory`,
      names,
    );
  }

  emit({
    kind: 'plan',
    file: plan.file,
    runDir: plan.runDir,
    stages: plan.stages.map((stage) => ({
      name: stage.name,
      type: stage.type,
      state: states.get(stage.name)!,
      inputs: Object.fromEntries(Object.entries(stage.inputs).map(([slot, wire]) => [slot, `${wire.stage}.${wire.output}`])),
      outputs: Object.keys(outputSlots(stage)),
    })),
  });

  const sandboxes = options.sandboxes ?? new PipelineSandboxes(plan.sandbox);
  const toRun = plan.stages.filter((stage) => states.get(stage.name) !== 'done');
  if (toRun.some(needsSandboxes)) {
    const backend = await sandboxes.backend();
    emit({ kind: 'backend', backend: backend.backend, ...(backend.reason ? { reason: backend.reason } : {}) });
  }
  if (options.dryRun) {
    return { runDir: plan.runDir, stages: [], durationMs: Date.now() - started };
  }

  for (const stage of plan.stages) if (redo.has(stage.name)) await rm(stageDir(plan.runDir, stage.name), { recursive: true, force: true });
  await writeFileAtomically(
    join(plan.runDir, 'pipeline.json'),
    `${JSON.stringify({ file: plan.file, ...(plan.description ? { description: plan.description } : {}), stages: plan.stages.map((stage) => ({ name: stage.name, type: stage.type, fingerprint: prints.get(stage.name), inputs: stage.inputs })) }, null, 2)}\n`,
  );

  const views: StageRecordView[] = [];
  const signal = options.signal ?? new AbortController().signal;
  for (const stage of plan.stages) {
    const dir = stageDir(plan.runDir, stage.name);
    const metricsPath = join(dir, METRICS_FILE);
    const existing = records.get(stage.name);
    if (existing?.status === 'done') {
      emit({ kind: 'stage-skip', stage: stage.name, type: stage.type, index: stage.index, count: plan.stages.length, summary: existing.summary, ...(existing.headline ? { headline: existing.headline } : {}) });
      views.push(recordView(plan.runDir, existing, metricsPath));
      continue;
    }
    if (signal.aborted) throw new PipelineInterruptedError(`stopped before stage "${stage.name}"; run again to go on`);

    const record: StageRecord = existing ?? {
      name: stage.name,
      type: stage.type,
      version: stage.definition.version,
      fingerprint: prints.get(stage.name)!,
      status: 'running',
      settings: stage.settings,
      inputs: Object.fromEntries(Object.entries(stage.inputs).map(([slot, wire]) => [slot, { stage: wire.stage, output: wire.output }])),
      attempts: [],
      summary: {},
      outputs: {},
    };
    record.status = 'running';
    const attempt: StageRecord['attempts'][number] = { started: new Date().toISOString() };
    record.attempts.push(attempt);
    const attemptStarted = Date.now();
    emit({ kind: 'stage-start', stage: stage.name, type: stage.type, index: stage.index, count: plan.stages.length, resuming: existing !== undefined });

    const inputs: Record<string, Artifact> = {};
    for (const [slot, wire] of Object.entries(stage.inputs)) {
      const producer = views.find((view) => view.name === wire.stage)!;
      inputs[slot] = producer.outputs[wire.output]!;
    }
    const context: StageContext<unknown> = {
      name: stage.name,
      settings: stage.settings,
      dir,
      runDir: plan.runDir,
      baseDir: plan.baseDir,
      pipeline: { file: plan.file, ...(plan.description ? { description: plan.description } : {}) },
      inputs,
      sandboxes,
      progress: new Progress(stage.name, emit),
      metrics: metricsWriter(metricsPath),
      signal,
      earlier: [...views],
    };
    if (needsSandboxes(stage)) record.backend = (await sandboxes.backend()).backend;
    try {
      await writeStageRecord(plan.runDir, record);
      const result = await stage.definition.run(context);
      for (const [output, slot] of Object.entries(outputSlots(stage))) {
        const artifact = result.outputs[output];
        if (!artifact || artifact.kind !== slot.kind) throw new Error(`the ${stage.type} stage did not return its output "${output}" (${slot.kind})`);
      }
      record.outputs = Object.fromEntries(Object.entries(result.outputs).map(([output, artifact]) => [output, storedArtifact(plan.runDir, artifact)]));
      record.summary = result.summary;
      if (result.headline !== undefined) record.headline = result.headline;
      else delete record.headline;
      record.status = 'done';
      attempt.finished = new Date().toISOString();
      attempt.durationMs = Date.now() - attemptStarted;
      await writeStageRecord(plan.runDir, record);
    } catch (error) {
      attempt.finished = new Date().toISOString();
      attempt.durationMs = Date.now() - attemptStarted;
      attempt.error = messageOf(error);
      record.status = 'failed';
      // On a full disk this may fail too; the record on disk then says `running`, which resumes the same way.
      await writeStageRecord(plan.runDir, record).catch(() => undefined);
      const full = await isDiskFull(error, plan.runDir);
      const message = full
        ? `no space left on the device holding ${plan.runDir} (${messageOf(error).split('\n')[0]}); free some space and run the same pipeline again: what the stage finished is kept and it resumes`
        : messageOf(error);
      emit({ kind: 'stage-failed', stage: stage.name, type: stage.type, message });
      if (full) throw new DiskFullError(`stage "${stage.name}": ${message}`, { cause: error });
      if (error instanceof PipelineInterruptedError) throw error;
      throw new StageFailedError(stage.name, message, { cause: error });
    }
    emit({ kind: 'stage-done', stage: stage.name, type: stage.type, durationMs: attempt.durationMs, summary: record.summary, ...(record.headline ? { headline: record.headline } : {}) });
    views.push(recordView(plan.runDir, record, metricsPath));
  }

  const reportView = [...views].reverse().find((view) => Object.values(view.outputs).some((artifact) => artifact.kind === 'report'));
  const report = reportView ? Object.values(reportView.outputs).find((artifact) => artifact.kind === 'report')?.files.html : undefined;
  const durationMs = Date.now() - started;
  emit({ kind: 'end', runDir: plan.runDir, durationMs, ...(report ? { report } : {}) });
  return { runDir: plan.runDir, stages: views, durationMs, ...(report ? { report } : {}) };
}

export { liveArtifact };
