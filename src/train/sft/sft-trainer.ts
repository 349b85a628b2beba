/**
 * Supervised fine-tuning: next-token cross-entropy on the answer tokens only (the prompt is
 * masked), averaged over the batch's answer tokens, with AdamW, a cosine schedule after a linear
 * warm-up, and gradient clipping. It learns from SRL step examples (monologue + action) or from
 * whole trajectories (every assistant turn). Validation loss is measured every `evalEvery` steps
 * and the best model kept as `best/`; metrics go to `metrics.jsonl` as the run goes; interrupted
 * (the signal) it checkpoints and returns, and run again on the same folder it resumes.
 */
import { InputError } from '../../errors.js';
import { tf } from '../backends/tf.js';
import { tokenBudgetOf, type TrainConfig } from '../config.js';
import { readStepRows, readTrajectoryConversations, readTrajectorySteps, type ConversationExample, type StepExample } from '../data/examples.js';
import { epochShuffles } from '../data/epoch-order.js';
import { batchIndices, conversationSequence, emptyStats, holdOut, stepSequence, type TrainingSequence } from '../data/sequences.js';
import { NoTrainingDataError } from '../errors.js';
import { nextTokenLogprobs, padBatch } from '../model/logprobs.js';
import { learningRateAt, scheduleOf } from '../optim/schedule.js';
import { omitBookkeeping, resumeSettings, TrainingSession, type TrainRunOptions } from '../run/training-session.js';

/** Where SFT examples come from. */
export type SftSource =
  | { kind: 'steps'; path: string }
  | { kind: 'trajectory-steps'; path: string }
  | { kind: 'trajectories'; path: string };

export interface SftOptions extends TrainRunOptions {
  data: SftSource;
  /** Held-out examples; absent: `data.validationFraction` of the training data. */
  validation?: SftSource;
}

export interface SftResult {
  steps: number;
  interrupted: boolean;
  /** `model/` (absent when interrupted), `best/` when validation ran. */
  modelDir?: string;
  bestDir?: string;
  lastLoss?: number;
  bestValidationLoss?: number;
  backend: string;
}

type Examples = { steps: StepExample[] } | { conversations: ConversationExample[] };

async function readSource(source: SftSource, config: TrainConfig): Promise<Examples> {
  const options = { history: 2, observationBudget: config.data.observationBudget };
  switch (source.kind) {
    case 'steps':
      return { steps: await readStepRows(source.path) };
    case 'trajectory-steps':
      return { steps: await readTrajectorySteps(source.path, options) };
    case 'trajectories':
      return { conversations: await readTrajectoryConversations(source.path, options) };
  }
}

function textsOf(examples: Examples, limit: number): () => Iterable<string> {
  return function* () {
    let used = 0;
    const items = 'steps' in examples ? examples.steps.map((e) => [...e.messages.map((m) => m.content), e.response]) : examples.conversations.map((e) => e.messages.map((m) => m.content));
    for (const texts of items) {
      for (const text of texts) {
        if (used >= limit) return;
        const piece = text.slice(0, limit - used);
        used += piece.length;
        yield piece;
      }
    }
  };
}

