/**
 * What a pipeline run reports as it goes. The runner and the stages never write to a terminal;
 * whoever runs the pipeline (the CLI, a test, a server) renders these.
 */

export type StagePlanState = 'done' | 'resume' | 'new' | 'redo';

export type PipelineEvent =
  | {
      kind: 'plan';
      file: string;
      runDir: string;
      stages: Array<{ name: string; type: string; state: StagePlanState; inputs: Record<string, string>; outputs: string[] }>;
    }
  /** The sandbox backend of the run; `reason` says why it is not Docker. */
  | { kind: 'backend'; backend: 'docker' | 'local'; reason?: string }
  | { kind: 'stage-start'; stage: string; type: string; index: number; count: number; resuming: boolean }
  /** A stage finished by an earlier run with the same settings and inputs. */
  | { kind: 'stage-skip'; stage: string; type: string; index: number; count: number; summary: Record<string, unknown>; headline?: string }
  | { kind: 'progress'; stage: string; done: number; total?: number; unit?: string; phase?: string; label?: string }
  | { kind: 'log'; stage?: string; message: string }
  | { kind: 'warning'; stage?: string; message: string }
  | { kind: 'stage-done'; stage: string; type: string; durationMs: number; summary: Record<string, unknown>; headline?: string }
  | { kind: 'stage-failed'; stage: string; type: string; message: string }
  | { kind: 'end'; runDir: string; durationMs: number; report?: string };

export type PipelineEventSink = (event: PipelineEvent) => void;
