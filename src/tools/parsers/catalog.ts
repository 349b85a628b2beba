/**
 * Argument checking for the tools of the catalogue (src/tools/catalog.ts): a function call's
 * arguments, in either spelling (the parsed key `line` or SWE-agent's function key `line_number`),
 * become a known action with typed arguments in canonical order, so JSON and XML calls of the
 * same action give equal `{ tool, args }`; and the inverse, an action as a function call.
 */
import { declaration, declarationOf, TOOL_CATALOGUE, type ToolArgument, type ToolDeclaration } from '../catalog.js';
import { formatError, type ActionResult, type KnownAction, type KnownTool, type ParsedAction } from './types.js';

export { TOOL_CATALOGUE, declaration, declarationOf, type ToolDeclaration, type ToolArgument } from '../catalog.js';

/** Names other harnesses give our tools (OpenHands / SWE-Gym), as SWE-agent's own XML parser maps them. */
const FUNCTION_ALIASES: ReadonlyMap<string, { tool: KnownTool; dropArgs: boolean }> = new Map([
  ['execute_bash', { tool: 'bash', dropArgs: false }],
  // OpenHands' finish carries a message for the user; the submission is the diff either way.
  ['finish', { tool: 'submit', dropArgs: true }],
]);

const WINDOWED_EDIT_KEYS = new Set(['start_line', 'end_line', 'replacement_text', 'start', 'end', 'replacement']);
const FUNCTION_NAME = /^[A-Za-z_][\w.-]*$/;

export function isKnownAction(action: ParsedAction): action is KnownAction {
  return declarationOf(action.tool) !== undefined;
}

/**
 * The declaration a function call means. Both SWE-agent edit bundles call their tool `edit`; the
 * arguments tell which one is meant.
 */
export function declarationForCall(name: string, args: Record<string, unknown>): ToolDeclaration | undefined {
  if (name === 'edit') {
    const windowed = Object.keys(args).some((key) => WINDOWED_EDIT_KEYS.has(key));
    return declaration(windowed ? 'edit' : 'edit_replace');
  }
  return declarationOf(name) ?? TOOL_CATALOGUE.find((candidate) => candidate.functionName === name);
}

type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

function coerce(value: unknown, argument: ToolArgument, lenient: boolean): Coerced {
  const fail = (expected: string): Coerced => ({ ok: false, reason: `argument ${argument.functionKey} must be ${expected}, got ${JSON.stringify(value)}` });
  switch (argument.type) {
    case 'string':
      if (typeof value !== 'string') return fail('a string');
      if (argument.enum && !argument.enum.includes(value)) return fail(`one of ${argument.enum.join(', ')}`);
      return { ok: true, value };
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { ok: true, value };
      if (lenient && typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) && Number.isSafeInteger(Number(value.trim()))) {
        return { ok: true, value: Number(value.trim()) };
      }
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
export function buildKnownAction(tool: ToolDeclaration, rawArgs: Record<string, unknown>, lenient: boolean): ActionResult {
  const byKey = new Map<string, ToolArgument>();
  for (const argument of tool.args) {
    byKey.set(argument.key, argument);
    if (lenient) byKey.set(argument.functionKey, argument);
  }
  const given = new Map<ToolArgument, unknown>();
  for (const [key, value] of Object.entries(rawArgs)) {
    const argument = byKey.get(key);
    if (!argument) return formatError('unparseable', `${tool.functionName} does not take an argument named ${key}`);
    // SWE-agent treats a null argument as an absent one.
    if (value === null || value === undefined) continue;
    if (given.has(argument)) return formatError('unparseable', `argument ${argument.functionKey} is given twice`);
    given.set(argument, value);
  }
  const args: Record<string, unknown> = {};
  for (const argument of tool.args) {
    if (!given.has(argument)) {
      if (argument.required) return formatError('unparseable', `${tool.functionName} needs the argument ${argument.functionKey}`);
      continue;
    }
    const coerced = coerce(given.get(argument), argument, lenient);
    if (!coerced.ok) return formatError('unparseable', coerced.reason);
    args[argument.key] = coerced.value;
  }
  const action = { tool: tool.tool, args } as KnownAction;
  // Surrounding whitespace of a shell command changes nothing it does.
  return { ok: true, action: action.tool === 'bash' ? { tool: 'bash', args: { command: action.args.command.trim() } } : action };
}

/** Turns a function call (from JSON or XML) into an action; unknown function names are kept as they are. */
export function resolveFunctionCall(name: string, rawArgs: Record<string, unknown>): ActionResult {
  const trimmedName = name.trim();
  if (!FUNCTION_NAME.test(trimmedName)) return formatError('unparseable', `${JSON.stringify(name)} is not a function name`);
  const alias = FUNCTION_ALIASES.get(trimmedName);
  if (alias) return buildKnownAction(declaration(alias.tool), alias.dropArgs ? {} : rawArgs, true);
  const tool = declarationForCall(trimmedName, rawArgs);
  if (tool) return buildKnownAction(tool, rawArgs, true);
  return { ok: true, action: { tool: trimmedName, args: { ...rawArgs } } };
}

/** An action as a function call: SWE-agent's function name and argument keys, in canonical order. */
export function functionCallOf(action: ParsedAction): { name: string; arguments: Record<string, unknown> } {
  if (!isKnownAction(action)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(action.args).sort()) sorted[key] = action.args[key];
    return { name: action.tool, arguments: sorted };
  }
  const tool = declaration(action.tool);
  const args = action.args as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const argument of tool.args) {
    if (args[argument.key] !== undefined) out[argument.functionKey] = args[argument.key];
  }
  return { name: tool.functionName, arguments: out };
}

/** Validates an action read back from storage: known tools must carry exactly their typed arguments. */
export function checkStoredAction(action: ParsedAction): string | undefined {
  if (!isKnownAction(action)) return undefined;
  const result = buildKnownAction(declaration(action.tool), action.args as Record<string, unknown>, false);
  return result.ok ? undefined : result.error.reason;
}
