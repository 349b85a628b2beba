/**
 * What every training stage shares: choosing the backend, getting the model (resumed from the
 * run's last checkpoint, else the given starting model, else a new one with a tokenizer learned
 * from the data), the optimizer, checkpoints, the metrics log, the best model on validation, and
 * the gradient step itself with its guards (NaN/inf stops and keeps the last good checkpoint;
 * a failed allocation is reported as out of memory with the step and batch).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { describeSelection, resolveBackendSetting, selectBackend, type BackendSelection } from '../backends/ladder.js';
import { tf, type Tensor } from '../backends/tf.js';
import { loadModelDir } from '../checkpoint/model-dir.js';
import {
  loadLatestCheckpoint,
  saveCheckpoint,
  saveNamedModel,
  settingsDifference,
  type TrainerState,
} from '../checkpoint/run-checkpoints.js';
import { modelConfigOf, vocabSizeOf, type TrainConfig } from '../config.js';
import { isOutOfMemory, TrainingDivergedError, TrainingOutOfMemoryError } from '../errors.js';
import type { MetricsRecord, TrainEventListener, TrainStage } from '../events.js';
import { MetricsLog } from '../metrics.js';
import { parameterCount } from '../model/config.js';
import { Transformer } from '../model/transformer.js';
import { AdamW, DEFAULT_ADAMW } from '../optim/adamw.js';
import { clipByGlobalNorm } from '../optim/clip.js';
import { ChatTemplate } from '../tokenizer/chat-template.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';

export interface TrainRunOptions {
  /** The run's folder: checkpoints/, metrics.jsonl, best/, model/. Running again with it resumes. */
  outDir: string;
  config: TrainConfig;
  /** A model folder to start from (a previous stage's `model/` or `best/`); absent: a new model. */
  init?: string;
  /** Stop after this many steps in total even if the config asks for more (a smoke run). */
  maxSteps?: number;
  /**
   * Stop once the stage has counted this many tokens in total (SFT: answer tokens learned; SRL
   * and RLVR: tokens sampled), so arms of an experiment get the same budget whatever their step size.
   */
  tokenBudget?: number;
  signal?: AbortSignal;
  onEvent?: TrainEventListener;
  /** Names the config in messages (a file path); default "config". */
  configSource?: string;
}

export interface SessionSetup {
  /** The settings a resumed run must share with the one that wrote the checkpoint. */
  settings: Record<string, unknown>;
  /** Texts to learn a tokenizer from, when the run starts from nothing. */
  tokenizerTexts: () => Iterable<string>;
  weightDecay: number;
  keepCheckpoints: number;
}

/**
 * The settings a resumed run must share with the checkpoint's: whatever changes what the steps
 * compute. How often to checkpoint or validate, and how many checkpoints to keep, may change.
 */
export function resumeSettings(config: TrainConfig, stage: Record<string, unknown>): Record<string, unknown> {
  const { validationMax: _validationMax, ...data } = config.data;
  return { seed: config.seed, model: config.model, tokenizer: config.tokenizer, data, ...stage };
}

export function omitBookkeeping<T extends { checkpointEvery: number; evalEvery: number; keepCheckpoints: number }>(stage: T): Omit<T, 'checkpointEvery' | 'evalEvery' | 'keepCheckpoints'> {
  const { checkpointEvery: _c, evalEvery: _e, keepCheckpoints: _k, ...rest } = stage;
  return rest;
}

export class TrainingSession {
  readonly template: ChatTemplate;
  readonly metrics: MetricsLog;
  lastCheckpoint: string | undefined;
  private lastCheckpointStep: number;

  private constructor(
    readonly stage: TrainStage,
    readonly options: TrainRunOptions,
    readonly selection: BackendSelection,
    readonly model: Transformer,
    readonly tokenizer: Tokenizer,
    readonly optimizer: AdamW,
    readonly state: TrainerState,
    metrics: MetricsLog,
    private readonly keepCheckpoints: number,
    resumedFrom: string | undefined,
  ) {
    this.template = new ChatTemplate(tokenizer);
    this.metrics = metrics;
    this.lastCheckpoint = resumedFrom;
    this.lastCheckpointStep = resumedFrom ? state.step : -1;
  }

