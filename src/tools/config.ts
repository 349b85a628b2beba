/**
 * Which tools an episode offers and how they behave, as one validated object. Bundles are named
 * after SWE-agent's (`windowed`, `search`, `edit_replace`, …) so a SWE-agent config maps onto ours.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';
import { DEFAULT_BASH_OPTIONS } from './bash/bash-tool.js';

export const TOOL_BUNDLES = ['bash', 'windowed', 'search', 'edit_range', 'edit_replace', 'str_replace_editor', 'submit'] as const;
export type ToolBundle = (typeof TOOL_BUNDLES)[number];

export const toolboxConfigSchema = z
  .object({
    bundles: z.array(z.enum(TOOL_BUNDLES)).min(1).default(['bash', 'windowed', 'search', 'edit_replace', 'submit']),
    /** Which SWE-agent generation the windowed tools imitate (window arithmetic, messages). */
    flavor: z.enum(['swe-agent-0', 'swe-agent-1']).default('swe-agent-1'),
    window: z.number().int().min(1).default(100),
    overlap: z.number().int().min(0).default(2),
    actionTimeoutMs: z.number().int().min(1).default(DEFAULT_BASH_OPTIONS.actionTimeoutMs),
    helperTimeoutMs: z.number().int().min(1).default(20_000),
    lintPython: z.boolean().default(true),
    allowEditsOutsideRepo: z.boolean().default(false),
    blocklist: z.array(z.string()).default(DEFAULT_BASH_OPTIONS.blocklist),
    blocklistStandalone: z.array(z.string()).default(DEFAULT_BASH_OPTIONS.blocklistStandalone),
    bashSyntaxCheck: z.boolean().default(true),
    editorMaxResponseChars: z.number().int().min(1).default(16_000),
  })
  .strict();

export type ToolboxConfig = z.output<typeof toolboxConfigSchema>;

/**
 * Settings that override a toolbox given elsewhere (a template's): the same fields, every one
 * optional and none defaulted, so an override never brings back a default it did not ask for.
 */
export const toolboxOverridesSchema = z
  .object(
    Object.fromEntries(
      Object.entries(toolboxConfigSchema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()]),
    ) as unknown as { [K in keyof typeof toolboxConfigSchema.shape]: z.ZodOptional<z.ZodType<z.output<(typeof toolboxConfigSchema.shape)[K]>>> },
  )
  .strict();
export type ToolboxConfigInput = z.input<typeof toolboxConfigSchema>;

/** Validates a toolbox config; `where` names its origin (a file, a flag) in the error. */
export function parseToolboxConfig(input: unknown, where = 'tools config'): ToolboxConfig {
  const parsed = toolboxConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new InputError(`${where}: ${field}: ${issue.message}`);
}
