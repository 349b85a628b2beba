/**
 * The training configuration: one object for the model shape, the tokenizer, the data limits and
 * each stage's hyper-parameters, with the defaults written here once. It comes from a YAML or JSON
 * file (every field optional) and the library takes it as a value, so the pipeline passes it a
 * config and an output folder. Mistakes are named by file and field.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { fileReadError } from '../io/read-error.js';
import { DEFAULT_ADVANTAGE_EPSILON, DEFAULT_GROUP_SIZE } from '../reward/group-stats.js';
import { SRL_REWARD_MODES } from '../reward/srl.js';
import { formatIssues } from '../trajectories/schema.js';
import { BACKEND_SETTINGS, type BackendSetting } from './backends/backend-names.js';
import { MODEL_PRESETS, MODEL_PRESET_NAMES, checkFitsContext, validateModelConfig, type ModelConfig, type ModelPreset } from './model/config.js';

/** Tokenizer size per preset: the tiny model's vocabulary is small so its output head stays cheap. */
export const PRESET_VOCAB_SIZE: Record<ModelPreset, number> = { tiny: 512, small: 4096 };

const positiveInt = z.int().positive();
const fraction = z.number().min(0).max(1);

const modelSchema = z.strictObject({
  /** `tiny` for tests and CI, `small` for real runs. */
  preset: z.enum(MODEL_PRESET_NAMES as [ModelPreset, ...ModelPreset[]]).default('small'),
  hiddenSize: positiveInt.optional(),
  layers: positiveInt.optional(),
  heads: positiveInt.optional(),
  intermediateSize: positiveInt.optional(),
  contextLength: positiveInt.optional(),
  ropeTheta: z.number().positive().optional(),
  tieEmbeddings: z.boolean().optional(),
});

const tokenizerSchema = z.strictObject({
  /** Default: 512 for `tiny`, 4096 for `small`. */
  vocabSize: positiveInt.optional(),
  /** At most this many characters of training text are used to learn the merges. */
  trainingChars: positiveInt.default(4_000_000),
});

const dataSchema = z.strictObject({
  /** Default: the context minus maxResponseTokens. */
  maxPromptTokens: positiveInt.optional(),
  /** Default: a quarter of the context. */
  maxResponseTokens: positiveInt.optional(),
  /** Observations longer than this many characters keep their head and tail (as `traj steps`). */
  observationBudget: positiveInt.default(8000),
  /** Share of the examples held out for validation when no validation file is given. */
  validationFraction: fraction.default(0.05),
  /** At most this many validation examples are scored at each evaluation. */
  validationMax: positiveInt.default(64),
});

const sftSchema = z.strictObject({
  steps: positiveInt.default(1000),
  batchSize: positiveInt.default(8),
  learningRate: z.number().positive().default(3e-4),
  warmupSteps: z.int().nonnegative().default(50),
  minLearningRateRatio: fraction.default(0.1),
  weightDecay: z.number().nonnegative().default(0.01),
  gradClip: z.number().nonnegative().default(1.0),
  checkpointEvery: positiveInt.default(100),
  evalEvery: positiveInt.default(100),
  keepCheckpoints: positiveInt.default(2),
});

const srlSchema = z.strictObject({
  steps: positiveInt.default(200),
  /** Kept groups (prompts) per update. */
  batchSize: positiveInt.default(4),
  /** Responses sampled per prompt (G). */
  groupSize: positiveInt.default(DEFAULT_GROUP_SIZE),
  temperature: z.number().nonnegative().default(1.0),
  topP: z.number().gt(0).max(1).default(1.0),
  maxNewTokens: positiveInt.default(256),
  /** Dynamic sampling keeps a group when the population std of its rewards exceeds this. */
  epsilon: z.number().nonnegative().default(DEFAULT_ADVANTAGE_EPSILON),
  /** Stop when this many groups in a row were all dropped. */
  maxDroppedGroups: positiveInt.default(64),
  /** Then: `error` stops with an error; `stop` ends the run with the model so far and says why. */
  onStall: z.enum(['error', 'stop']).default('error'),
  advantageNormalization: z.enum(['population-std', 'sample-std', 'none']).default('population-std'),
  rewardMode: z.enum(SRL_REWARD_MODES).default('canonical'),
  /** PPO clip range: ratios are clipped to [1 − clipLow, 1 + clipHigh]. */
  clipLow: z.number().nonnegative().default(0.2),
  clipHigh: z.number().nonnegative().default(0.2),
  /** KL penalty against the reference (initial) model; 0 (the paper's setting) loads no reference. */
  klCoef: z.number().nonnegative().default(0),
  lossAggregation: z.enum(['token-mean', 'sequence-mean']).default('token-mean'),
  /** Gradient passes over each sampled batch (1: on-policy). */
  updateEpochs: positiveInt.default(1),
  /** Sequences per forward/backward pass; gradients of a batch are accumulated. */
  microBatchSize: positiveInt.default(8),
  learningRate: z.number().positive().default(1e-5),
  warmupSteps: z.int().nonnegative().default(0),
  minLearningRateRatio: fraction.default(1),
  weightDecay: z.number().nonnegative().default(0),
  gradClip: z.number().nonnegative().default(1.0),
  checkpointEvery: positiveInt.default(10),
  evalEvery: positiveInt.default(10),
  /** Temperature of the validation samples (0: greedy). */
  evalTemperature: z.number().nonnegative().default(0),
  keepCheckpoints: positiveInt.default(2),
});

