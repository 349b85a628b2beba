/**
 * The agent loop: ask the policy for a monologue and one action, run the action with the tools,
 * show the observation (with the footer of the template), and repeat until the agent submits or a
 * limit ends the episode. Whatever the policy writes, the loop does not crash: a malformed output
 * gets a format-error message and counts toward `maxConsecutiveFormatErrors`; an endpoint or
 * sandbox failure ends the run with `exit_error`, and the run is still recorded.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { Step, Trajectory } from '../trajectories/schema.js';
import type { ChatMessage, Policy, PolicyResponse, PolicySample, TokenUsage } from '../policy/types.js';
import { addUsage, emptyUsage } from '../policy/types.js';
import { PolicyError, PolicyHttpError } from '../policy/policy-errors.js';
import { ToolSession } from '../tools/tool-session.js';
import { renderCommandDocs } from '../tools/tool-specs.js';
import type { ToolSpec, ToolState } from '../tools/types.js';
import type { AgentTemplates } from './templates.js';
import { renderTemplate } from './templates.js';
import { parseAgentConfig, type AgentConfigInput } from './agent-config.js';
import type { AgentHooks } from './hooks.js';
import type { AgentResult } from './agent-result.js';
import type { ExitStatus } from './exit-status.js';
import { readPolicyOutput } from './read-output.js';
import { elideOldObservations, estimateTokens } from './history.js';

export interface AgentInstance {
  instanceId: string;
  problemStatement: string;
  /** `owner/name`, for templates that mention it. */
  repo?: string;
}

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

class EpisodeEnd {
  constructor(
    readonly status: ExitStatus,
    readonly detail?: string,
  ) {}
}

export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const { instance, sandbox, policy, templates, hooks = {} } = options;
  const config = parseAgentConfig(options.config);
  const { limits } = config;
  const countTokens = options.countTokens ?? estimateTokens;
  const session = new ToolSession(sandbox, { ...templates.tools, ...config.tools, actionTimeoutMs: limits.actionTimeoutMs });
  const started = Date.now();
  const deadline = started + limits.totalTimeMs;
  const steps: Step[] = [];
  const messages: ChatMessage[] = [];
  let pending: ChatMessage[] = [];
  let usage: TokenUsage = emptyUsage();
  let modelCalls = 0;
  let formatErrors = 0;
  let consecutiveFormatErrors = 0;
  let consecutiveCrashes = 0;
  let lastPrompt: { tokens: number; messages: ChatMessage[] } | undefined;
  let end: EpisodeEnd | undefined;
  let submission: string | undefined;

  const variables = (state: ToolState): Record<string, string | number> => ({
    problem_statement: instance.problemStatement,
    instance_id: instance.instanceId,
    repo: instance.repo ?? '',
    repo_root: sandbox.workdir,
    open_file: state.openFile,
    working_dir: state.workingDir,
    WINDOW: session.config.window,
    command_docs: renderCommandDocs(session.specs),
  });

  try {
    const initialState = await session.state();
    messages.push({ role: 'system', content: renderTemplate(templates.system_template, variables(initialState)) });
    messages.push({ role: 'user', content: renderTemplate(templates.instance_template, variables(initialState)) });
    await hooks.onRunStart?.({ instanceId: instance.instanceId, messages });

    while (end === undefined) {
      if (steps.length >= limits.maxSteps) throw new EpisodeEnd('exit_step_limit', `${limits.maxSteps} steps`);
      if (Date.now() >= deadline) throw new EpisodeEnd('exit_timeout', `${limits.totalTimeMs} ms`);
      if (options.signal?.aborted) throw new EpisodeEnd('exit_error', 'cancelled');

      let prompt = [...messages, ...pending];
      if (config.keepLastObservations !== undefined) prompt = elideOldObservations(prompt, config.keepLastObservations);
      // The endpoint's own count of the last prompt, corrected by an estimate of what changed since.
      const tokens = lastPrompt ? tokensSince(lastPrompt, prompt, countTokens) : countTokens(prompt);
      if (tokens > limits.contextBudgetTokens) {
        throw new EpisodeEnd('exit_context', `the prompt holds about ${tokens} tokens, over the budget of ${limits.contextBudgetTokens}`);
      }
      const stepNumber = steps.length + 1;
      await hooks.onStepStart?.({ step: stepNumber, messages: prompt });

      const response = await ask(policy, prompt, {
        tools: templates.format === 'function_calling' ? session.specs : undefined,
        sampling: config.sampling,
        deadline,
        signal: options.signal,
      });
      modelCalls += 1;
      usage = addUsage(usage, response.usage);
      if (response.usage.promptTokens > 0) lastPrompt = { tokens: response.usage.promptTokens, messages: prompt };
      const sample = response.samples[0]!;
      await hooks.onModelResponse?.({ step: stepNumber, response, output: sample.text });

      const read = readPolicyOutput(sample, templates.format, templates.think_tags);
      if (!read.ok) {
        formatErrors += 1;
        consecutiveFormatErrors += 1;
        await hooks.onFormatError?.({ step: stepNumber, output: sample.text, reason: read.reason, consecutive: consecutiveFormatErrors });
        if (consecutiveFormatErrors >= limits.maxConsecutiveFormatErrors) {
          throw new EpisodeEnd('exit_format', `${consecutiveFormatErrors} malformed outputs in a row; the last: ${read.reason}`);
        }
        // Shown to the policy until it answers with a valid action, then dropped (SWE-agent's requery).
        const errorText = renderTemplate(templates.format_error_template, { reason: read.reason });
        pending = [...pending, ...formatErrorTurn(sample, errorText)];
        continue;
      }
      consecutiveFormatErrors = 0;
      pending = [];

      const actionStarted = Date.now();
      const outcome = await session.execute(read.action, { timeoutMs: Math.max(1, deadline - Date.now()) });
      const state = await session.state();
      const durationMs = Date.now() - actionStarted;
      const observationText =
        outcome.observation.trim() === ''
          ? renderTemplate(templates.next_step_no_output_template, variables(state))
          : renderTemplate(templates.next_step_template, { ...variables(state), observation: outcome.observation });
      const callId = `call_${stepNumber}`;
      if (templates.format === 'function_calling') {
        const call = sample.toolCalls[0];
        messages.push({ role: 'assistant', content: sample.text, toolCalls: [{ id: call?.id ?? callId, name: call?.name ?? read.action.tool, arguments: call?.arguments ?? '{}' }] });
        messages.push({ role: 'tool', content: observationText, toolCallId: call?.id ?? callId });
      } else {
        messages.push({ role: 'assistant', content: sample.text });
        messages.push({ role: 'user', content: observationText });
      }
      steps.push({
        thought: read.thought,
        action: read.actionText,
        parsed_action: read.action,
        observation: outcome.observation,
        state: { open_file: state.openFile, working_dir: state.workingDir },
      });
      await hooks.onActionExecuted?.({
        step: stepNumber,
        thought: read.thought,
        actionText: read.actionText,
        action: read.action,
        outcome,
        state,
        durationMs,
      });
      consecutiveCrashes = outcome.crashed ? consecutiveCrashes + 1 : 0;
      if (outcome.submission !== undefined) {
        submission = outcome.submission;
        end = new EpisodeEnd('submitted');
      } else if (consecutiveCrashes >= limits.maxConsecutiveToolCrashes) {
        throw new EpisodeEnd('exit_error', `the tools failed ${consecutiveCrashes} times in a row: ${outcome.observation}`);
      }
    }
  } catch (error) {
    end = toEpisodeEnd(error, deadline);
  }

  let patch: string | null = submission ?? null;
  if (end.status !== 'submitted') {
    // Like SWE-agent's autosubmission: whatever the agent changed is still a prediction.
    try {
      patch = await sandbox.diff();
    } catch {
      patch = null;
    }
  }
  const trajectory: Trajectory = {
    instance_id: instance.instanceId,
    problem_statement: instance.problemStatement,
    steps,
    final_patch: patch,
    exit_status: end.status,
    source_format: 'swe-agent-traj',
    tool_format: templates.format,
    model_name: policy.name,
    metadata: {
      recorded_by: 'swe-srl agent loop',
      template: templates.name,
      tools: { flavor: session.config.flavor, bundles: session.config.bundles, window: session.config.window, overlap: session.config.overlap },
      ...(end.detail !== undefined ? { exit_detail: end.detail } : {}),
      model_stats: { model_calls: modelCalls, format_errors: formatErrors, ...usageRecord(usage) },
    },
  };
  const result: AgentResult = {
    instanceId: instance.instanceId,
    exitStatus: end.status,
    patch,
    trajectory,
    messages: [...messages, ...pending],
    stats: { steps: steps.length, modelCalls, formatErrors, usage, durationMs: Date.now() - started },
    ...(end.detail !== undefined && end.status !== 'submitted' ? { error: end.detail } : {}),
  };
  await hooks.onRunDone?.(result);
  return result;
}

