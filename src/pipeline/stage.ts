/**
 * What a pipeline stage is. A stage type (`tasks`, `teacher`, `steps`, … and later the trainer's
 * `sft`, `srl`, `rlvr`) is one `StageDefinition`, registered once (src/pipeline/registry.ts). A
 * pipeline file uses it in a stage entry; the runner validates the entry's settings with the
 * definition's schema, wires its inputs to earlier stages' outputs, and calls `run` with a context.
 *
 * The contract a stage keeps:
 * - **Outputs** go under `context.dir` (its own folder in the run directory), written as the work
 *   goes, each file whole (src/io/atomic-write.ts), and are returned as artefacts: a kind and the
 *   files that make it up.
 * - **Resume.** `run` may be called again on the same folder after an interruption (a crash, a
 *   Ctrl-C, a full disk). It must then keep what is already finished there and do only the rest.
 *   The runner guarantees that the folder holds only what the same settings and inputs made, and
 *   never calls `run` again once the stage has finished (unless the user asks for a redo).
 * - **Progress** goes through `context.progress` (never to a terminal), and `context.signal` asks
 *   it to stop soon.
 * - **Figures for the report**: `run` returns a JSON `summary` (kept in the stage record); a stage
 *   that trains appends one line per step to `context.metrics` (see `MetricsRecord`).
 */
import type { z } from 'zod';
import type { PipelineSandboxes } from './sandboxes.js';

/**
 * The kinds of artefact stages hand each other. A stage's input names the kind it needs; any earlier
 * output of that kind can feed it. The trainer's stages add `checkpoint` outputs.
 */
export const ARTIFACT_KINDS = {
  tasks: 'SWE-bench instances with their repositories, environment specs and teacher sidecar (instances, repos, environments, teacher?, validation?)',
  images: 'the instance images built for a set of tasks (images)',
  trajectories: 'expert trajectories: the JSONL store, SWE-smith chat form and SWE-agent .traj files (store, chatXml?, trajDir?)',
  predictions: 'SWE-bench predictions (predictions)',
  steps: 'SRL step instances (steps)',
  problems: 'math problems with expert solutions and answers, JSONL {id, problem, solution, answer, dataset} (problems)',
  rewards: 'SRL rewards of responses to step instances (rewards)',
  evaluation: 'an evaluation run: the SWE-bench summary and per-instance reports (summary, logs)',
  report: 'the HTML report (html)',
  checkpoint: 'a trained policy: model folder with config, weights and tokenizer (model)',
} as const;
export type ArtifactKind = keyof typeof ARTIFACT_KINDS;

/** One output of a stage: its kind and the files making it up, by role (paths are absolute). */
export interface Artifact {
  kind: ArtifactKind;
  files: Record<string, string>;
}

export interface InputSlot {
  kind: ArtifactKind;
  description: string;
  /** An optional input that no stage feeds is absent from `context.inputs`. */
  optional?: boolean;
}

export interface OutputSlot {
  kind: ArtifactKind;
  description: string;
}

/** Progress of one stage, rendered by whoever runs the pipeline (the CLI, a test, a server). */
export interface StageProgress {
  /** The amount of work this stage (or its current phase) has, e.g. (12, 'tasks'). */
  total(count: number, unit: string, phase?: string): void;
  /** `count` more units are done (finished now or found finished from an earlier run). */
  advance(count?: number, label?: string): void;
  /** A line of detail (an image built, a task dropped and why). */
  log(message: string): void;
  warn(message: string): void;
}

/**
 * One line of a training stage's metrics file (`metrics.jsonl` in its folder), as the trainer
 * (src/train) writes it: `step` and any numeric figures. The report plots every numeric field
 * against `step`, and names these: `loss`, `val_loss`, `reward_mean`, `reward_std`, `kept_fraction`
 * (GRPO groups kept by dynamic sampling), `tokens_per_s` / `train_tokens_per_s` /
 * `sample_tokens_per_s`, `val_reward` and `heldout_resolve_rate`.
 */
export interface MetricsRecord {
  step: number;
  /** Which trainer stage wrote it (`sft`, `srl`, `rlvr`). */
  stage?: string;
  [figure: string]: number | string | boolean | null | undefined;
}

export interface MetricsWriter {
  /** Appends a line (flushed before it returns, so an interrupted run keeps it). */
  write(record: MetricsRecord): Promise<void>;
  /** The lines already written (by this run or an interrupted one), to resume from. */
  read(): Promise<MetricsRecord[]>;
  readonly path: string;
}

export interface StageContext<Settings> {
  /** The stage's name in the pipeline (unique), e.g. `tasks` or `teacher-openai`. */
  name: string;
  settings: Settings;
  /** The stage's own folder; outputs go here. */
  dir: string;
  runDir: string;
  /** The pipeline file, and its description. */
  pipeline: { file: string; description?: string };
  /** The pipeline file's folder: relative paths in settings are relative to it. */
  baseDir: string;
  /** The artefacts wired to this stage's inputs, by slot. Optional slots not fed are absent. */
  inputs: Record<string, Artifact>;
  /** Sandboxes on the backend the run uses (resolved on first use). */
  sandboxes: PipelineSandboxes;
  progress: StageProgress;
  metrics: MetricsWriter;
  signal: AbortSignal;
  /** The records of the stages that ran before this one, for stages that look at the whole run (report). */
  earlier: readonly StageRecordView[];
}

export interface StageResult {
  outputs: Record<string, Artifact>;
  /** Figures for the report (JSON). */
  summary: Record<string, unknown>;
  /** The result in one line, for progress output (`12 tasks made from 14 candidates`). */
  headline?: string;
}

/** What the report and later stages see of a stage that has run. */
export interface StageRecordView {
  name: string;
  type: string;
  status: 'done' | 'failed' | 'running';
  summary: Record<string, unknown>;
  headline?: string;
  outputs: Record<string, Artifact>;
  /** Wall time of every attempt, summed. */
  durationMs: number;
  dir: string;
  /** Where its inputs came from, by slot. */
  inputs: Record<string, { stage: string; output: string }>;
  backend?: 'docker' | 'local';
  metricsPath?: string;
}

export interface StageDefinition<Schema extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  /**
   * The stage entry's own settings (everything but `stage`, `name` and `inputs`), a strict zod
   * object so a misspelt field is refused. Defaults belong here.
   */
  settings: Schema;
  inputs: Record<string, InputSlot>;
  /** What the stage makes; a function when that depends on the settings (the files stage). */
  outputs: Record<string, OutputSlot> | ((settings: z.output<Schema>) => Record<string, OutputSlot>);
  /**
   * Bump when the stage's outputs change for the same settings: the stage's fingerprint changes,
   * so a folder made by another version is not resumed or reused (the run asks for a redo).
   */
  version: number;
  /**
   * A check of the settings against the inputs the file wires (slot names), when one depends on
   * the other; returns what is wrong, reported at the stage's line before any work.
   */
  checkWiring?(settings: z.output<Schema>, wiredSlots: readonly string[]): string | undefined;
  /** The stage looks at every earlier stage (`context.earlier`), so it depends on all of them (the report). */
  readsWholeRun?: boolean;
  /** Whether `run` needs sandboxes (the run resolves the backend, and checks it, before any work). */
  usesSandboxes?: boolean | ((settings: z.output<Schema>) => boolean);
  run(context: StageContext<z.output<Schema>>): Promise<StageResult>;
}
