/**
 * The action language, one module per format: thought-action (SWE-agent command lines in a fenced
 * block), XML function calls, JSON tool calls. `readResponse` reads a policy's whole response (the
 * `<think>` block, then one action) for the loop, the recorder and the SRL reward alike;
 * `parseAction(format, output)` and `renderAction(format, action)` are the per-format halves;
 * `canonicalAction` is the single rendering the SRL reward compares.
 */
export * from './types.js';
export { parseAction, renderAction, canonicalAction } from './formats.js';
export { readResponse, type ResponseLike, type ResponseRead, type ReadResponseOptions, type ResponseErrorCode } from './response.js';
export { splitThink, type ThinkSplit } from './think.js';
export {
  TOOL_CATALOGUE,
  declaration,
  declarationOf,
  declarationForCall,
  isKnownAction,
  resolveFunctionCall,
  functionCallOf,
  checkStoredAction,
  buildKnownAction,
  type ToolDeclaration,
  type ToolArgument,
} from './catalog.js';
export { parseCommandLine, renderCommandLine, actionOfRouted, commandLineAction } from './swe-agent-commands.js';
export { parseThoughtAction, renderThoughtAction, fenceCommand, findFencedBlocks } from './thought-action.js';
export { parseXmlFunctionCall, renderXmlFunctionCall } from './xml-function-call.js';
export { parseJsonToolCallText, parseToolCall, parseToolCalls, renderJsonToolCall, toOpenAiToolCall } from './json-tool-call.js';
export { splitShellWords } from '../classic/shell-words.js';
// `shellQuote` is this index's old name for SWE-agent's (shlex) quoting; it stays for its importers.
export { shlexQuote, shlexQuote as shellQuote } from '../../util/shell-quote.js';
export { writeResponse, type WrittenResponse, type ActionToWrite } from './write-response.js';
