/**
 * The model's shape. On disk it is Hugging Face's `config.json` for a Llama-architecture model
 * (pre-norm RMSNorm, rotary positions, SwiGLU MLP, no biases), so other tools can load our
 * checkpoints; in code it is camelCase. Two presets: `tiny`, small enough that CI trains a few
 * steps on 2 cores in seconds, and `small`, the default for real runs, whose 2,048-token context
 * holds an SRL step prompt (issue + two action/observation rounds, a few thousand characters).
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';

export interface ModelConfig {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  contextLength: number;
  ropeTheta: number;
  rmsNormEps: number;
  tieEmbeddings: boolean;
  /** Standard deviation of the normal weight init. */
  initStd: number;
}

export type ModelShape = Omit<ModelConfig, 'vocabSize'>;

export const MODEL_PRESETS = {
  tiny: { hiddenSize: 64, layers: 2, heads: 4, intermediateSize: 176, contextLength: 512, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, initStd: 0.02 },
  small: { hiddenSize: 256, layers: 6, heads: 8, intermediateSize: 704, contextLength: 2048, ropeTheta: 10000, rmsNormEps: 1e-5, tieEmbeddings: true, initStd: 0.02 },
} as const satisfies Record<string, ModelShape>;
export type ModelPreset = keyof typeof MODEL_PRESETS;
export const MODEL_PRESET_NAMES = Object.keys(MODEL_PRESETS) as ModelPreset[];

/** Every inconsistency of a model config, named by field: `where: heads: 6 does not divide hiddenSize 64`. */
export function validateModelConfig(config: ModelConfig, where: string): void {
  const problems: string[] = [];
  const positiveInts: Array<keyof ModelConfig> = ['vocabSize', 'hiddenSize', 'layers', 'heads', 'intermediateSize', 'contextLength'];
  for (const field of positiveInts) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) problems.push(`${field}: expected a positive integer, got ${String(value)}`);
  }
  if (problems.length === 0) {
    if (config.hiddenSize % config.heads !== 0) problems.push(`heads: ${config.heads} does not divide hiddenSize ${config.hiddenSize}`);
    else if ((config.hiddenSize / config.heads) % 2 !== 0) problems.push(`heads: the head width hiddenSize/heads = ${config.hiddenSize / config.heads} must be even for rotary positions`);
  }
  if (!(config.ropeTheta > 0)) problems.push(`ropeTheta: expected a positive number, got ${config.ropeTheta}`);
  if (!(config.rmsNormEps > 0)) problems.push(`rmsNormEps: expected a positive number, got ${config.rmsNormEps}`);
  if (!(config.initStd > 0)) problems.push(`initStd: expected a positive number, got ${config.initStd}`);
  if (problems.length > 0) throw new InputError(`${where}: ${problems.join('; ')}`);
}

/** A prompt budget plus a response budget must fit the context; says which numbers do not. */
export function checkFitsContext(config: Pick<ModelConfig, 'contextLength'>, needs: { promptTokens: number; responseTokens: number }, where: string): void {
  const total = needs.promptTokens + needs.responseTokens;
  if (needs.responseTokens < 1 || needs.promptTokens < 1 || total > config.contextLength) {
    throw new InputError(
      `${where}: maxPromptTokens ${needs.promptTokens} + maxResponseTokens ${needs.responseTokens} = ${total} does not fit the model's contextLength ${config.contextLength}` +
        ' (both must be at least 1 and their sum at most the context)',
    );
  }
}

/** Hugging Face's config.json fields for LlamaForCausalLM. */
const hfConfigSchema = z.looseObject({
  model_type: z.literal('llama', { error: 'expected "llama" (the only architecture this trainer writes)' }),
  vocab_size: z.int().positive(),
  hidden_size: z.int().positive(),
  num_hidden_layers: z.int().positive(),
  num_attention_heads: z.int().positive(),
  num_key_value_heads: z.int().positive().optional(),
  intermediate_size: z.int().positive(),
  max_position_embeddings: z.int().positive(),
  rope_theta: z.number().positive().default(10000),
  rms_norm_eps: z.number().positive().default(1e-6),
  tie_word_embeddings: z.boolean().default(false),
  initializer_range: z.number().positive().default(0.02),
  hidden_act: z.literal('silu').default('silu'),
});

export interface SpecialTokenIds {
  bos: number;
  eos: number;
  pad: number;
}

export function toHfConfig(config: ModelConfig, special: SpecialTokenIds): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.heads,
    intermediate_size: config.intermediateSize,
    max_position_embeddings: config.contextLength,
    rope_theta: config.ropeTheta,
    rms_norm_eps: config.rmsNormEps,
    tie_word_embeddings: config.tieEmbeddings,
    initializer_range: config.initStd,
    hidden_act: 'silu',
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: special.bos,
    eos_token_id: special.eos,
    pad_token_id: special.pad,
    torch_dtype: 'float32',
  };
}

export function fromHfConfig(value: unknown, file: string): ModelConfig {
  const parsed = hfConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const hf = parsed.data;
  if (hf.num_key_value_heads !== undefined && hf.num_key_value_heads !== hf.num_attention_heads) {
    throw new InputError(`${file}: num_key_value_heads: ${hf.num_key_value_heads} differs from num_attention_heads ${hf.num_attention_heads}; grouped-query attention is not supported`);
  }
  const config: ModelConfig = {
    vocabSize: hf.vocab_size,
    hiddenSize: hf.hidden_size,
    layers: hf.num_hidden_layers,
    heads: hf.num_attention_heads,
    intermediateSize: hf.intermediate_size,
    contextLength: hf.max_position_embeddings,
    ropeTheta: hf.rope_theta,
    rmsNormEps: hf.rms_norm_eps,
    tieEmbeddings: hf.tie_word_embeddings,
    initStd: hf.initializer_range,
  };
  validateModelConfig(config, file);
  return config;
}

/** Parameters in the model (embeddings counted once when tied). */
export function parameterCount(config: ModelConfig): number {
  const d = config.hiddenSize;
  const perLayer = 4 * d * d + 3 * d * config.intermediateSize + 2 * d;
  return config.vocabSize * d * (config.tieEmbeddings ? 1 : 2) + config.layers * perLayer + d;
}

/**
 * Floating-point operations of one forward pass over a sequence of `length` tokens: 2 per
 * multiply-add of every matmul (projections, MLP, output head, and the attention scores and
 * weighted sum over all positions, as computed: the causal mask does not skip work). Training
 * costs three forward passes (forward, and two matmuls per matmul backward).
 */
export function forwardFlops(config: ModelConfig, length: number): number {
  const d = config.hiddenSize;
  const matmulParams = config.layers * (4 * d * d + 3 * d * config.intermediateSize) + config.vocabSize * d;
  const attention = config.layers * 2 * 2 * length * length * d;
  return 2 * matmulParams * length + attention;
}
