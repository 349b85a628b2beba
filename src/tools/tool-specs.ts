/**
 * The tools' documentation as data, derived from the catalogue (catalog.ts): the signature,
 * docstring and JSON-schema parameters of each enabled tool, the way SWE-agent's command docs and
 * OpenAI function calling describe them. Prompts list them (`renderCommandDocs`), policies that
 * use native function calling send them (`openAiTools`).
 */
import type { ToolParameter, ToolSpec } from './types.js';
import type { ToolBundle } from './config.js';
import { declarationsFor, type ToolArgument, type ToolDeclaration } from './catalog.js';

function parameterOf(argument: ToolArgument): ToolParameter {
  const parameter: ToolParameter =
    argument.type === 'line_range'
      ? { type: 'array', items: { type: 'integer' }, description: argument.description }
      : { type: argument.type, description: argument.description };
  if (argument.enum) parameter.enum = [...argument.enum];
  return parameter;
}

/** One declaration as a spec; `{WINDOW}` in its docstring is filled in. */
export function toolSpecOf(declaration: ToolDeclaration, window: number): ToolSpec {
  const properties: Record<string, ToolParameter> = {};
  for (const argument of declaration.args) properties[argument.functionKey] = parameterOf(argument);
  const spec: ToolSpec = {
    name: declaration.functionName,
    signature: declaration.signature,
    description: declaration.description.replaceAll('{WINDOW}', String(window)),
    parameters: { type: 'object', properties, required: declaration.args.filter((argument) => argument.required).map((argument) => argument.functionKey) },
  };
  if (declaration.endMarker !== undefined) spec.endMarker = declaration.endMarker;
  return spec;
}

/** The specs of the enabled bundles, in the catalogue's order. */
export function toolSpecsFor(bundles: readonly ToolBundle[], window: number): ToolSpec[] {
  return declarationsFor(bundles).map((declaration) => toolSpecOf(declaration, window));
}

/** SWE-agent's `command_docs` rendering, for system prompts. */
export function renderCommandDocs(specs: readonly ToolSpec[]): string {
  return specs
    .map((item) => {
      const lines = [`${item.name}:`, `  docstring: ${item.description}`, `  signature: ${item.signature}`];
      const names = Object.keys(item.parameters.properties);
      if (names.length > 0) {
        lines.push('  arguments:');
        for (const name of names) {
          const property = item.parameters.properties[name]!;
          const required = item.parameters.required.includes(name) ? 'required' : 'optional';
          lines.push(`    - ${name} (${property.type}) [${required}]: ${property.description}`);
        }
      }
      return lines.join('\n');
    })
    .join('\n\n');
}

/** The `tools` field of an OpenAI chat request (and of training rows that carry native tool calls). */
export function openAiTools(specs: readonly ToolSpec[]): Array<{ type: 'function'; function: { name: string; description: string; parameters: ToolSpec['parameters'] } }> {
  return specs.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
}
