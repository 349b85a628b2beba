/**
 * Prompt templates, read from YAML: the system and instance prompts, the message after each
 * observation (with SWE-agent's footer for the classic interface), the format-error message and the
 * note that earlier rounds are not shown, together with the action format and the tools they are
 * written for. Built-in templates live in src/prompts/templates/; any other path is read as a file.
 * A template may `extends:` another (a built-in name or a path) and give only what differs.
 *
 * The same templates render rollout prompts (the agent loop) and SRL step prompts (`traj steps
 * --form chat`), through the one prompt builder (prompt-builder.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { TOOL_FORMATS, type ToolFormat } from '../tools/parsers/types.js';
import { toolboxOverridesSchema } from '../tools/config.js';

export const DEFAULT_OMITTED_HISTORY_TEMPLATE =
  '({omitted} earlier {omitted_rounds} not shown; the most recent ones follow.)';

export const agentTemplatesSchema = z
  .object({
    name: z.string().min(1),
    format: z.enum(TOOL_FORMATS),
    /** Require the monologue inside `<think>…</think>` (the SRL response format). */
    think_tags: z.boolean().default(false),
    tools: toolboxOverridesSchema.default({}),
    system_template: z.string(),
    instance_template: z.string(),
    next_step_template: z.string(),
    next_step_no_output_template: z.string(),
    format_error_template: z.string(),
    /** Appended to the instance prompt when a history window leaves earlier rounds out. */
    omitted_history_template: z.string().default(DEFAULT_OMITTED_HISTORY_TEMPLATE),
  })
  .strict();

export type AgentTemplates = z.output<typeof agentTemplatesSchema>;

export const BUILTIN_TEMPLATES = [
  'thought-action',
  'xml-function-calling',
  'function-calling',
  'thought-action-think',
  'function-calling-think',
] as const;

/** The built-in templates of each format, as rollouts use them and as SRL steps ask for `<think>`. */
export const TEMPLATE_FOR_FORMAT: Readonly<Record<ToolFormat, string>> = {
  thought_action: 'thought-action',
  xml_function_calling: 'xml-function-calling',
  function_calling: 'function-calling',
};
export const THINK_TEMPLATE_FOR_FORMAT: Readonly<Record<ToolFormat, string>> = {
  thought_action: 'thought-action-think',
  xml_function_calling: 'xml-function-calling',
  function_calling: 'function-calling-think',
};

function builtinPath(name: string): string {
  return fileURLToPath(new URL(`./templates/${name}.yaml`, import.meta.url));
}

function isBuiltin(nameOrPath: string): boolean {
  return (BUILTIN_TEMPLATES as readonly string[]).includes(nameOrPath);
}

function readTemplateFile(path: string, nameOrPath: string): Record<string, unknown> {
  if (!existsSync(path)) {
    throw new InputError(`${nameOrPath}: no such template file (built-in templates: ${BUILTIN_TEMPLATES.join(', ')})`);
  }
  const text = readFileSync(path, 'utf8');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0].line;
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`${path}${line ? `:${line}` : ''}: not valid YAML: ${message}`, { cause: error });
    }
    throw error;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${path}: (top level): expected a mapping of template fields`);
  return value as Record<string, unknown>;
}

/** The template's fields with those of the templates it extends underneath, parents first. */
function resolveExtends(nameOrPath: string, seen: string[]): { path: string; fields: Record<string, unknown> } {
  const path = isBuiltin(nameOrPath) ? builtinPath(nameOrPath) : resolve(nameOrPath);
  if (seen.includes(path)) throw new InputError(`${path}: extends: the templates extend each other in a circle (${[...seen, path].join(' → ')})`);
  const own = readTemplateFile(path, nameOrPath);
  const parent = own.extends;
  if (parent === undefined) return { path, fields: own };
  if (typeof parent !== 'string' || parent === '') throw new InputError(`${path}: extends: expected a built-in template name or a file path`);
  const parentRef = isBuiltin(parent) ? parent : resolve(dirname(path), parent);
  const base = resolveExtends(parentRef, [...seen, path]);
  const { extends: _extends, ...rest } = own;
  return { path, fields: { ...base.fields, ...rest } };
}

/** Loads a built-in template set by name, or a YAML file by path; errors name the file and field. */
export async function loadAgentTemplates(nameOrPath: string): Promise<AgentTemplates> {
  return loadAgentTemplatesSync(nameOrPath);
}

const builtins = new Map<string, AgentTemplates>();

/** `loadAgentTemplates` for callers that cannot wait (built-in templates are read once per process). */
export function loadAgentTemplatesSync(nameOrPath: string): AgentTemplates {
  const cached = builtins.get(nameOrPath);
  if (cached) return cached;
  const { path, fields } = resolveExtends(nameOrPath, []);
  const parsed = agentTemplatesSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  if (isBuiltin(nameOrPath)) builtins.set(nameOrPath, parsed.data);
  return parsed.data;
}

/**
 * Fills `{name}` (SWE-agent 0.x, Python format style) and `{{name}}` (1.x, Jinja style)
 * placeholders. Only known variables are replaced, so literal braces in a prompt (JSON, code) stay.
 */
export function renderTemplate(template: string, variables: Record<string, string | number>): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, jinja?: string, python?: string) => {
    const name = (jinja ?? python)!;
    return Object.hasOwn(variables, name) ? String(variables[name]) : match;
  });
}
