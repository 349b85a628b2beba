/**
 * The flags of the run configuration's agent, policy and sampling sections, shared by the commands
 * that run an agent or ask a policy (`rollout`, `traj replay`, `serve`, `math sample`): each flag is
 * declared once, bound to its field.
 */
import { integerAtLeast, nonNegativeNumber, positiveNumber } from './option-values.js';
import type { ConfigBinding } from './config-flags.js';

export const seconds = (value: unknown) => Math.round((value as number) * 1000);

function historyRounds(value: string): number | 'all' {
  if (value === 'all') return 'all';
  return integerAtLeast('--history', 0)(value);
}

/** The agent section: template, limits, history window. */
export const AGENT_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--template <name-or-file>', description: 'prompt templates: thought-action, xml-function-calling, function-calling, their -think variants, or a YAML file', path: 'agent.template' },
  { flags: '--max-steps <n>', description: 'actions per episode', path: 'agent.limits.maxSteps', parse: integerAtLeast('--max-steps', 1) },
  { flags: '--action-timeout <seconds>', description: 'time limit of one action', path: 'agent.limits.actionTimeoutMs', parse: positiveNumber('--action-timeout'), toConfig: seconds },
  { flags: '--total-time <seconds>', description: 'time limit of one episode', path: 'agent.limits.totalTimeMs', parse: positiveNumber('--total-time'), toConfig: seconds },
  { flags: '--max-format-errors <n>', description: 'malformed outputs in a row before exit_format', path: 'agent.limits.maxConsecutiveFormatErrors', parse: integerAtLeast('--max-format-errors', 1) },
  { flags: '--context-budget <tokens>', description: 'estimated prompt tokens before exit_context', path: 'agent.limits.contextBudgetTokens', parse: integerAtLeast('--context-budget', 1) },
  { flags: '--keep-observations <n>', description: 'show only the last N observations in full', path: 'agent.keepLastObservations', parse: integerAtLeast('--keep-observations', 1) },
  { flags: '--history <n|all>', description: 'show only the N most recent rounds, as SRL steps do (default all)', path: 'agent.history', parse: historyRounds },
  { flags: '--think', description: 'require the <think> block (the SRL response format) whatever the template says', path: 'agent.thinkTags' },
];

/** The policy section (which policy, an endpoint's settings) and the sampling section. */
export const POLICY_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--policy <type>', description: 'openai, replay, local, or a registered policy type', path: 'policy.type' },
  { flags: '--base-url <url>', description: 'openai: the endpoint (default: OPENAI_BASE_URL)', path: 'policy.baseUrl' },
  { flags: '--model <name>', description: 'openai: the model (default: OPENAI_MODEL); local: the model folder', path: 'policy.model' },
  { flags: '--api-key <key>', description: 'openai: the key (default: OPENAI_API_KEY)', path: 'policy.apiKey' },
  { flags: '--request-timeout <seconds>', description: 'openai: time limit of one request', path: 'policy.requestTimeoutMs', parse: positiveNumber('--request-timeout'), toConfig: seconds },
  { flags: '--max-retries <n>', description: 'openai: retries on 429, 5xx and connection errors', path: 'policy.maxRetries', parse: integerAtLeast('--max-retries', 0) },
  { flags: '--trajectories <files...>', description: 'replay: trajectory files to play back (matched by instance id)', path: 'policy.trajectories' },
  { flags: '--temperature <t>', description: 'sampling temperature', path: 'sampling.temperature', parse: nonNegativeNumber('--temperature') },
  { flags: '--top-p <p>', description: 'nucleus sampling', path: 'sampling.topP', parse: positiveNumber('--top-p') },
  { flags: '--max-tokens <n>', description: 'tokens per response', path: 'sampling.maxTokens', parse: integerAtLeast('--max-tokens', 1) },
  { flags: '--seed <n>', description: 'sampling seed', path: 'sampling.seed', parse: integerAtLeast('--seed', 0) },
  { flags: '--logprobs', description: "record each completion's token log-probabilities (asked of the endpoint)", path: 'sampling.logprobs' },
  { flags: '--top-logprobs <n>', description: 'with --logprobs: this many alternatives per token', path: 'sampling.topLogprobs', parse: integerAtLeast('--top-logprobs', 0) },
];

/** The bindings of these flags, in the order given (a command that takes only some of a section's flags). */
export function bindingsOf(bindings: readonly ConfigBinding[], flags: readonly string[]): ConfigBinding[] {
  return flags.map((flag) => {
    const binding = bindings.find((candidate) => candidate.flags.split(/[ ,]+/).includes(flag));
    if (!binding) throw new Error(`no binding for ${flag}`);
    return binding;
  });
}
