/**
 * `swe-srl traj convert` and `swe-srl traj steps`: trajectory files in, the normalized store (or
 * chat-XML / .traj) and SRL step instances out. `trajCommandOf` lets other files add subcommands
 * (such as `traj replay`) to the same `traj` command.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { convertTrajectories, OUTPUT_FORMATS, type OutputFormat } from '../trajectories/convert.js';
import { INPUT_FORMATS, type InputFormat } from '../trajectories/schema.js';
import { DEFAULT_HISTORY, DEFAULT_OBSERVATION_BUDGET } from '../trajectories/steps/decompose.js';
import { STEP_FORMS, writeStepFile, type StepForm } from '../trajectories/steps/write-steps.js';
import { loadAgentTemplates } from '../prompts/templates.js';
import { oneOf } from './option-values.js';
import { addConfigOption, effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';

function parseHistory(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const count = Number(value);
  if (value.trim() === '' || !Number.isInteger(count) || count < 0) throw new InputError(`--history: "${value}" is not a number of rounds >= 0 or "all"`);
  return count;
}

function parseBudget(value: string): number {
  const budget = Number(value);
  if (value.trim() === '' || !Number.isInteger(budget) || budget < 0) throw new InputError(`--observation-budget: "${value}" is not a number of characters >= 0`);
  return budget;
}

/** The `traj` command, created on first use so several files can add subcommands to it. */
export function trajCommandOf(program: Command): Command {
  return (
    program.commands.find((command) => command.name() === 'traj') ??
    program.command('traj').description('expert trajectories: convert between formats, decompose into SRL steps')
  );
}

interface ConvertFlags {
  from?: InputFormat;
  to: OutputFormat;
  output: string;
  skipInvalid?: boolean;
}

interface StepsFlags {
  from?: InputFormat;
  output: string;
  history?: number | 'all';
  observationBudget?: number;
  form?: StepForm;
  template?: string;
  config?: string;
}

const STEPS_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--history <n|all>', description: `previous (action, observation) rounds in the context (default ${DEFAULT_HISTORY})`, path: 'steps.history', parse: parseHistory },
  {
    flags: '--observation-budget <chars>',
    description: `longer observations keep head and tail around a truncation marker (default ${DEFAULT_OBSERVATION_BUDGET})`,
    path: 'steps.observationBudget',
    parse: parseBudget,
  },
  { flags: '--form <form>', description: `raw instances or chat prompts: ${STEP_FORMS.join(' | ')} (default raw)`, path: 'steps.form', parse: oneOf('--form', STEP_FORMS) },
  {
    flags: '--template <name-or-file>',
    description: "chat form: the prompt templates (default: the format's built-in one in the SRL response format, e.g. thought-action-think)",
    path: 'steps.template',
  },
];

export function registerTrajCommand(program: Command): Command {
  const traj = trajCommandOf(program);
  addConfigOption(traj
    .command('convert'))
    .description('read trajectories (.traj, demonstration YAML, chat-XML or OpenAI-messages JSONL, a store) and write them normalized')
    .argument('<inputs...>', 'trajectory files')
    .requiredOption('-o, --output <path>', 'output JSONL file (a folder for --to swe-agent-traj)')
    .option('--from <format>', `input format, guessed per file when absent: ${INPUT_FORMATS.join(' | ')}`, oneOf('--from', INPUT_FORMATS))
    .option('--to <format>', `output format: ${OUTPUT_FORMATS.join(' | ')}`, oneOf('--to', OUTPUT_FORMATS), 'store')
    .option('--skip-invalid', 'report unreadable trajectories on stderr and go on instead of stopping')
    .action(async (inputs: string[], flags: ConvertFlags) => {
      const report = await convertTrajectories(inputs, {
        ...(flags.from ? { from: flags.from } : {}),
        to: flags.to,
        output: flags.output,
        skipInvalid: flags.skipInvalid === true,
        onSkip: (error) => console.error(`swe-srl: skipped: ${error.message}`),
      });
      console.error(`wrote ${report.written} trajectories to ${flags.output}${report.skipped > 0 ? `; skipped ${report.skipped}` : ''}`);
    });

  const steps = traj
    .command('steps')
    .description('decompose trajectories into SRL step instances: context = problem + the H most recent rounds, target = the expert action; chat prompts come from the rollout templates')
    .argument('<inputs...>', 'trajectory files (a store, or any format convert reads)')
    .requiredOption('-o, --output <file>', 'output JSONL, one step instance per line')
    .option('--from <format>', `input format, guessed per file when absent: ${INPUT_FORMATS.join(' | ')}`, oneOf('--from', INPUT_FORMATS));
  withConfigFlags(steps, STEPS_BINDINGS).action(async (inputs: string[], flags: StepsFlags) => {
    const config = await effectiveConfig(STEPS_BINDINGS, flags as unknown as Record<string, unknown>);
    if (config === undefined) return;
    const settings = config.steps;
    const report = await writeStepFile(inputs, {
      ...(flags.from ? { from: flags.from } : {}),
      output: flags.output,
      form: settings.form,
      history: settings.history,
      observationBudget: settings.observationBudget,
      ...(settings.template !== undefined ? { templates: await loadAgentTemplates(settings.template) } : {}),
    });
    console.error(`wrote ${report.steps} ${settings.form} step instances from ${report.trajectories} trajectories to ${flags.output}`);
  });
  return traj;
}

/** For the command table in main.ts. */
export const register = registerTrajCommand;
