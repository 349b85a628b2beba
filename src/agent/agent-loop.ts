/**
 * `runAgent`: one episode driven to its end with one policy, the loop every command runs. The
 * episode (episode.ts) does all the work between two policy calls; this driver only asks the
 * policy for each turn and hands the answer over.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { ChatMessage, Policy } from '../policy/types.js';
import { PolicyError } from '../policy/policy-errors.js';
import type { AgentTemplates } from '../prompts/templates.js';
import type { AgentConfigInput } from './agent-config.js';
import type { AgentHooks } from './hooks.js';
import type { AgentResult } from './agent-result.js';
import { Episode, type AgentInstance } from './episode.js';

export type { AgentInstance } from './episode.js';

export interface RunAgentOptions {
  instance: AgentInstance;
  sandbox: Sandbox;
  policy: Policy;
  templates: AgentTemplates;
  config?: AgentConfigInput;
  hooks?: AgentHooks;
  /** Stops the episode (it ends with `exit_error`); the run is still recorded. */
  signal?: AbortSignal;
  /** Counts a prompt's tokens for the context budget; default: characters / 4. */
  countTokens?: (messages: readonly ChatMessage[]) => number;
}

export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const { policy } = options;
  const episode = await Episode.start(options.instance, options.sandbox, {
    templates: options.templates,
    modelName: policy.name,
    ...(options.config !== undefined ? { config: options.config } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.countTokens ? { countTokens: options.countTokens } : {}),
  });
  while (!episode.done) {
    let response;
    try {
      response = await policy.complete(episode.request());
      if (response.samples.length === 0) throw new PolicyError('the policy returned no sample');
    } catch (error) {
      episode.fail(error);
      break;
    }
    const sample = response.samples[0]!;
    await episode.step({
      text: sample.text,
      toolCalls: sample.toolCalls,
      finishReason: sample.finishReason,
      ...(sample.logprobs ? { logprobs: sample.logprobs } : {}),
      usage: response.usage,
      model: response.model,
      latencyMs: response.latencyMs,
      response,
    });
  }
  return episode.finish();
}
