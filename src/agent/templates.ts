/**
 * Prompt templates, read from YAML: the system and instance prompts, the message after each
 * observation (with SWE-agent's footer for the classic interface) and the format-error message,
 * together with the action format and the tools they are written for. Built-in templates live in
 * src/agent/templates/; any other path is read as a file.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { TOOL_FORMATS } from '../tools/parsers/index.js';
import { toolboxConfigSchema } from '../tools/config.js';

export const agentTemplatesSchema = z
  .object({
    name: z.string().min(1),
    format: z.enum(TOOL_FORMATS),
    /** Require the monologue inside `<think>…</think>` (the SRL response format). */
    think_tags: z.boolean().default(false),
    tools: toolboxConfigSchema.partial().default({}),
    system_template: z.string(),
    instance_template: z.string(),
    next_step_template: z.string(),
    next_step_no_output_template: z.string(),
    format_error_template: z.string(),
  })
  .strict();

export type AgentTemplates = z.output<typeof agentTemplatesSchema>;

export const BUILTIN_TEMPLATES = ['thought-action', 'xml-function-calling', 'function-calling'] as const;

function builtinPath(name: string): string {
  return fileURLToPath(new URL(`./templates/${name}.yaml`, import.meta.url));
}

/** Loads a built-in template set by name, or a YAML file by path; errors name the file and field. */
export async function loadAgentTemplates(nameOrPath: string): Promise<AgentTemplates> {
  const path = (BUILTIN_TEMPLATES as readonly string[]).includes(nameOrPath) ? builtinPath(nameOrPath) : nameOrPath;
  if (!existsSync(path)) {
    throw new InputError(`${nameOrPath}: no such template file (built-in templates: ${BUILTIN_TEMPLATES.join(', ')})`);
  }
  const text = await readFile(path, 'utf8');
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
  const parsed = agentTemplatesSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
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
