/**
 * SRL step decomposition (arXiv 2510.25992): a trajectory of N actions becomes N step instances.
 * Instance k gives the problem statement and the H most recent (action, observation) rounds before
 * action k (H = 2 by default, as in the paper, or all of them); its target is the expert's action k
 * alone, never the expert's thought.
 */
import {
  fenceCommand,
  renderJsonToolCall,
  type ParsedAction,
  type ToolFormat,
} from '../../tools/parsers/index.js';
import { instancePrompt, withFooter } from '../readers/prompt-text.js';
import type { Step, Trajectory } from '../schema.js';
import { xmlActionOf } from '../writers/chat-xml.js';
import { srlSystemPrompt } from './system-prompts.js';
import { truncateObservation } from './truncate.js';

export const DEFAULT_HISTORY = 2;
export const DEFAULT_OBSERVATION_BUDGET = 8000;

export interface StepOptions {
  /** How many previous rounds to show: a count, or 'all'. */
  history: number | 'all';
  /** Longest observation kept whole, in characters; longer ones keep head and tail around a marker. */
  observationBudget: number;
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

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A step instance as a chat prompt ready for a trainer, plus what the reward needs. */
export interface ChatStepPrompt {
  step_id: string;
  instance_id: string;
  step_index: number;
  messages: ChatMessage[];
  /** The expert's action k written as the policy should write it after </think>. */
  target: string;
  target_parsed: ParsedAction;
  tool_format: ToolFormat;
}

/** The expert's action as a policy of that format writes it (what follows `</think>`). */
export function expertActionText(step: Step, format: ToolFormat): string {
  switch (format) {
    case 'thought_action':
      return fenceCommand(step.action.replace(/\r?\n$/, ''));
    case 'xml_function_calling':
      return xmlActionOf(step);
    case 'function_calling':
      return renderJsonToolCall(step.parsed_action);
  }
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

function firstUserMessage(trajectory: Trajectory, omitted: number): string {
  const prompt = instancePrompt(trajectory.problem_statement);
  if (omitted === 0) return prompt;
  return `${prompt}\n\n(${omitted} earlier action${omitted === 1 ? '' : 's'} and ${omitted === 1 ? 'its observation are' : 'their observations are'} not shown; the most recent ones follow.)`;
}

export function chatStepPrompts(trajectory: Trajectory, options: StepOptions = defaultStepOptions, idPrefix = trajectory.instance_id): ChatStepPrompt[] {
  validate(options);
  const system = srlSystemPrompt(trajectory);
  const format = trajectory.tool_format;
  const observationPrefix = format === 'xml_function_calling' ? 'OBSERVATION:\n' : '';
  return trajectory.steps.map((step, k) => {
    const start = firstShown(k, options.history);
    const messages: ChatMessage[] = [
      { role: 'system', content: system },
      { role: 'user', content: firstUserMessage(trajectory, start) },
    ];
    for (const previous of trajectory.steps.slice(start, k)) {
      messages.push({ role: 'assistant', content: expertActionText(previous, format) });
      const observation = truncateObservation(previous.observation, options.observationBudget);
      messages.push({ role: 'user', content: `${observationPrefix}${withFooter(observation, previous.state)}` });
    }
    return {
      step_id: `${idPrefix}#${k}`,
      instance_id: trajectory.instance_id,
      step_index: k,
      messages,
      target: expertActionText(step, format),
      target_parsed: step.parsed_action,
      tool_format: format,
    };
  });
}
