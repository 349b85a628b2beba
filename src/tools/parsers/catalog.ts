/**
 * The tools we know: their arguments in a fixed order (the canonical order every renderer uses, so
 * parameter order never changes a rendering), the names they carry in function calls (SWE-agent's
 * `line_number`, `filename`, `replace-all`, …) and their types. Function-call parsers go through
 * `resolveFunctionCall`, so JSON and XML calls of the same action give equal `{ tool, args }`.
 */
import {
  formatError,
  type ActionResult,
  type EditorCommand,
  type KnownAction,
  type KnownTool,
  type ParsedAction,
} from './types.js';

export type ArgType = 'string' | 'integer' | 'boolean' | 'line_range';

export interface ArgSpec {
  /** The key in parsed `args`. */
  key: string;
  /** The key in function calls (SWE-agent's tool schema), when it differs from `key`. */
  functionKey: string;
  type: ArgType;
  required: boolean;
  enum?: readonly string[];
  description: string;
}

export interface ToolSpec {
  tool: KnownTool;
  /** The function name in JSON / XML calls. */
  functionName: string;
  /** SWE-agent's command-line signature, for prompts. */
  signature: string;
  description: string;
  args: readonly ArgSpec[];
}

const EDITOR_COMMANDS: readonly EditorCommand[] = ['view', 'create', 'str_replace', 'insert', 'undo_edit'];

function arg(key: string, type: ArgType, required: boolean, description: string, functionKey = key): ArgSpec {
  return { key, functionKey, type, required, description };
}

export const TOOL_SPECS: readonly ToolSpec[] = [
  {
    tool: 'bash',
    functionName: 'bash',
    signature: '<command>',
    description: 'runs the given command directly in bash',
    args: [arg('command', 'string', true, 'the command to run')],
  },
  {
    tool: 'str_replace_editor',
    functionName: 'str_replace_editor',
    signature: 'str_replace_editor <command> <path> [--file_text <file_text>] [--view_range <view_range>] [--old_str <old_str>] [--new_str <new_str>] [--insert_line <insert_line>]',
    description: 'view, create or edit a file (view shows `cat -n` output or a directory two levels deep)',
    args: [
      { ...arg('command', 'string', true, 'one of view, create, str_replace, insert, undo_edit'), enum: EDITOR_COMMANDS },
      arg('path', 'string', true, 'absolute path of the file or directory'),
      arg('file_text', 'string', false, 'content of the file to create'),
      arg('view_range', 'line_range', false, '[start, end] lines to show; end -1 means to the end'),
      arg('old_str', 'string', false, 'text to replace; must occur exactly once'),
      arg('new_str', 'string', false, 'replacement text (str_replace) or text to insert (insert)'),
      arg('insert_line', 'integer', false, 'insert new_str after this line'),
    ],
  },
  {
    tool: 'edit',
    functionName: 'edit',
    signature: 'edit <start_line>:<end_line>\n<replacement_text>\nend_of_edit',
    description: 'replaces lines start_line..end_line (inclusive) of the open file with the replacement text',
    args: [
      arg('start', 'integer', true, 'first line to replace', 'start_line'),
      arg('end', 'integer', true, 'last line to replace', 'end_line'),
      arg('replacement', 'string', true, 'the new lines', 'replacement_text'),
    ],
  },
  {
    tool: 'edit_replace',
    functionName: 'edit',
    signature: 'edit <search> <replace> [<replace-all>]',
    description: 'replaces the first occurrence of search with replace in the displayed lines (all occurrences with replace-all)',
    args: [
      arg('search', 'string', true, 'the text to search for'),
      arg('replace', 'string', true, 'the replacement text'),
      arg('replace_all', 'boolean', false, 'replace every occurrence', 'replace-all'),
    ],
  },
  {
    tool: 'insert',
    functionName: 'insert',
    signature: 'insert <text> [--line <line>]',
    description: 'inserts text at the end of the open file, or after the given line',
    args: [arg('text', 'string', true, 'the text to insert'), arg('line', 'integer', false, 'insert after this line')],
  },
  {
    tool: 'open',
    functionName: 'open',
    signature: 'open <path> [<line_number>]',
    description: 'opens the file in the 100-line window, around line_number when given',
    args: [arg('path', 'string', true, 'the file to open'), arg('line', 'integer', false, 'a line to show', 'line_number')],
  },
  {
    tool: 'goto',
    functionName: 'goto',
    signature: 'goto <line_number>',
    description: 'moves the window to show line_number',
    args: [arg('line', 'integer', true, 'the line to show', 'line_number')],
  },
  { tool: 'scroll_up', functionName: 'scroll_up', signature: 'scroll_up', description: 'moves the window up 100 lines', args: [] },
  { tool: 'scroll_down', functionName: 'scroll_down', signature: 'scroll_down', description: 'moves the window down 100 lines', args: [] },
  {
    tool: 'create',
    functionName: 'create',
    signature: 'create <filename>',
    description: 'creates and opens a new file',
    args: [arg('path', 'string', true, 'the file to create', 'filename')],
  },
  {
    tool: 'find_file',
    functionName: 'find_file',
    signature: 'find_file <file_name> [<dir>]',
    description: 'finds files with the given name under dir (default: the current directory)',
    args: [arg('file_name', 'string', true, 'the name to look for'), arg('dir', 'string', false, 'where to look')],
  },
  {
    tool: 'search_dir',
    functionName: 'search_dir',
    signature: 'search_dir <search_term> [<dir>]',
    description: 'searches for search_term in all files under dir (default: the current directory)',
    args: [arg('search_term', 'string', true, 'the text to look for'), arg('dir', 'string', false, 'where to look')],
  },
  {
    tool: 'search_file',
    functionName: 'search_file',
    signature: 'search_file <search_term> [<file>]',
    description: 'searches for search_term in file (default: the open file)',
    args: [arg('search_term', 'string', true, 'the text to look for'), arg('file', 'string', false, 'the file to search')],
  },
  { tool: 'submit', functionName: 'submit', signature: 'submit', description: 'submits the current changes', args: [] },
];

