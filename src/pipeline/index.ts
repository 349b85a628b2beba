/**
 * The pipeline: `swe-srl run PIPELINE.yaml` chains stages (tasks, images, teacher, steps,
 * reward-check, evaluate, report, and the trainer's later), each with named inputs and outputs,
 * checked before any work, resumable stage by stage.
 */
import { registerBuiltinStages } from './stages/index.js';

registerBuiltinStages();

export { loadPipelineFile, parsePipeline, outputSlots, sandboxSettingsSchema, type PipelinePlan, type PlannedStage, type InputWire, type SandboxSettings } from './pipeline-file.js';
export { runPipeline, StageConflictError, StageFailedError, PipelineInterruptedError, type RunPipelineOptions, type RunPipelineResult } from './run-pipeline.js';
export { registerStage, stageDefinition, stageTypes } from './registry.js';
export { PipelineSandboxes, LocalInstanceProvider, type PipelineSandboxOptions, type ProviderOptions } from './sandboxes.js';
export { DiskFullError } from './disk-space.js';
export type { PipelineEvent, PipelineEventSink, StagePlanState } from './events.js';
export { ARTIFACT_KINDS, type Artifact, type ArtifactKind, type InputSlot, type OutputSlot, type StageContext, type StageDefinition, type StageProgress, type StageResult, type StageRecordView, type MetricsRecord, type MetricsWriter } from './stage.js';
export { readStageRecord, stageDir, STAGE_RECORD_FILE, METRICS_FILE, type StageRecord } from './run-state.js';
export type * from './summaries.js';
