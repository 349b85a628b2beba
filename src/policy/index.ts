/** Policies behind one interface: an OpenAI-compatible endpoint, or a recorded trajectory played back. */
export type { Policy, PolicyRequest, PolicyResponse, PolicySample, ChatMessage, ChatToolCall, TokenLogprob, TokenUsage } from './types.js';
export { emptyUsage, addUsage } from './types.js';
export { OpenAiPolicy, type RetryListener } from './openai/openai-policy.js';
export { resolveOpenAiConfig, openAiPolicyConfigSchema, DEFAULT_OPENAI_BASE_URL, type OpenAiPolicyConfig, type OpenAiPolicyFlags } from './openai/openai-config.js';
export { ReplayPolicy, type ReplayStep, type ReplayPolicyOptions } from './replay-policy.js';
export { PolicyError, PolicyConnectionError, PolicyHttpError, PolicyResponseError, PolicyTimeoutError, PolicyExhaustedError } from './policy-errors.js';
export { createPolicy, registerPolicyType, policyTypes, type PolicyConfig, type OpenAiPolicySpec, type ReplayPolicySpec, type LocalPolicySpec, type PolicyFactory, type PolicyFactoryContext } from './factory.js';
export { toWireMessage, fromWireMessage, type WireMessage } from './openai/chat-wire.js';
export { LazyLocalPolicy } from './local/local-policy-spec.js';