  static async open(stage: TrainStage, options: TrainRunOptions, setup: SessionSetup): Promise<TrainingSession> {
    const emit = options.onEvent ?? (() => {});
    const source = options.configSource ?? 'config';
    const selection = await selectBackend(resolveBackendSetting(options.config.backend));
    emit({ type: 'backend', selection });
    await mkdir(options.outDir, { recursive: true });

    const resume = await loadLatestCheckpoint(options.outDir);
    let model: Transformer;
    let tokenizer: Tokenizer;
    let state: TrainerState;
    const optimizerOptions = { ...DEFAULT_ADAMW, weightDecay: setup.weightDecay };
    let optimizer: AdamW;
    if (resume) {
      const statePath = join(resume.dir, 'trainer-state.json');
      if (resume.state.stage !== stage) throw new InputError(`${statePath}: ${options.outDir} holds a ${resume.state.stage} run; a ${stage} run needs its own output folder`);
      const difference = settingsDifference(resume.state.settings, setup.settings);
      if (difference) throw new InputError(`${statePath}: the run was started with other settings (${difference}); resume with the same config or use a new output folder`);
      ({ model, tokenizer } = resume.loaded);
      state = resume.state;
      optimizer = new AdamW(model.params, optimizerOptions);
      optimizer.load(resume.optimizerState, state.optimizerSteps, join(resume.dir, 'optimizer.safetensors'));
      for (const tensor of resume.optimizerState.values()) tensor.dispose();
      emit({ type: 'model', source: 'resume', parameters: parameterCount(model.config), from: resume.dir, step: state.step });
    } else {
      if (options.init) {
        ({ model, tokenizer } = await loadModelDir(options.init));
        emit({ type: 'model', source: 'init', parameters: parameterCount(model.config), from: options.init });
      } else {
        tokenizer = Tokenizer.train(setup.tokenizerTexts(), vocabSizeOf(options.config));
        emit({ type: 'tokenizer', trained: true, size: tokenizer.size });
        model = Transformer.create(modelConfigOf(options.config, tokenizer.size, source), options.config.seed);
        emit({ type: 'model', source: 'new', parameters: parameterCount(model.config) });
      }
      state = { stage, step: 0, optimizerSteps: 0, settings: setup.settings, counters: {} };
      optimizer = new AdamW(model.params, optimizerOptions);
      await writeFile(join(options.outDir, 'train-config.json'), `${JSON.stringify({ stage, init: options.init ?? null, backend: selection.backend, config: options.config }, null, 2)}\n`);
    }
    const metrics = await MetricsLog.open(join(options.outDir, 'metrics.jsonl'), state.step);
    return new TrainingSession(stage, options, selection, model, tokenizer, optimizer, state, metrics, setup.keepCheckpoints, resume?.dir);
  }

  get backendSummary(): string[] {
    return describeSelection(this.selection);
  }

  emit: TrainEventListener = (event) => this.options.onEvent?.(event);

  record(metrics: Omit<MetricsRecord, 'stage' | 'step'>, kind: 'step' | 'validation' = 'step', best = false): MetricsRecord {
    const record = { stage: this.stage, step: this.state.step, ...metrics } as MetricsRecord;
    this.metrics.append(record);
    this.emit(kind === 'step' ? { type: 'step', metrics: record } : { type: 'validation', metrics: record, best });
    return record;
  }

