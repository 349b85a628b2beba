/**
 * `swe-srl export STEPS.jsonl… --format verl|trl|trl-sft|openrlhf|jsonl [--domain math] -o OUT`:
 * chat-form step rows (from `traj steps --form chat`, or math step rows from `math steps`) in a
 * training framework's dataset format. The settings are the `export` section of the run
 * configuration; the flags override it.
 */
import type { Command } from 'commander';
import { FieldError } from '../errors.js';
import { EXPORT_DOMAINS, EXPORT_FORMATS, exportSteps, DEFAULT_ABILITY, DEFAULT_DATA_SOURCE, DEFAULT_MATH_ABILITY, DEFAULT_MATH_DATA_SOURCE, DEFAULT_SPLIT } from '../export/index.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';
import { oneOf } from './option-values.js';

interface ExportFlags {
  output: string;
  config?: string;
  [flag: string]: unknown;
}

const EXPORT_BINDINGS: readonly ConfigBinding[] = [
  {
    flags: '--format <format>',
    description: `${EXPORT_FORMATS.join(' | ')} (trl: prompts for GRPO; trl-sft: with the expert completion)`,
    path: 'export.format',
    parse: oneOf('--format', EXPORT_FORMATS),
  },
  {
    flags: '--domain <domain>',
    description: `${EXPORT_DOMAINS.join(' | ')}: SWE chat step rows, or math step rows (swe-srl math steps) (default swe)`,
    path: 'export.domain',
    parse: oneOf('--domain', EXPORT_DOMAINS),
  },
  { flags: '--split <name>', description: `extra_info.split of every row (default ${DEFAULT_SPLIT})`, path: 'export.split' },
  { flags: '--data-source <name>', description: `verl data_source of every row (default ${DEFAULT_DATA_SOURCE}; ${DEFAULT_MATH_DATA_SOURCE} for math)`, path: 'export.dataSource' },
  { flags: '--ability <name>', description: `verl ability of every row (default ${DEFAULT_ABILITY}; ${DEFAULT_MATH_ABILITY} for math)`, path: 'export.ability' },
];

export function registerExportCommand(program: Command): Command {
  const command = program
    .command('export')
    .description('write SRL step rows as a training dataset: verl parquet, TRL or OpenRLHF JSONL, or plain JSONL')
    .argument('<steps...>', 'steps JSONL in the chat form (swe-srl traj steps --form chat), or math step rows with --domain math')
    .requiredOption('-o, --output <file>', 'output file (.parquet for verl, .jsonl otherwise)');
  return withConfigFlags(command, EXPORT_BINDINGS).action(async (inputs: string[], flags: ExportFlags) => {
    const config = await effectiveConfig(EXPORT_BINDINGS, flags);
    if (config === undefined) return;
    const settings = config.export;
    if (settings.format === undefined) throw new FieldError('export.format', `is required: ${EXPORT_FORMATS.join(', ')}`);
    const { rows } = await exportSteps(inputs, {
      format: settings.format,
      output: flags.output,
      domain: settings.domain,
      split: settings.split,
      dataSource: settings.dataSource,
      ability: settings.ability,
    });
    console.error(`wrote ${rows} ${settings.domain === 'math' ? 'math ' : ''}${settings.format} rows to ${flags.output}`);
  });
}

/** For the command table in main.ts. */
export const register = registerExportCommand;
