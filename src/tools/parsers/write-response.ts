/**
 * The inverse of `readResponse`: an action written as a policy of its format writes it, text and
 * (for native function calling) tool calls. The replay policy plays recorded steps back through it,
 * and the prompt builder writes the expert's earlier actions and its target in SRL step prompts with
 * it, so a replayed run and the step prompts of its trajectory show the same assistant turns.
 */
import { functionCallOf } from './catalog.js';
import { renderAction } from './formats.js';
import { fenceCommand } from './thought-action.js';
import type { ParsedAction, ToolFormat } from './types.js';

export interface WrittenResponse {
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
}

export interface ActionToWrite {
  action: ParsedAction;
  /** The action as recorded (a step's `action`): a command line, or an XML call's own text. */
  actionText?: string;
  /** Written before the action (text formats) or as the message text (native calls). */
  thought?: string;
  /** The id of a native tool call. */
  callId?: string;
}

export function writeResponse(format: ToolFormat, what: ActionToWrite): WrittenResponse {
  const thought = what.thought?.trim() ?? '';
  const withThought = (text: string) => (thought === '' ? text : `${thought}\n\n${text}`);
  switch (format) {
    case 'thought_action':
      // The recorded command line itself, so the shell-level quoting it used is kept.
      return { text: withThought(what.actionText !== undefined ? fenceCommand(what.actionText.replace(/(\r?\n)+$/, '')) : renderAction(format, what.action)), toolCalls: [] };
    case 'xml_function_calling': {
      const recorded = what.actionText?.trimStart().startsWith('<function=') ? what.actionText : undefined;
      return { text: withThought(recorded ?? renderAction(format, what.action)), toolCalls: [] };
    }
    case 'function_calling': {
      const call = functionCallOf(what.action);
      return { text: thought, toolCalls: [{ id: what.callId ?? 'call_1', name: call.name, arguments: JSON.stringify(call.arguments) }] };
    }
  }
}
