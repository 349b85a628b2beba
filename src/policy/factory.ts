/**
 * `createPolicy(config)`: one factory from a config to a policy, told apart by `type`, as sandboxes
 * are (`createSandbox`). Built in: `openai` (any OpenAI-compatible endpoint) and `replay` (a
 * recorded trajectory played back) and `local` (a model folder trained here, loaded on first use). Other kinds register a factory (`registerPolicyType`) and are
 * then made the same way, so a run configuration can name them.
 */
import { InputError } from '../errors.js';
import type { ToolFormat } from '../tools/parsers/types.js';
import type { ReplayStep } from './replay-policy.js';
import { ReplayPolicy } from './replay-policy.js';
import { OpenAiPolicy, type RetryListener } from './openai/openai-policy.js';
import { resolveOpenAiConfig, type OpenAiPolicyFlags } from './openai/openai-config.js';
import type { Policy } from './types.js';
import { LazyLocalPolicy, type LocalPolicySpec } from './local/local-policy-spec.js';

/** `openai`: the endpoint's settings; the unset ones come from OPENAI_BASE_URL, OPENAI_MODEL, OPENAI_API_KEY. */
export interface OpenAiPolicySpec extends OpenAiPolicyFlags {
  type: 'openai';
}

/** `replay`: a recorded trajectory's actions, one per turn, in its own action format. */
export interface ReplayPolicySpec {
  type: 'replay';
  steps: readonly ReplayStep[];
  format: ToolFormat;
  /** Applied to every recorded string (the recorded repository root → the sandbox's). */
  rewrite?: (text: string) => string;
  name?: string;
}

export type { LocalPolicySpec } from './local/local-policy-spec.js';

export type PolicyConfig = OpenAiPolicySpec | ReplayPolicySpec | LocalPolicySpec | { type: string; [setting: string]: unknown };

export interface PolicyFactoryContext {
  /** Where unset settings are looked up (OPENAI_*); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Told before each retry of a failed request. */
  onRetry?: RetryListener;
}

export type PolicyFactory = (config: PolicyConfig, context: PolicyFactoryContext) => Policy;

const factories = new Map<string, PolicyFactory>([
  ['openai', (config, context) => {
    const { type: _type, ...flags } = config as OpenAiPolicySpec;
    return new OpenAiPolicy(resolveOpenAiConfig(flags, context.env), context.onRetry);
  }],
  ['replay', (config) => {
    const spec = config as ReplayPolicySpec;
    return new ReplayPolicy(spec.steps, { format: spec.format, ...(spec.rewrite ? { rewrite: spec.rewrite } : {}), ...(spec.name ? { name: spec.name } : {}) });
  }],
  ['local', (config) => {
    const spec = config as LocalPolicySpec;
    if (typeof spec.model !== 'string' || spec.model === '') throw new InputError('policy.model: the local policy needs a model folder (a training run\'s model/ or best/)');
    return new LazyLocalPolicy(spec);
  }],
]);

/** Makes a policy of any registered type; an unknown type is an error naming `policy.type`. */
export function createPolicy(config: PolicyConfig, context: PolicyFactoryContext = {}): Policy {
  const factory = factories.get(config.type);
  if (!factory) throw new InputError(`policy.type: "${config.type}" is not a policy type (have: ${[...factories.keys()].join(', ')})`);
  return factory(config, context);
}

/** Adds a policy type (a local model, a scripted teacher); `createPolicy({ type, … })` then makes it. */
export function registerPolicyType(type: string, factory: PolicyFactory): void {
  factories.set(type, factory);
}

export function policyTypes(): string[] {
  return [...factories.keys()];
}
