/**
 * The system prompt of an SRL chat step: think inside `<think>…</think>`, then write exactly one
 * action in the trajectory's own syntax, with the tools of the bundle the expert worked with.
 */
import { isKnownAction, TOOL_CATALOGUE, type KnownTool, type ToolFormat, type ToolDeclaration as ToolSpec } from '../../tools/parsers/index.js';
import type { Trajectory } from '../schema.js';

const WINDOWED: readonly KnownTool[] = ['bash', 'open', 'goto', 'scroll_up', 'scroll_down', 'create', 'find_file', 'search_dir', 'search_file'];

/**
 * The tools offered: the whole bundle the expert's actions come from (not just the tools it used,
 * which would hint at the answer), plus any tool outside our catalogue that it called.
 */
export function toolsOfTrajectory(trajectory: Trajectory): { specs: ToolSpec[]; others: string[] } {
  const used = new Set(trajectory.steps.map((step) => step.parsed_action.tool));
  let bundle: readonly KnownTool[];
  if (used.has('str_replace_editor')) bundle = ['bash', 'str_replace_editor', 'submit'];
  else if (used.has('edit_replace') || used.has('insert')) bundle = [...WINDOWED, 'edit_replace', 'insert', 'submit'];
  else bundle = [...WINDOWED, 'edit', 'submit'];
  const others = trajectory.steps.filter((step) => !isKnownAction(step.parsed_action)).map((step) => step.parsed_action.tool);
  const extra = TOOL_CATALOGUE.filter((spec) => used.has(spec.tool) && !bundle.includes(spec.tool)).map((spec) => spec.tool);
  const tools = [...bundle, ...extra];
  return { specs: TOOL_CATALOGUE.filter((spec) => tools.includes(spec.tool)), others: [...new Set(others)] };
}

function functionDoc(spec: ToolSpec): string {
  const params = spec.args.map((arg) => `${arg.functionKey}${arg.required ? '' : '?'}: ${arg.type === 'line_range' ? '[integer, integer]' : arg.type}`);
  const details = spec.args.map((arg) => `    ${arg.functionKey}: ${arg.description}`);
  return [`- ${spec.functionName}(${params.join(', ')}): ${spec.description}`, ...details].join('\n');
}

function commandDoc(spec: ToolSpec): string {
  return `- ${spec.signature.replaceAll('\n', '\n  ')}\n    ${spec.description}`;
}

const PREAMBLE = [
  'You are an autonomous programmer fixing an issue in a repository, working in a shell through the tools below.',
  'In every response, first reason inside <think>...</think>, then write exactly ONE action and nothing else.',
].join('\n');

const FORMAT_RULES: Readonly<Record<ToolFormat, string>> = {
  thought_action: [
    'Write the action as one command in a fenced block, right after </think>:',
    '```',
    'command arguments',
    '```',
    'Available commands (any other command line runs in bash):',
  ].join('\n'),
  xml_function_calling: [
    'Write the action as one function call, right after </think>:',
    '<function=NAME>',
    '<parameter=KEY>VALUE</parameter>',
    '</function>',
    'Available functions:',
  ].join('\n'),
  function_calling: [
    'Write the action as one tool call in JSON, right after </think>:',
    '<tool_call>',
    '{"name": "NAME", "arguments": {"KEY": "VALUE"}}',
    '</tool_call>',
    'Available tools:',
  ].join('\n'),
};

export function srlSystemPrompt(trajectory: Trajectory): string {
  const { specs, others } = toolsOfTrajectory(trajectory);
  const format = trajectory.tool_format;
  const docs = specs.map((spec) => (format === 'thought_action' ? commandDoc(spec) : functionDoc(spec)));
  if (others.length > 0) docs.push(`- also: ${others.join(', ')}`);
  return `${PREAMBLE}\n\n${FORMAT_RULES[format]}\n${docs.join('\n')}`;
}