export async function trainSft(options: SftOptions): Promise<SftResult> {
  const { config } = options;
  const sft = config.sft;
  const source = options.configSource ?? 'config';
  const examples = await readSource(options.data, config);
  const validationExamples = options.validation ? await readSource(options.validation, config) : undefined;
  const session = await TrainingSession.open('sft', options, {
    settings: resumeSettings(config, { sft: omitBookkeeping(sft), init: options.init ?? null, source: options.data.kind }),
    tokenizerTexts: textsOf(examples, config.tokenizer.trainingChars),
    weightDecay: sft.weightDecay,
    keepCheckpoints: sft.keepCheckpoints,
  });
  try {
    const { template, model } = session;
    const budget = tokenBudgetOf(config, model.config, source);
    const stats = emptyStats();
    const toSequences = (from: Examples): TrainingSequence[] =>
      'steps' in from ? from.steps.map((e) => stepSequence(template, e, budget, stats)) : from.conversations.map((e) => conversationSequence(template, e, model.config.contextLength, stats));
    let train = toSequences(examples);
    let validation = validationExamples ? toSequences(validationExamples).slice(0, config.data.validationMax) : [];
    if (!validationExamples) ({ train, validation } = holdOut(train, config.data.validationFraction, config.data.validationMax, config.seed));
    train = train.filter((sequence) => sequence.learn.some(Boolean));
    if (train.length === 0) throw new NoTrainingDataError(`${options.data.path}: no example has an answer token to learn`);
    session.emit({ type: 'data', train: train.length, validation: validation.length, ...stats });

    const target = session.targetSteps(sft.steps);
    const schedule = scheduleOf(sft);
    const shuffle = epochShuffles(train.length, config.seed, 1);
    const padId = template.endOfText;
    let lastLoss: number | undefined;
    while (session.state.step < target && !session.budgetSpent(session.state.counters.learned_tokens ?? 0)) {
      if (options.signal?.aborted) {
        await session.interrupt();
        return { steps: session.state.step, interrupted: true, lastLoss, backend: session.selection.backend, ...bestOf(session) };
      }
      const step = session.state.step + 1;
      const started = performance.now();
      const batch = batchIndices(train.length, sft.batchSize, step, shuffle).map((i) => train[i]!);
      const learned = batch.reduce((sum, s) => sum + s.learn.filter(Boolean).length - (s.learn[0] ? 1 : 0), 0);
      if (learned === 0) throw new InputError(`sft step ${step}: the batch has no answer token to learn`);
      const padded = padBatch(batch, padId);
      const parts = [
        () =>
          tf.tidy(() => {
            const logp = nextTokenLogprobs(model, tf.tensor2d(padded.ids, [padded.batch, padded.length], 'int32'));
            return tf.div(tf.neg(tf.sum(tf.mul(logp, tf.tensor2d(padded.mask, [padded.batch, padded.length - 1])))), learned) as tf.Scalar;
          }),
      ];
      const learningRate = learningRateAt(schedule, step);
      const tokens = batch.reduce((sum, s) => sum + s.ids.length, 0);
      const { loss, gradNorm } = session.update(parts, learningRate, sft.gradClip, `${batch.length} sequences of up to ${padded.length} tokens`);
      session.state.step = step;
      session.state.counters.tokens = (session.state.counters.tokens ?? 0) + tokens;
      session.state.counters.learned_tokens = (session.state.counters.learned_tokens ?? 0) + learned;
      const seconds = (performance.now() - started) / 1000;
      lastLoss = loss;
      session.record({ loss, lr: learningRate, grad_norm: gradNorm, tokens, learned_tokens: learned, tokens_per_s: tokens / seconds, step_s: seconds, tokens_total: session.state.counters.tokens, learned_tokens_total: session.state.counters.learned_tokens });

      if (validation.length > 0 && (step % sft.evalEvery === 0 || step === target || session.budgetSpent(session.state.counters.learned_tokens))) {
        const validationLoss = meanLoss(session, validation, sft.batchSize, padId);
        const best = await session.offerBest('val_loss', validationLoss, false);
        session.record({ val_loss: validationLoss }, 'validation', best);
      }
      if (step % sft.checkpointEvery === 0) await session.checkpoint();
    }
    const modelDir = await session.finish();
    return { steps: session.state.step, interrupted: false, modelDir, lastLoss, backend: session.selection.backend, ...bestOf(session) };
  } finally {
    session.dispose();
  }
}

function bestOf(session: TrainingSession): Pick<SftResult, 'bestDir' | 'bestValidationLoss'> {
  const best = session.state.best;
  return best ? { bestDir: `${session.options.outDir}/best`, bestValidationLoss: best.value } : {};
}

/** Mean answer-token loss over sequences (no gradient). */
export function meanLoss(session: TrainingSession, sequences: readonly TrainingSequence[], batchSize: number, padId: number): number {
  let total = 0;
  let count = 0;
  for (let start = 0; start < sequences.length; start += batchSize) {
    const padded = padBatch(sequences.slice(start, start + batchSize), padId);
    total += tf.tidy(() => {
      const logp = nextTokenLogprobs(session.model, tf.tensor2d(padded.ids, [padded.batch, padded.length], 'int32'));
      return tf.neg(tf.sum(tf.mul(logp, tf.tensor2d(padded.mask, [padded.batch, padded.length - 1])))).dataSync()[0]!;
    });
    count += padded.mask.reduce((a, b) => a + b, 0);
  }
  return count === 0 ? Number.NaN : total / count;
}
