/**
 * Writes a trajectory as chat messages in SWE-smith's XML form, one JSONL record: a system prompt,
 * the instance prompt, then per step an assistant turn `<think>thought</think>` + one
 * `<function=…>` call and a user turn `OBSERVATION:\n…`. Reading it back gives the same thoughts,
 * parsed actions, observations and states; the action text becomes the XML call.
 */
import { renderXmlFunctionCall } from '../../tools/parsers/index.js';
import { instancePrompt, withFooter } from '../readers/prompt-text.js';
import type { Step, Trajectory } from '../schema.js';

export const XML_CHAT_SYSTEM_PROMPT =
  'You are a helpful assistant that can interact with a computer to solve tasks. Think inside <think>...</think>, then call exactly one function, written as <function=NAME><parameter=KEY>VALUE</parameter>...</function>.';

export interface ChatXmlRecord {
  instance_id: string;
  problem_statement: string;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  final_patch: string | null;
  exit_status: string | null;
  model_name?: string;
  metadata?: Record<string, unknown>;
}

/** The XML call of a step: its own text when it already is one, else the canonical rendering. */
export function xmlActionOf(step: Step): string {
  return step.action.trimStart().startsWith('<function=') ? step.action : renderXmlFunctionCall(step.parsed_action);
}

export function toChatXml(trajectory: Trajectory): ChatXmlRecord {
  const messages: ChatXmlRecord['messages'] = [
    { role: 'system', content: XML_CHAT_SYSTEM_PROMPT },
    { role: 'user', content: instancePrompt(trajectory.problem_statement) },
  ];
  for (const step of trajectory.steps) {
    messages.push({ role: 'assistant', content: `<think>\n${step.thought}\n</think>\n\n${xmlActionOf(step)}` });
    messages.push({ role: 'user', content: `OBSERVATION:\n${withFooter(step.observation, step.state)}` });
  }
  return {
    instance_id: trajectory.instance_id,
    problem_statement: trajectory.problem_statement,
    messages,
    final_patch: trajectory.final_patch,
    exit_status: trajectory.exit_status,
    ...(trajectory.model_name ? { model_name: trajectory.model_name } : {}),
    ...(trajectory.metadata ? { metadata: trajectory.metadata } : {}),
  };
}
