/**
 * `swe-srl export STEPS.jsonl… --format verl|trl|trl-sft|openrlhf|jsonl -o OUT`: chat-form step rows
 * (from `traj steps --form chat`) in a training framework's dataset format.
 */
import type { Command } from 'commander';
import { EXPORT_FORMATS, exportSteps, DEFAULT_ABILITY, DEFAULT_DATA_SOURCE, DEFAULT_SPLIT, type ExportFormat } from '../export/index.js';
import { oneOf } from './option-values.js';

interface ExportFlags {
  format: ExportFormat;
  output: string;
  split: string;
  dataSource: string;
  ability: string;
}

export function registerExportCommand(program: Command): Command {
  return program
    .command('export')
    .description('write SRL step rows as a training dataset: verl parquet, TRL or OpenRLHF JSONL, or plain JSONL')
    .argument('<steps...>', 'steps JSONL in the chat form (swe-srl traj steps --form chat)')
    .requiredOption('--format <format>', `${EXPORT_FORMATS.join(' | ')} (trl: prompts for GRPO; trl-sft: with the expert completion)`, oneOf('--format', EXPORT_FORMATS))
    .requiredOption('-o, --output <file>', 'output file (.parquet for verl, .jsonl otherwise)')
    .option('--split <name>', 'extra_info.split of every row', DEFAULT_SPLIT)
    .option('--data-source <name>', 'verl data_source of every row', DEFAULT_DATA_SOURCE)
    .option('--ability <name>', 'verl ability of every row', DEFAULT_ABILITY)
    .action(async (inputs: string[], flags: ExportFlags) => {
      const { rows } = await exportSteps(inputs, {
        format: flags.format,
        output: flags.output,
        split: flags.split,
        dataSource: flags.dataSource,
        ability: flags.ability,
      });
      console.error(`wrote ${rows} ${flags.format} rows to ${flags.output}`);
    });
}
