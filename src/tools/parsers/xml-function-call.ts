/**
 * XML function calls, the action syntax of SWE-smith's trajectories (and of OpenHands for models
 * without native tool calling):
 *
 *     <function=str_replace_editor>
 *     <parameter=command>view</parameter>
 *     <parameter=path>/testbed/setup.py</parameter>
 *     </function>
 *
 * Like SWE-agent's XMLFunctionCallingParser, one line break right inside a parameter's tags is not
 * part of the value. Whitespace between tags and the order of parameters do not matter.
 */
import { functionCallOf, resolveFunctionCall } from './catalog.js';
import { commandLineAction } from './swe-agent-commands.js';
import { formatError, type ActionResult, type ParseResult, type ParsedAction } from './types.js';

const FUNCTION_BLOCK = /<function=([^>\n]*)>([\s\S]*?)<\/function>/g;
const PARAMETER = /<parameter=([^>\n]*)>([\s\S]*?)<\/parameter>/g;

function stripOneBreak(value: string): string {
  let out = value;
  if (out.startsWith('\n')) out = out.slice(1);
  if (out.endsWith('\n')) out = out.slice(0, -1);
  return out;
}

/** The body of a `<function=…>` block as an action. */
function parseFunctionBody(name: string, body: string): ActionResult {
  const args: Record<string, unknown> = {};
  for (const parameter of body.matchAll(PARAMETER)) {
    const key = parameter[1]!.trim();
    if (key in args) return formatError('unparseable', `parameter ${key} is given twice`);
    args[key] = stripOneBreak(parameter[2]!);
  }
  const leftover = body.replace(PARAMETER, '');
  if (leftover.includes('<parameter=')) return formatError('unparseable', 'a <parameter=…> is not closed by </parameter>');
  if (leftover.trim() !== '') {
    return formatError('unparseable', `text outside any <parameter=…> inside <function=${name}>: ${JSON.stringify(leftover.trim().slice(0, 80))}`);
  }
  return commandLineAction(resolveFunctionCall(name, args));
}

/** Reads an output with exactly one XML function call; the text around it is the thought. */
export function parseXmlFunctionCall(output: string): ParseResult {
  const blocks = [...output.matchAll(FUNCTION_BLOCK)];
  const afterLast = blocks.length === 0 ? output : output.slice(blocks.at(-1)!.index + blocks.at(-1)![0].length);
  if (blocks.length === 0) {
    return afterLast.includes('<function=')
      ? formatError('unparseable', 'a <function=…> is not closed by </function>')
      : formatError('no_action', 'no <function=NAME>…</function> call');
  }
  if (blocks.length > 1) return formatError('multiple_actions', `${blocks.length} function calls; exactly one per response`);
  if (afterLast.includes('<function=')) return formatError('multiple_actions', 'a second, unclosed <function=…> call');
  const block = blocks[0]!;
  // A nested <function= inside the body means the first call was never closed.
  if (block[2]!.includes('<function=')) return formatError('unparseable', 'a <function=…> is not closed before the next one');
  const parsed = parseFunctionBody(block[1]!, block[2]!);
  if (!parsed.ok) return parsed;
  const thought = (output.slice(0, block.index) + output.slice(block.index + block[0].length)).trim();
  return { ok: true, thought, action: parsed.action, text: block[0] };
}

function parameterText(value: unknown): string {
  if (typeof value === 'string') return value.startsWith('\n') || value.endsWith('\n') ? `\n${value}\n` : value;
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** The canonical XML call of an action: SWE-agent's function and parameter names, in catalogue order. */
export function renderXmlFunctionCall(action: ParsedAction): string {
  const call = functionCallOf(action);
  const parameters = Object.entries(call.arguments).map(([key, value]) => `<parameter=${key}>${parameterText(value)}</parameter>\n`);
  return `<function=${call.name}>\n${parameters.join('')}</function>`;
}
