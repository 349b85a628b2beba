/**
 * Flags as overrides of the run configuration. A command declares which of its flags set which
 * field (`--max-steps` → `agent.limits.maxSteps`, in the field's own unit); the effective
 * configuration is the defaults, then the `--config` file, then the flags given. Flags bound here
 * have no commander defaults, so an unset flag never hides a value from the file; the defaults
 * live in the configuration schema (src/config/run-config.ts).
 */
import { Option, type Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { loadRunConfigFile, resolveRunConfig, type RunConfig, type RunConfigInput } from '../config/run-config.js';

export interface ConfigBinding {
  /** As commander takes it: `--max-steps <n>`. */
  flags: string;
  description: string;
  /** The field it sets, as a dotted path: `agent.limits.maxSteps`. */
  path: string;
  /** Parses the flag's text (commander's argument parser). */
  parse?: (value: string, previous: unknown) => unknown;
  /** The flag's value in the field's unit (seconds → milliseconds). */
  toConfig?: (value: unknown) => unknown;
}

/** The attribute under which commander keeps a flag's value (`--max-steps` → `maxSteps`). */
export function attributeOf(binding: ConfigBinding): string {
  return new Option(binding.flags).attributeName();
}

const bindingsOf = new WeakMap<Command, readonly ConfigBinding[]>();

/** Adds the bound flags (and `--config`) to a command. */
export function withConfigFlags(command: Command, bindings: readonly ConfigBinding[]): Command {
  for (const binding of bindings) {
    const option = new Option(binding.flags, binding.description);
    if (binding.parse) option.argParser(binding.parse as (value: string, previous: unknown) => unknown);
    command.addOption(option);
    // Commander gives a lone `--no-x` the value true when it is not given; a bound flag must stay
    // unset then, or it would hide the file's `x: false`.
    if (option.negate) command.setOptionValueWithSource(option.attributeName(), undefined, 'default');
  }
  bindingsOf.set(command, [...(bindingsOf.get(command) ?? []), ...bindings]);
  return addConfigOption(command);
}

/** `--config FILE`, on every command (main.ts adds it to those that declare no bindings). */
export function addConfigOption(command: Command): Command {
  if (!command.options.some((option) => option.long === '--config')) {
    command.option('--config <file>', 'a run configuration (YAML); flags given on the command line override it');
  }
  return command;
}

/** The flag that sets a configuration field (or an option of that name), for messages. */
export function flagForField(command: Command, field: string): string | undefined {
  const binding = bindingsOf.get(command)?.find((candidate) => candidate.path === field || attributeOf(candidate) === field);
  if (binding) return new Option(binding.flags).long;
  return command.options.find((option) => option.attributeName() === field)?.long;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/** The configuration the given flag values set (unset flags set nothing). */
export function configFromFlags(bindings: readonly ConfigBinding[], values: Record<string, unknown>): RunConfigInput {
  const config: Record<string, unknown> = {};
  for (const binding of bindings) {
    const value = values[attributeOf(binding)];
    if (value === undefined) continue;
    setPath(config, binding.path, binding.toConfig ? binding.toConfig(value) : value);
  }
  return config as RunConfigInput;
}

/** When set (by `swe-srl config print COMMAND …`), commands print their effective configuration instead of running. */
let printOnly: ((config: RunConfig) => void) | undefined;

export function printConfigInsteadOfRunning(print: (config: RunConfig) => void): void {
  printOnly = print;
}

/**
 * The effective configuration of a command: defaults, the `--config` file, the flags. Returns
 * undefined when the command is asked only to show it (`config print`): it has been printed.
 * `commandDefaults` are the command's own defaults, under the file (`math sample` asks an
 * OpenAI-compatible endpoint unless the file names another policy).
 */
export async function effectiveConfig(
  bindings: readonly ConfigBinding[],
  values: Record<string, unknown> & { config?: string },
  commandDefaults: RunConfigInput = {},
): Promise<RunConfig | undefined> {
  const file = values.config !== undefined ? await loadRunConfigFile(values.config) : undefined;
  const config = resolveRunConfig(file, configFromFlags(bindings, values), values.config ?? 'flags', commandDefaults);
  if (printOnly) {
    printOnly(config);
    return undefined;
  }
  return config;
}

/** A configuration as YAML, with the secrets (the API key, the server's token) hidden. */
export function configAsYaml(config: RunConfig): string {
  let shown = config;
  if (shown.policy && 'apiKey' in shown.policy && shown.policy.apiKey !== undefined) shown = { ...shown, policy: { ...shown.policy, apiKey: '(set)' } };
  if (shown.serve.token !== undefined) shown = { ...shown, serve: { ...shown.serve, token: '(set)' } };
  return toYaml(shown);
}
