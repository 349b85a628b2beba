/**
 * One parser per action format, behind two functions: `parseAction(format, output)` for a model's
 * output (without its `<think>` block) and `renderAction(format, action)` for the inverse.
 * `canonicalAction` is the single, format-independent rendering (SWE-agent's command line) that the
 * SRL reward compares.
 */
import { parseJsonToolCallText, renderJsonToolCall } from './json-tool-call.js';
import { renderCommandLine } from './swe-agent-commands.js';
import { parseThoughtAction, renderThoughtAction } from './thought-action.js';
import type { ParseResult, ParsedAction, ToolFormat } from './types.js';
import { parseXmlFunctionCall, renderXmlFunctionCall } from './xml-function-call.js';

/** Splits a model output (without any `<think>` block) into thought and one action of the given format. */
export function parseAction(format: ToolFormat, output: string): ParseResult {
  switch (format) {
    case 'thought_action':
      return parseThoughtAction(output);
    case 'xml_function_calling':
      return parseXmlFunctionCall(output);
    case 'function_calling':
      return parseJsonToolCallText(output);
  }
}

/** The action as a policy of that format writes it in text (a fenced command, an XML call, a `<tool_call>`). */
export function renderAction(format: ToolFormat, action: ParsedAction): string {
  switch (format) {
    case 'thought_action':
      return renderThoughtAction(action);
    case 'xml_function_calling':
      return renderXmlFunctionCall(action);
    case 'function_calling':
      return renderJsonToolCall(action);
  }
}

/**
 * The one rendering the reward compares: SWE-agent's command line, whatever the format. Its
 * arguments come in a fixed order with minimal quoting, so whitespace around tags, parameter order
 * or `open "x"` versus `open x` change nothing, and no format's markup inflates the similarity.
 */
export function canonicalAction(action: ParsedAction): string {
  return renderCommandLine(action);
}