const specByTool = new Map<string, ToolSpec>(TOOL_SPECS.map((spec) => [spec.tool, spec]));

/** Names other harnesses give our tools (OpenHands / SWE-Gym), as SWE-agent's own XML parser maps them. */
const FUNCTION_ALIASES: ReadonlyMap<string, { tool: KnownTool; dropArgs: boolean }> = new Map([
  ['execute_bash', { tool: 'bash', dropArgs: false }],
  // OpenHands' finish carries a message for the user; the submission is the diff either way.
  ['finish', { tool: 'submit', dropArgs: true }],
]);

const WINDOWED_EDIT_KEYS = new Set(['start_line', 'end_line', 'replacement_text', 'start', 'end', 'replacement']);
const FUNCTION_NAME = /^[A-Za-z_][\w.-]*$/;

export function toolSpec(tool: KnownTool): ToolSpec {
  const spec = specByTool.get(tool);
  if (!spec) throw new Error(`no tool spec for ${tool}`);
  return spec;
}

export function isKnownAction(action: ParsedAction): action is KnownAction {
  return specByTool.has(action.tool);
}

/** Both SWE-agent edit bundles call their tool `edit`; the arguments tell which one is meant. */
function specForFunction(name: string, args: Record<string, unknown>): ToolSpec | undefined {
  if (name === 'edit') {
    const windowed = Object.keys(args).some((key) => WINDOWED_EDIT_KEYS.has(key));
    return toolSpec(windowed ? 'edit' : 'edit_replace');
  }
  return specByTool.get(name) ?? TOOL_SPECS.find((spec) => spec.functionName === name);
}

type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

function coerce(value: unknown, spec: ArgSpec, lenient: boolean): Coerced {
  const fail = (expected: string): Coerced => ({ ok: false, reason: `argument ${spec.functionKey} must be ${expected}, got ${JSON.stringify(value)}` });
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return fail('a string');
      if (spec.enum && !spec.enum.includes(value)) return fail(`one of ${spec.enum.join(', ')}`);
      return { ok: true, value };
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { ok: true, value };
      if (lenient && typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return { ok: true, value: Number(value.trim()) };
      return fail('an integer');
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (lenient && typeof value === 'string' && /^\s*(true|false)\s*$/i.test(value)) return { ok: true, value: value.trim().toLowerCase() === 'true' };
      return fail('true or false');
    case 'line_range': {
      let range = value;
      if (lenient && typeof value === 'string') {
        if (!/^\s*\[\s*-?\d+\s*,\s*-?\d+\s*\]\s*$/.test(value)) return fail('[start, end]');
        range = JSON.parse(value) as unknown;
      }
      if (Array.isArray(range) && range.length === 2 && range.every((n) => typeof n === 'number' && Number.isSafeInteger(n))) {
        return { ok: true, value: [range[0], range[1]] };
      }
      return fail('[start, end]');
    }
  }
}

