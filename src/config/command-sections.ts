/**
 * The run configuration's sections for the math setting, the trainer, the dataset export and the
 * server, each beside the sections of run-config.ts that the agent commands read. As there, every
 * field is optional, the defaults are written here once, and the command-line flags that set a
 * field override it (src/cli/config-flags.ts).
 *
 *     math:   {make: {count: 50, tier: mixed}, steps: {history: all, nextTitle: false}, sample: {samples: 4}, eval: {lastNumber: true}}
 *     train:  {model: {preset: tiny}, sft: {steps: 100}}            # the training config (src/train/config.ts)
 *     export: {format: verl, split: train}
 *     serve:  {port: 8765, poolSize: 2, maxEpisodes: 16}
 */
import { z } from 'zod';
import { EXPORT_FORMATS, DEFAULT_SPLIT } from '../export/formats.js';
import { EXPORT_DOMAINS } from '../export/step-rows.js';
import { MATH_SPLITS, MATH_TIER_CHOICES } from '../math/family/generate.js';
import { FIELD_MAP_PRESETS, type FieldMapPreset } from '../math/solution/problems-file.js';
import { FALLBACK_SPLIT_RULES } from '../math/solution/steps.js';
import { DEFAULT_PREFIX_BUDGET } from '../math/steps/step-rows.js';
import { SRL_REWARD_MODES } from '../reward/srl.js';
import { DEFAULT_HOST, DEFAULT_PORT, SERVE_DEFAULTS } from '../serve/serve-options.js';
import { trainConfigSchema } from '../train/config.js';

const positiveInt = z.number().int().min(1);

/** `math make`: the built-in problem family. */
export const mathMakeSectionSchema = z.strictObject({
  count: positiveInt.default(50),
  /** The same seed gives byte-identical problems. */
  seed: z.number().int().min(0).default(0),
  tier: z.enum(MATH_TIER_CHOICES).default('mixed'),
  split: z.enum(MATH_SPLITS).default('train'),
  /** Kinds to take turns over (default all). */
  kinds: z.array(z.string().min(1)).optional(),
});

/** `math steps` and `traj steps --domain math`: worked solutions cut into SRL step rows. */
export const mathStepsSectionSchema = z.strictObject({
  /** Field names of the problems file: `plain` or `s1k`. */
  format: z.enum(Object.keys(FIELD_MAP_PRESETS) as [FieldMapPreset, ...FieldMapPreset[]]).default('plain'),
  /** `FIELD=NAME` overrides of the format's field names. */
  fields: z.array(z.string()).default([]),
  /** How to cut a solution without numbered steps; default none for plain, paragraphs for s1k. */
  split: z.enum([...FALLBACK_SPLIT_RULES, 'none']).optional(),
  stepsFrom: z.enum(['solution', 'trace']).default('solution'),
  /** Earlier steps shown in each prompt. */
  history: z.union([z.literal('all'), z.number().int().min(1, 'a math prompt shows at least 1 earlier step (or "all")')]).default('all'),
  /** Give the next step's number and title in the prompt; the target is then the rest of the step. */
  nextTitle: z.boolean().default(false),
  /** Longest partial solution in a prompt, in approximate tokens. */
  prefixBudget: positiveInt.default(DEFAULT_PREFIX_BUDGET),
  /** Report invalid rows and go on instead of stopping. */
  skipInvalid: z.boolean().default(false),
});

export const mathSectionSchema = z.strictObject({
  make: mathMakeSectionSchema.prefault({}),
  steps: mathStepsSectionSchema.prefault({}),
  /** `math sample`: answers per problem (the k of Avg@k); the endpoint is the `policy` section, the sampling the `sampling` one. */
  sample: z.strictObject({ samples: positiveInt.default(1) }).prefault({}),
  /** `eval-math`: whether a response without `\boxed{}` or "the answer is" answers with its last number. */
  eval: z.strictObject({ lastNumber: z.boolean().default(true) }).prefault({}),
});

export const exportSectionSchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS).optional(),
  /** SWE chat step rows or math step rows. */
  domain: z.enum(EXPORT_DOMAINS).default('swe'),
  /** extra_info.split of every row. */
  split: z.string().min(1).default(DEFAULT_SPLIT),
  /** verl's data_source of every row; default swe-srl (swe-srl-math for the math domain). */
  dataSource: z.string().min(1).optional(),
  /** verl's ability of every row; default swe (math for the math domain). */
  ability: z.string().min(1).optional(),
});

/** `serve`: the address, the reward service and the episodes (whose sandbox, template and limits are the `sandbox` and `agent` sections). */
export const serveSectionSchema = z.strictObject({
  host: z.string().min(1).default(DEFAULT_HOST),
  /** 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
  /** Bearer token every request must carry (default SWE_SRL_TOKEN); required off loopback. */
  token: z.string().optional(),
  /** Steps JSONL for /reward/srl with step_ids. */
  steps: z.string().optional(),
  mode: z.enum(SRL_REWARD_MODES).default('canonical'),
  /** Instances to run episodes on (or the built-in sample instances). */
  instances: z.string().optional(),
  sampleInstances: z.boolean().default(false),
  /** Warm sandboxes kept per instance image. */
  poolSize: z.number().int().min(0).default(2),
  prewarm: z.boolean().default(false),
  maxEpisodes: positiveInt.default(SERVE_DEFAULTS.episodes.maxEpisodes),
  idleTimeoutMs: positiveInt.default(SERVE_DEFAULTS.episodes.idleTimeoutMs),
  stepTimeoutMs: positiveInt.default(SERVE_DEFAULTS.episodes.stepTimeoutMs),
  /** Labels the sandboxes; default swe-srl-serve-PORT. */
  runId: z.string().min(1).optional(),
});

/** The trainer's own configuration, as one section. */
export const trainSectionSchema = trainConfigSchema;