async function ask(
  policy: Policy,
  prompt: ChatMessage[],
  options: { tools: ToolSpec[] | undefined; sampling: Record<string, unknown>; deadline: number; signal: AbortSignal | undefined },
): Promise<PolicyResponse> {
  const remaining = Math.max(1, options.deadline - Date.now());
  const timeout = AbortSignal.timeout(remaining);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const response = await policy.complete({ messages: prompt, n: 1, ...(options.tools ? { tools: options.tools } : {}), ...options.sampling, signal });
  if (response.samples.length === 0) throw new PolicyError('the policy returned no sample');
  return response;
}

/** The turns that show a malformed output and the error message, valid for the chat API. */
function formatErrorTurn(sample: PolicySample, errorText: string): ChatMessage[] {
  if (sample.toolCalls.length > 0) {
    return [
      { role: 'assistant', content: sample.text, toolCalls: sample.toolCalls },
      ...sample.toolCalls.map((call): ChatMessage => ({ role: 'tool', content: errorText, toolCallId: call.id })),
    ];
  }
  return [
    { role: 'assistant', content: sample.text },
    { role: 'user', content: errorText },
  ];
}

/**
 * The last prompt's counted tokens, minus an estimate of its messages that are gone (format-error
 * turns dropped after a valid action, observations elided since) and plus one of the new ones.
 */
function tokensSince(
  last: { tokens: number; messages: readonly ChatMessage[] },
  prompt: readonly ChatMessage[],
  countTokens: (messages: readonly ChatMessage[]) => number,
): number {
  let shared = 0;
  while (shared < prompt.length && shared < last.messages.length && sameMessage(prompt[shared]!, last.messages[shared]!)) shared += 1;
  const added = countTokens(prompt.slice(shared));
  return Math.max(added, last.tokens - countTokens(last.messages.slice(shared)) + added);
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a === b || (a.role === b.role && a.content === b.content);
}

function toEpisodeEnd(error: unknown, deadline: number): EpisodeEnd {
  if (error instanceof EpisodeEnd) return error;
  if (Date.now() >= deadline) return new EpisodeEnd('exit_timeout', 'the total time limit ran out');
  if (error instanceof PolicyHttpError && error.isContextOverflow) return new EpisodeEnd('exit_context', error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new EpisodeEnd('exit_error', message);
}

function usageRecord(usage: TokenUsage): Record<string, number> {
  return { tokens_sent: usage.promptTokens, tokens_received: usage.completionTokens, total_tokens: usage.totalTokens };
}
