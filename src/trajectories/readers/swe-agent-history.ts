/**
 * SWE-agent's `history`: the chat as the model saw it. Assistant messages carry `thought`, `action`
 * (the command line) and, with function calling, `tool_calls`; the following `tool` / `user`
 * message is the observation with the shell footer. Messages marked `is_demo` belong to the
 * demonstration shown in the prompt, not to this run.
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { parseCommandLine, parseToolCalls, renderCommandLine, type ParsedAction } from '../../tools/parsers/index.js';
import type { Step } from '../schema.js';
import { contentText, describeRecord, messageContentSchema, type RecordLocation } from './common.js';
import { splitFooter } from './prompt-text.js';

export const sweAgentMessageSchema = z.looseObject({
  role: z.string(),
  content: messageContentSchema.optional(),
  thought: z.string().nullable().optional(),
  action: z.string().nullable().optional(),
  tool_calls: z.array(z.unknown()).nullable().optional(),
  is_demo: z.union([z.boolean(), z.string()]).optional(),
});
export type SweAgentMessage = z.infer<typeof sweAgentMessageSchema>;

export function isDemoMessage(message: SweAgentMessage): boolean {
  return message.is_demo === true || (typeof message.is_demo === 'string' && message.is_demo.toLowerCase() === 'true');
}

/** The first user message of the run itself (not of a demonstration): the instance prompt. */
export function instancePromptOf(history: readonly SweAgentMessage[]): string | undefined {
  const first = history.find((message) => message.role === 'user' && !isDemoMessage(message));
  return first ? contentText(first.content) : undefined;
}

export interface HistoryAction {
  /** Index in `history`. */
  index: number;
  message: SweAgentMessage;
  action: ParsedAction;
  /** SWE-agent's command line for the action. */
  text: string;
}

/** The action of an assistant message, from its tool call when it has one, else from its command line. */
function actionOf(message: SweAgentMessage, index: number, where: RecordLocation, field: string): HistoryAction | undefined {
  if (message.tool_calls && message.tool_calls.length > 0) {
    const parsed = parseToolCalls(message.tool_calls);
    if (!parsed.ok) throw new InputError(`${describeRecord(where)}: ${field}[${index}].tool_calls: ${parsed.error.reason}`);
    return { index, message, action: parsed.action, text: message.action ?? renderCommandLine(parsed.action) };
  }
  if (typeof message.action === 'string' && message.action.trim() !== '') {
    const parsed = parseCommandLine(message.action);
    if (!parsed.ok) throw new InputError(`${describeRecord(where)}: ${field}[${index}].action: ${parsed.error.reason}`);
    return { index, message, action: parsed.action, text: message.action };
  }
  return undefined;
}

/** The run's assistant messages that hold an action, in order. */
export function historyActions(history: readonly SweAgentMessage[], where: RecordLocation, field = 'history'): HistoryAction[] {
  const actions: HistoryAction[] = [];
  history.forEach((message, index) => {
    if (message.role !== 'assistant' || isDemoMessage(message)) return;
    const found = actionOf(message, index, where, field);
    if (found) actions.push(found);
  });
  return actions;
}

/**
 * Rebuilds steps from a history alone (function_calling_simple.traj, demonstration YAML): each
 * action with the tool / user messages that follow it, footer split off into the step's state.
 */
export function stepsFromHistory(history: readonly SweAgentMessage[], where: RecordLocation, field = 'history'): Step[] {
  const steps: Step[] = [];
  const actions = historyActions(history, where, field);
  actions.forEach((found, k) => {
    const nextActionIndex = actions[k + 1]?.index ?? history.length;
    const observations: string[] = [];
    for (let i = found.index + 1; i < nextActionIndex; i += 1) {
      const message = history[i]!;
      if (isDemoMessage(message) || message.role === 'system' || message.role === 'assistant') continue;
      observations.push(contentText(message.content));
    }
    const { observation, state } = splitFooter(observations.join('\n'));
    const thought = found.message.thought ?? contentText(found.message.content);
    steps.push({ thought, action: found.text, parsed_action: found.action, observation, ...(state ? { state } : {}) });
  });
  return steps;
}
