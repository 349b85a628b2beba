/**
 * SRL step decomposition (arXiv 2510.25992): a trajectory of N actions becomes N step instances.
 * Instance k gives the problem statement and the H most recent (action, observation) rounds before
 * action k (H = 2 by default, as in the paper, or all of them); its target is the expert's action k
 * alone, never the expert's thought.
 */
import { renderJsonToolCall, writeResponse, type ParsedAction, type ToolFormat } from '../../tools/parsers/index.js';
import type { WireMessage } from '../../policy/openai/chat-wire.js';
import type { AgentTemplates } from '../../prompts/templates.js';
import { stepPrompts } from '../../prompts/step-prompts.js';
import type { Step, Trajectory } from '../schema.js';
import { truncateObservation } from './truncate.js';

export const DEFAULT_HISTORY = 2;
export const DEFAULT_OBSERVATION_BUDGET = 8000;

export interface StepOptions {
  /** How many previous rounds to show: a count, or 'all'. */
  history: number | 'all';
  /** Longest observation kept whole, in characters; longer ones keep head and tail around a marker. */
  observationBudget: number;
  /** Chat form: the prompt templates (default: the format's built-in one in the SRL response format). */
  templates?: AgentTemplates;
}

export const defaultStepOptions: StepOptions = { history: DEFAULT_HISTORY, observationBudget: DEFAULT_OBSERVATION_BUDGET };

/** A step instance in raw form, for any trainer or prompt format. */
export interface RawStepInstance {
  step_id: string;
  instance_id: string;
  step_index: number;
  problem_statement: string;
  /** The most recent rounds before the target, oldest first. */
  history: Array<{ action: string; observation: string }>;
  /** How many earlier rounds were left out of `history`. */
  omitted_steps: number;
  /** The expert's action k as recorded. */
  target_action: string;
  target_parsed: ParsedAction;
  tool_format: ToolFormat;
}

/** A chat message of a step row, as OpenAI-compatible APIs write it. */
export type ChatMessage = WireMessage;

/**
 * A step instance as a chat prompt ready for a trainer, plus what the reward needs; rendered by the
 * prompt builder (src/prompts) from the same templates as rollouts.
 */
export interface ChatStepPrompt {
  step_id: string;
  instance_id: string;
  step_index: number;
  /** The prompt; function-calling rows carry native `tool_calls` and `tool` messages, as rollouts do. */
  messages: ChatMessage[];
  /** Function calling: the tools offered, as the `tools` of a chat request. */
  tools?: unknown[];
  /** The expert's action k written as the policy should write it after </think> (a `<tool_call>` in text for function calling). */
  target: string;
  /** The same as the assistant message a policy answers with (native `tool_calls` for function calling). */
  target_message: ChatMessage;
  target_parsed: ParsedAction;
  tool_format: ToolFormat;
  /** The prompt template the messages come from. */
  template: string;
}

/** The expert's action as a policy of that format writes it in text (what follows `</think>`). */
export function expertActionText(step: Step, format: ToolFormat): string {
  if (format === 'function_calling') return renderJsonToolCall(step.parsed_action);
  return writeResponse(format, { action: step.parsed_action, actionText: step.action }).text;
}

function validate(options: StepOptions): void {
  if (options.history !== 'all' && (!Number.isInteger(options.history) || options.history < 0)) {
    throw new RangeError(`history must be a non-negative integer or 'all', got ${options.history}`);
  }
  if (!Number.isInteger(options.observationBudget) || options.observationBudget < 0) {
    throw new RangeError(`observation budget must be a non-negative integer, got ${options.observationBudget}`);
  }
}

function firstShown(k: number, history: StepOptions['history']): number {
  return history === 'all' ? 0 : Math.max(0, k - history);
}

/** Gives every trajectory of a file distinct step ids, even when instance ids repeat (several rollouts). */
export class StepIdAllocator {
  private readonly seen = new Map<string, number>();

  prefixFor(instanceId: string): string {
    const count = (this.seen.get(instanceId) ?? 0) + 1;
    this.seen.set(instanceId, count);
    return count === 1 ? instanceId : `${instanceId}~${count}`;
  }
}

export function rawStepInstances(trajectory: Trajectory, options: StepOptions = defaultStepOptions, idPrefix = trajectory.instance_id): RawStepInstance[] {
  validate(options);
  return trajectory.steps.map((step, k) => {
    const start = firstShown(k, options.history);
    return {
      step_id: `${idPrefix}#${k}`,
      instance_id: trajectory.instance_id,
      step_index: k,
      problem_statement: trajectory.problem_statement,
      history: trajectory.steps.slice(start, k).map((previous) => ({
        action: previous.action,
        observation: truncateObservation(previous.observation, options.observationBudget),
      })),
      omitted_steps: start,
      target_action: step.action,
      target_parsed: step.parsed_action,
      tool_format: trajectory.tool_format,
    };
  });
}

export function chatStepPrompts(trajectory: Trajectory, options: StepOptions = defaultStepOptions, idPrefix = trajectory.instance_id): ChatStepPrompt[] {
  validate(options);
  return stepPrompts(trajectory, options).map((prompt, k) => ({
    step_id: `${idPrefix}#${k}`,
    instance_id: trajectory.instance_id,
    step_index: k,
    messages: prompt.messages,
    ...(prompt.tools ? { tools: prompt.tools } : {}),
    target: prompt.target,
    target_message: prompt.targetMessage,
    target_parsed: prompt.targetParsed,
    tool_format: prompt.toolFormat,
    template: prompt.template,
  }));
}