  /**
   * One optimizer update from the summed gradients of `parts` (micro-batches whose losses already
   * carry their share of the batch's normalisation). Refuses a non-finite loss or gradient before
   * touching the weights.
   */
  update(parts: ReadonlyArray<() => tf.Scalar>, learningRate: number, gradClip: number, describeBatch: string): { loss: number; gradNorm: number } {
    const step = this.state.step + 1;
    let total = 0;
    let grads: Record<string, Tensor> = {};
    try {
      for (const part of parts) {
        const { value, grads: partGrads } = this.model.gradients(part);
        total += value;
        if (Object.keys(grads).length === 0) grads = partGrads;
        else {
          for (const [name, grad] of Object.entries(partGrads)) {
            const sum = tf.add(grads[name]!, grad);
            grads[name]!.dispose();
            grad.dispose();
            grads[name] = sum;
          }
        }
      }
      if (!Number.isFinite(total)) throw this.diverged(step, `the loss is ${total}`);
      const gradNorm = clipByGlobalNorm(grads, gradClip);
      if (!Number.isFinite(gradNorm)) throw this.diverged(step, `the gradient norm is ${gradNorm}`);
      this.optimizer.apply(grads, learningRate);
      this.state.optimizerSteps = this.optimizer.steps;
      return { loss: total, gradNorm };
    } catch (error) {
      if (isOutOfMemory(error)) {
        throw new TrainingOutOfMemoryError(`${this.stage} step ${step}: out of memory on ${describeBatch} (backend ${this.selection.backend}); use a smaller batch or micro-batch, or shorter prompts and responses`, { cause: error });
      }
      throw error;
    } finally {
      for (const grad of Object.values(grads)) grad.dispose();
    }
  }

  private diverged(step: number, what: string): TrainingDivergedError {
    const kept = this.lastCheckpoint ? `the last good checkpoint is ${this.lastCheckpoint}` : 'no checkpoint had been written yet';
    return new TrainingDivergedError(`${this.stage} step ${step}: ${what}; stopped without applying the update; ${kept}`, step, this.lastCheckpoint);
  }

  /** Writes a checkpoint of the current step unless one exists already. */
  async checkpoint(): Promise<string | undefined> {
    if (this.lastCheckpointStep === this.state.step) return this.lastCheckpoint;
    const saved = await saveCheckpoint(this.options.outDir, { model: this.model, tokenizer: this.tokenizer, optimizerState: this.optimizer.namedState(), state: this.state }, this.keepCheckpoints);
    this.lastCheckpoint = saved.dir;
    this.lastCheckpointStep = saved.step;
    this.emit({ type: 'checkpoint', step: saved.step, dir: saved.dir });
    return saved.dir;
  }

  /** Checkpoints the current step and reports that the run stopped there (the signal fired); the run resumes from it. */
  async interrupt(): Promise<void> {
    const checkpoint = await this.checkpoint();
    this.emit({ type: 'interrupted', step: this.state.step, checkpoint });
  }

  /** Keeps the current model as `best/` when `value` beats the best so far on `metric`. */
  async offerBest(metric: string, value: number, higherIsBetter: boolean): Promise<boolean> {
    const best = this.state.best;
    const better = !best || best.metric !== metric || (higherIsBetter ? value > best.value : value < best.value);
    if (!better || !Number.isFinite(value)) return false;
    this.state.best = { metric, value, step: this.state.step };
    await saveNamedModel(this.options.outDir, 'best', this.model, this.tokenizer);
    return true;
  }

  /** Writes the final model as `model/` and returns its folder. */
  async finish(): Promise<string> {
    await this.checkpoint();
    const dir = await saveNamedModel(this.options.outDir, 'model', this.model, this.tokenizer);
    this.emit({ type: 'done', step: this.state.step, modelDir: dir });
    return dir;
  }

  /** Whether the token budget (if any) is spent. */
  budgetSpent(tokens: number): boolean {
    return this.options.tokenBudget !== undefined && tokens >= this.options.tokenBudget;
  }

  /** The number of steps this run trains to. */
  targetSteps(configured: number): number {
    return this.options.maxSteps !== undefined ? Math.min(configured, this.options.maxSteps) : configured;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
