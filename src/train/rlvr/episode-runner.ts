/**
 * One RLVR episode: the local policy acting through the agent's `Episode` in a fresh sandbox at the
 * task's base commit, exactly as a rollout drives an endpoint (the same prompts, action reader,
 * tools and limits), then graded in that sandbox by the evaluation stage's `rlvrReward` (the test
 * patch applied, the tests run, graded as SWE-bench does). Besides the result it keeps each turn's
 * token ids and log-probabilities, which the loss learns from.
 */
import type { AgentConfigInput } from '../../agent/agent-config.js';
import { Episode } from '../../agent/episode.js';
import type { ExitStatus } from '../../agent/exit-status.js';
import type { Instance } from '../../eval/instances.js';
import { rlvrReward } from '../../eval/rlvr-reward.js';
import type { TestEnvironment } from '../../eval/test-environment.js';
import type { AgentTemplates } from '../../prompts/templates.js';
import type { Sandbox } from '../../sandbox/types.js';
import { SweSrlError } from '../../errors.js';
import type { LocalPolicy } from '../policy/local-policy.js';
import { deriveSeed } from '../model/rng.js';
import type { TurnTokens } from './episode-sequences.js';

/** Where episodes run: fresh sandboxes and the tasks' test environments (the caller picks Docker or local). */
export interface EpisodeEnvironment {
  createSandbox(instance: Instance): Promise<Sandbox>;
  environmentFor(instance: Instance): Promise<TestEnvironment>;
}

export interface EpisodeSettings {
  templates: AgentTemplates;
  agentConfig: AgentConfigInput;
  temperature: number;
  topP: number;
  maxNewTokens: number;
  seed: number;
  partialCredit: boolean;
  signal?: AbortSignal;
}

export interface EpisodeOutcome {
  instanceId: string;
  reward: number;
  resolved: boolean;
  exitStatus: ExitStatus;
  turns: TurnTokens[];
  sampledTokens: number;
  steps: number;
  formatErrors: number;
  patch: string | null;
}

/** An episode that says nothing about the policy (a sandbox or engine that failed); the step is not taken, and a resume redoes it. */
export class EpisodeInfrastructureError extends SweSrlError {}

export async function runEpisode(policy: LocalPolicy, instance: Instance, environments: EpisodeEnvironment, settings: EpisodeSettings): Promise<EpisodeOutcome> {
  settings.signal?.throwIfAborted();
  const environment = await environments.environmentFor(instance);
  const sandbox = await environments.createSandbox(instance);
  try {
    const episode = await Episode.start({ instanceId: instance.instance_id, problemStatement: instance.problem_statement, repo: instance.repo }, sandbox, {
      templates: settings.templates,
      config: settings.agentConfig,
      modelName: policy.name,
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    const turns: TurnTokens[] = [];
    let turn = 0;
    while (!episode.done) {
      const request = { ...episode.request(), temperature: settings.temperature, topP: settings.topP, maxTokens: settings.maxNewTokens, seed: deriveSeed(settings.seed, turn), logprobs: true };
      turn += 1;
      let completion;
      try {
        completion = await policy.completeWithTokens(request);
      } catch (error) {
        episode.fail(error);
        break;
      }
      const sample = completion.samples[0]!;
      const answer = completion.response.samples[0]!;
      turns.push({ promptIds: completion.promptIds, tokens: sample.tokens, logprobs: sample.logprobs });
      await episode.step({
        text: answer.text,
        toolCalls: answer.toolCalls,
        finishReason: answer.finishReason,
        ...(answer.logprobs ? { logprobs: answer.logprobs } : {}),
        usage: completion.response.usage,
        model: completion.response.model,
        latencyMs: completion.response.latencyMs,
        response: completion.response,
      });
    }
    const result = await episode.finish();
    settings.signal?.throwIfAborted();
    if (result.infrastructureError !== undefined) throw new EpisodeInfrastructureError(`episode of ${instance.instance_id}: ${result.infrastructureError}`);
    const graded = await rlvrReward(sandbox, instance, environment, { partialCredit: settings.partialCredit });
    return {
      instanceId: instance.instance_id,
      reward: graded.reward,
      resolved: graded.resolved,
      exitStatus: result.exitStatus,
      turns,
      sampledTokens: turns.reduce((sum, t) => sum + t.tokens.length, 0),
      steps: result.stats.steps,
      formatErrors: result.stats.formatErrors,
      patch: result.patch,
    };
  } finally {
    await sandbox.close().catch(() => {});
  }
}

/** Runs `count` jobs with at most `parallel` at once, results in order. */
export async function inParallel<T>(count: number, parallel: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await job(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}