const rlvrSchema = z.strictObject({
  steps: positiveInt.default(50),
  /** Kept groups (tasks) per update. */
  batchSize: positiveInt.default(2),
  /** Episodes per task (G), each in its own sandbox, run in parallel. */
  groupSize: positiveInt.default(DEFAULT_GROUP_SIZE),
  /** Episodes running at once (sandboxes alive at once); default the group size. */
  maxParallel: positiveInt.optional(),
  /** The agent's prompt templates (a built-in name or a YAML file): the ones the SFT/SRL step rows were rendered with. */
  template: z.string().min(1).default('xml-function-calling'),
  /** Actions per episode (the agent's maxSteps). */
  maxTurns: positiveInt.default(8),
  /** Malformed outputs in a row that end an episode. */
  maxFormatErrors: positiveInt.default(3),
  /** Time limit of one action in the sandbox. */
  actionTimeoutMs: positiveInt.default(30_000),
  /** The agent's history window (rounds shown), as SRL step prompts show 2; `all` shows every round. */
  history: z.union([z.literal('all'), z.int().nonnegative()]).default(2),
  temperature: z.number().nonnegative().default(1.0),
  topP: z.number().gt(0).max(1).default(1.0),
  /** Tokens per turn. */
  maxNewTokens: positiveInt.default(256),
  /** The reward: 1 resolved, else 0; with partial credit the share of FAIL_TO_PASS tests passing (no PASS_TO_PASS broken). */
  partialCredit: z.boolean().default(false),
  epsilon: z.number().nonnegative().default(DEFAULT_ADVANTAGE_EPSILON),
  /** Groups in a row all dropped by dynamic sampling before the run stops. */
  maxDroppedGroups: positiveInt.default(16),
  /** When dynamic sampling drops every group for too long: `error` stops with an error; `stop` ends the stage with the model so far and says why. */
  onStall: z.enum(['error', 'stop']).default('error'),
  advantageNormalization: z.enum(['population-std', 'sample-std', 'none']).default('population-std'),
  clipLow: z.number().nonnegative().default(0.2),
  clipHigh: z.number().nonnegative().default(0.2),
  klCoef: z.number().nonnegative().default(0),
  lossAggregation: z.enum(['token-mean', 'sequence-mean']).default('token-mean'),
  microBatchSize: positiveInt.default(4),
  learningRate: z.number().positive().default(1e-5),
  warmupSteps: z.int().nonnegative().default(0),
  minLearningRateRatio: fraction.default(1),
  weightDecay: z.number().nonnegative().default(0),
  gradClip: z.number().nonnegative().default(1.0),
  checkpointEvery: positiveInt.default(5),
  /** Validation (held-out tasks' reward and resolve rate) every this many steps, and at the end. */
  evalEvery: positiveInt.default(10),
  /** Temperature of the validation episodes (0: greedy). */
  evalTemperature: z.number().nonnegative().default(0),
  keepCheckpoints: positiveInt.default(2),
});

export const trainConfigSchema = z.strictObject({
  seed: z.int().nonnegative().default(0),
  /** Backend to force; absent: SWE_SRL_TRAIN_BACKEND, else the best one present. */
  backend: z.enum(BACKEND_SETTINGS as [BackendSetting, ...BackendSetting[]]).optional(),
  model: modelSchema.prefault({}),
  tokenizer: tokenizerSchema.prefault({}),
  data: dataSchema.prefault({}),
  sft: sftSchema.prefault({}),
  srl: srlSchema.prefault({}),
  rlvr: rlvrSchema.prefault({}),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;
export type SftConfig = TrainConfig['sft'];
export type SrlConfig = TrainConfig['srl'];
export type RlvrConfig = TrainConfig['rlvr'];

export function parseTrainConfig(value: unknown, source: string): TrainConfig {
  const parsed = trainConfigSchema.safeParse(value ?? {});
  if (!parsed.success) throw new InputError(`${source}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** A config file in YAML or JSON (JSON is YAML); absent fields take their defaults. */
export async function loadTrainConfig(path: string): Promise<TrainConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileReadError(path, error, 'a training config');
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new InputError(`${path}: not valid YAML or JSON (${(error as Error).message.split('\n')[0]})`);
  }
  return parseTrainConfig(value, path);
}

/** Fields set later (command-line flags) win over the file's. */
export function mergeTrainConfig(base: TrainConfig, overrides: TrainConfigInput, source: string): TrainConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    merged[key] = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(base as unknown as Record<string, Record<string, unknown>>)[key], ...value } : value;
  }
  return parseTrainConfig(merged, source);
}

/** The model a run trains from scratch: the preset with the config's overrides, and the tokenizer's size. */
export function modelConfigOf(config: TrainConfig, vocabSize: number, source: string): ModelConfig {
  const { preset, ...overrides } = config.model;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const model: ModelConfig = { ...MODEL_PRESETS[preset], ...defined, vocabSize };
  validateModelConfig(model, `${source}: model`);
  return model;
}

export function vocabSizeOf(config: TrainConfig): number {
  return config.tokenizer.vocabSize ?? PRESET_VOCAB_SIZE[config.model.preset];
}

export interface TokenBudget {
  maxPromptTokens: number;
  maxResponseTokens: number;
}

/** How many tokens a prompt and a response may take in this model; a budget that does not fit the context is an error naming the fields. */
export function tokenBudgetOf(config: TrainConfig, model: Pick<ModelConfig, 'contextLength'>, source: string, responseTokens?: number): TokenBudget {
  const maxResponseTokens = responseTokens ?? config.data.maxResponseTokens ?? Math.max(1, Math.floor(model.contextLength / 4));
  const maxPromptTokens = config.data.maxPromptTokens ?? model.contextLength - maxResponseTokens;
  checkFitsContext(model, { promptTokens: maxPromptTokens, responseTokens: maxResponseTokens }, `${source}: data`);
  return { maxPromptTokens, maxResponseTokens };
}
