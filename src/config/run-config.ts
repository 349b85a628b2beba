/**
 * One run configuration for every command: the sandbox, the tools, the agent's template and limits,
 * the policy and its sampling, and the settings of each kind of run (rollout, eval, steps). It is a
 * YAML file (`--config run.yaml`); every section and field is optional, command-line flags override
 * it, and `swe-srl config print` shows the effective result. Library code takes these sections as
 * they are (`config.agent`, `config.sandbox`, …): nothing in it reads flags.
 *
 *     sandbox:  {backend: auto, repos: repos, environments: environments, engines: [unix:///var/run/docker.sock]}
 *     tools:    {bundles: [bash, windowed, search, edit_replace, submit]}
 *     agent:    {template: thought-action, limits: {maxSteps: 50}, history: all}
 *     policy:   {type: openai, baseUrl: http://localhost:8000/v1, model: qwen}
 *     sampling: {temperature: 1.0, logprobs: true}
 *     rollout:  {instances: instances.jsonl, output: runs/r1, samples: 8, maxWorkers: 4}
 *     eval:     {runId: r1, maxWorkers: 4}
 *     steps:    {history: 2, observationBudget: 8000, form: chat}
 *     math, train, export, serve: see command-sections.ts
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { fileReadError } from '../io/read-error.js';
import { describeYamlIssues, parseYamlText } from '../io/yaml-file.js';
import { agentLimitsSchema, samplingSchema } from '../agent/agent-config.js';
import { toolboxOverridesSchema } from '../tools/config.js';
import { IMAGE_SOURCES, MODEL_FAILURE_MODES } from '../eval/run-choices.js';
import { BACKEND_SETTINGS, type BackendSetting } from '../train/backends/backend-names.js';
import { exportSectionSchema, mathSectionSchema, serveSectionSchema, trainSectionSchema } from './command-sections.js';

const positiveInt = z.number().int().min(1);

export const sandboxSectionSchema = z.strictObject({
  /** auto: Docker when an engine answers, else the local (bubblewrap) backend. */
  backend: z.enum(['auto', 'docker', 'local']).default('auto'),
  /** Repositories as `owner__name` clones or bundles. */
  repos: z.string().optional(),
  /** Environment specs (*.yaml), for the docker backend. */
  environments: z.string().default('environments'),
  /** Local backend without bubblewrap: runs model commands on the host. */
  allowUnsafe: z.boolean().default(false),
  /** Network access in the sandboxes; unset: none for the agent's, the environment spec's for eval's. */
  network: z.boolean().optional(),
  outputLimitBytes: z.number().int().min(64).optional(),
  /** Docker endpoints in DOCKER_HOST syntax; default SWE_SRL_DOCKER_HOSTS, DOCKER_HOST, the local socket. */
  engines: z.array(z.string().min(1)).optional(),
  memoryBytes: z.number().int().min(6 * 1024 ** 2).optional(),
  cpus: z.number().positive().optional(),
  pidsLimit: z.number().int().min(8).optional(),
  /** eval and rollout (Docker): sandboxes started ahead of the workers, their images built first; 0 starts each when asked for. */
  poolSize: z.number().int().min(0).default(0),
});

export const agentSectionSchema = z.strictObject({
  /** A built-in template name or a YAML file; default the one of the action format the run needs. */
  template: z.string().min(1).optional(),
  limits: agentLimitsSchema.partial().default({}),
  keepLastObservations: positiveInt.optional(),
  history: z.union([z.literal('all'), z.number().int().min(0)]).default('all'),
  thinkTags: z.boolean().optional(),
});

const builtinPolicySchemas = {
  openai: z.strictObject({
    type: z.literal('openai'),
    baseUrl: z.string().optional(),
    model: z.string().optional(),
    apiKey: z.string().optional(),
    requestTimeoutMs: positiveInt.optional(),
    maxRetries: z.number().int().min(0).optional(),
    initialBackoffMs: z.number().int().min(0).optional(),
    maxBackoffMs: z.number().int().min(0).optional(),
    extraBody: z.record(z.string(), z.unknown()).optional(),
  }),
  replay: z.strictObject({
    type: z.literal('replay'),
    /** Trajectory files to play back, matched to instances by id. */
    trajectories: z.array(z.string()).default([]),
  }),
  local: z.strictObject({
    type: z.literal('local'),
    /** A model folder trained here (a run's model/ or best/, a checkpoint). */
    model: z.string().min(1),
    name: z.string().min(1).optional(),
    backend: z.enum(BACKEND_SETTINGS as [BackendSetting, ...BackendSetting[]]).optional(),
    seed: z.number().int().min(0).optional(),
    defaultMaxTokens: positiveInt.optional(),
    useKvCache: z.boolean().optional(),
  }),
};
type BuiltinPolicySection = { [K in keyof typeof builtinPolicySchemas]: z.output<(typeof builtinPolicySchemas)[K]> }[keyof typeof builtinPolicySchemas];

/**
 * `openai`, `replay` and `local` are built in, each checked by its own schema (so a mistake names
 * its field rather than "invalid input"); other types come from `registerPolicyType` and keep
 * their own settings.
 */