/**
 * Checks and orders a known tool's arguments. `lenient` accepts function-call spellings (keys such as
 * `line_number`, numbers written as text as XML carries them); strict mode is for stored actions.
 */
export function buildKnownAction(spec: ToolSpec, rawArgs: Record<string, unknown>, lenient: boolean): ActionResult {
  const byKey = new Map<string, ArgSpec>();
  for (const argSpec of spec.args) {
    byKey.set(argSpec.key, argSpec);
    if (lenient) byKey.set(argSpec.functionKey, argSpec);
  }
  const given = new Map<ArgSpec, unknown>();
  for (const [key, value] of Object.entries(rawArgs)) {
    const argSpec = byKey.get(key);
    if (!argSpec) return formatError('unparseable', `${spec.functionName} does not take an argument named ${key}`);
    // SWE-agent treats a null argument as an absent one.
    if (value === null || value === undefined) continue;
    if (given.has(argSpec)) return formatError('unparseable', `argument ${argSpec.functionKey} is given twice`);
    given.set(argSpec, value);
  }
  const args: Record<string, unknown> = {};
  for (const argSpec of spec.args) {
    if (!given.has(argSpec)) {
      if (argSpec.required) return formatError('unparseable', `${spec.functionName} needs the argument ${argSpec.functionKey}`);
      continue;
    }
    const coerced = coerce(given.get(argSpec), argSpec, lenient);
    if (!coerced.ok) return formatError('unparseable', coerced.reason);
    args[argSpec.key] = coerced.value;
  }
  return { ok: true, action: canonicalizeArgs({ tool: spec.tool, args } as KnownAction) };
}

/** The few spellings that differ without differing in meaning. */
function canonicalizeArgs(action: KnownAction): KnownAction {
  if (action.tool === 'bash') return { tool: 'bash', args: { command: action.args.command.trim() } };
  if (action.tool === 'edit_replace' && action.args.replace_all !== true) {
    return { tool: 'edit_replace', args: { search: action.args.search, replace: action.args.replace } };
  }
  return action;
}

/** Turns a function call (from JSON or XML) into an action; unknown function names are kept as they are. */
export function resolveFunctionCall(name: string, rawArgs: Record<string, unknown>): ActionResult {
  const trimmedName = name.trim();
  if (!FUNCTION_NAME.test(trimmedName)) return formatError('unparseable', `${JSON.stringify(name)} is not a function name`);
  const alias = FUNCTION_ALIASES.get(trimmedName);
  if (alias) return buildKnownAction(toolSpec(alias.tool), alias.dropArgs ? {} : rawArgs, true);
  const spec = specForFunction(trimmedName, rawArgs);
  if (spec) return buildKnownAction(spec, rawArgs, true);
  return { ok: true, action: { tool: trimmedName, args: { ...rawArgs } } };
}

/** An action as a function call: SWE-agent's function name and argument keys, in canonical order. */
export function functionCallOf(action: ParsedAction): { name: string; arguments: Record<string, unknown> } {
  if (!isKnownAction(action)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(action.args).sort()) sorted[key] = action.args[key];
    return { name: action.tool, arguments: sorted };
  }
  const spec = toolSpec(action.tool);
  const args = action.args as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const argSpec of spec.args) {
    if (args[argSpec.key] !== undefined) out[argSpec.functionKey] = args[argSpec.key];
  }
  return { name: spec.functionName, arguments: out };
}

/** Validates an action read back from storage: known tools must carry exactly their typed arguments. */
export function checkStoredAction(action: ParsedAction): string | undefined {
  if (!isKnownAction(action)) return undefined;
  const result = buildKnownAction(toolSpec(action.tool), action.args as Record<string, unknown>, false);
  return result.ok ? undefined : result.error.reason;
}
