/**
 * What a training run reports as it goes, for a command line, a pipeline or a test to show or
 * record: the library never prints. Metrics lines are also written to `metrics.jsonl`.
 */
import type { BackendSelection } from './backends/ladder.js';

export type TrainStage = 'sft' | 'srl' | 'rlvr';

export type MetricValue = number | string | null;
export type MetricsRecord = { stage: TrainStage; step: number } & Record<string, MetricValue>;

export type TrainEvent =
  | { type: 'backend'; selection: BackendSelection }
  | { type: 'model'; source: 'new' | 'init' | 'resume'; parameters: number; from?: string; step?: number }
  | { type: 'tokenizer'; trained: boolean; size: number }
  | { type: 'data'; train: number; validation: number; droppedRounds: number; shortenedPrompts: number; truncatedResponses: number }
  | { type: 'step'; metrics: MetricsRecord }
  | { type: 'validation'; metrics: MetricsRecord; best: boolean }
  | { type: 'checkpoint'; step: number; dir: string }
  | { type: 'interrupted'; step: number; checkpoint: string | undefined }
  | { type: 'done'; step: number; modelDir: string }
  | { type: 'episodes'; step: number; task: string; rewards: number[]; kept: boolean; exitStatuses: string[] }
  | { type: 'stalled'; step: number; message: string };

export type TrainEventListener = (event: TrainEvent) => void;