export const policySectionSchema = z.looseObject({ type: z.string().min(1) }).transform((value, context): BuiltinPolicySection | { type: string; [setting: string]: unknown } => {
  const schema = (builtinPolicySchemas as Record<string, z.ZodType<BuiltinPolicySection>>)[value.type];
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] } as never);
  return z.NEVER;
});

export const rolloutSectionSchema = z.strictObject({
  instances: z.string().optional(),
  instanceIds: z.array(z.string()).optional(),
  /** The output folder; reused to resume. */
  output: z.string().optional(),
  /** Episodes per instance (a GRPO group), ids `<instance>#<g>`. */
  samples: positiveInt.default(1),
  maxWorkers: positiveInt.default(1),
  /** Labels the run's sandboxes; default: the one stored in the output folder, else a new one. */
  runId: z.string().min(1).optional(),
});

export const evalSectionSchema = z.strictObject({
  instances: z.string().optional(),
  predictions: z.string().optional(),
  gold: z.boolean().default(false),
  runId: z.string().optional(),
  maxWorkers: positiveInt.optional(),
  timeoutSeconds: z.number().positive().optional(),
  reportDir: z.string().default('.'),
  logsDir: z.string().optional(),
  rerun: z.boolean().default(false),
  instanceIds: z.array(z.string()).optional(),
  allTests: z.boolean().default(false),
  /** Grade the run's existing test logs again and rewrite its reports; runs nothing. */
  regrade: z.boolean().default(false),
  imageSource: z.enum(IMAGE_SOURCES).default('build'),
  /** A patch that does not apply or tests past their time limit: `error` (SWE-bench: no report) or `unresolved`. */
  modelFailures: z.enum(MODEL_FAILURE_MODES).default('error'),
  /** Compare expected test ids as listed (SWE-bench) instead of spelling them as the log parser does. */
  strictTestIds: z.boolean().default(false),
  /** Hold the test log to the runner's own report; false believes the log, as SWE-bench does. */
  crossCheck: z.boolean().default(true),
});

export const stepsSectionSchema = z.strictObject({
  history: z.union([z.literal('all'), z.number().int().min(0)]).default(2),
  observationBudget: z.number().int().min(0).default(8000),
  form: z.enum(['raw', 'chat']).default('raw'),
  template: z.string().min(1).optional(),
});

export const runConfigSchema = z.strictObject({
  sandbox: sandboxSectionSchema.default(sandboxSectionSchema.parse({})),
  tools: toolboxOverridesSchema.default({}),
  agent: agentSectionSchema.default(agentSectionSchema.parse({})),
  policy: policySectionSchema.optional(),
  sampling: samplingSchema.default({}),
  rollout: rolloutSectionSchema.default(rolloutSectionSchema.parse({})),
  eval: evalSectionSchema.default(evalSectionSchema.parse({})),
  steps: stepsSectionSchema.default(stepsSectionSchema.parse({})),
  math: mathSectionSchema.prefault({}),
  train: trainSectionSchema.prefault({}),
  export: exportSectionSchema.prefault({}),
  serve: serveSectionSchema.prefault({}),
});

export type RunConfig = z.output<typeof runConfigSchema>;
/** What a file (or a set of flags) gives: any part of a run configuration. */
export type RunConfigInput = z.input<typeof runConfigSchema>;

/** A plain object, not an array (the only thing `mergeConfig` descends into). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` on top of `base`, section by section and field by field; lists and scalars replace. */
export function mergeConfig<T extends Record<string, unknown>>(base: T, over: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    // A policy of another type replaces the section rather than mixing two types' settings.
    const sameKind = !(isRecord(value) && isRecord(out[key]) && 'type' in value && value.type !== (out[key] as Record<string, unknown>).type);
    out[key] = isRecord(value) && isRecord(out[key]) && sameKind ? mergeConfig(out[key] as Record<string, unknown>, value) : value;
  }
  return out as T;
}

/** Validates a configuration (defaults filled in); `where` names its origin in the error. */
export function parseRunConfig(value: unknown, where = 'run configuration'): RunConfig {
  const parsed = runConfigSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InputError(`${where}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
}

/** Reads a run configuration file (YAML or JSON); mistakes name the file, the line and the field. */
export async function loadRunConfigFile(path: string): Promise<RunConfigInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileReadError(path, error, 'a run configuration file');
  }
  const yaml = parseYamlText(text, path);
  const value = yaml.value ?? {};
  const parsed = runConfigSchema.safeParse(value);
  if (!parsed.success) throw new InputError(describeYamlIssues(yaml, path, parsed.error.issues).join('\n  '));
  // The file's own values, without the defaults, so flags and defaults layer in the right order.
  return value as RunConfigInput;
}

/** The effective configuration: defaults (the schema's, then a command's own), then the file, then the flags. */
export function resolveRunConfig(file: RunConfigInput | undefined, flags: RunConfigInput, where = 'run configuration', commandDefaults: RunConfigInput = {}): RunConfig {
  const base = mergeConfig({}, commandDefaults as Record<string, unknown>);
  return parseRunConfig(mergeConfig(mergeConfig(base, (file ?? {}) as Record<string, unknown>), flags as Record<string, unknown>), where);
}
