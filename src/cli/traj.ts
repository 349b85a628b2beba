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
import { runMathSteps, withMathStepFlags } from './math.js';
import { oneOf } from './option-values.js';

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

const DOMAINS = ['swe', 'math'] as const;

interface StepsFlags {
  from?: InputFormat;
  output: string;
  history?: number | 'all';
  observationBudget: number;
  form?: StepForm;
  domain: (typeof DOMAINS)[number];
  nextTitle?: boolean;
  prefixBudget?: number;
  skipInvalid?: boolean;
}

/** `--domain math`: {problem, solution, answer} files cut as `math steps` cuts them (chat rows only). */
async function mathSteps(inputs: string[], flags: StepsFlags): Promise<void> {
  if (flags.from) throw new InputError('--from: reads trajectories; with --domain math the inputs are {problem, solution, answer} JSONL (other layouts: swe-srl math steps --format/--field)');
  if (flags.form === 'raw') throw new InputError('--form: math step rows come in chat form only');
  await runMathSteps(inputs, {
    output: flags.output,
    ...(flags.history !== undefined ? { history: flags.history } : {}),
    nextTitle: flags.nextTitle === true,
    ...(flags.prefixBudget !== undefined ? { prefixBudget: flags.prefixBudget } : {}),
    skipInvalid: flags.skipInvalid === true,
  });
}

export function registerTrajCommand(program: Command): Command {
  const traj = trajCommandOf(program);
  traj
    .command('convert')
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
    .description('decompose trajectories into SRL step instances: context = problem + the H most recent rounds, target = the expert action')
    .argument('<inputs...>', 'trajectory files (a store, or any format convert reads); with --domain math, {problem, solution, answer} JSONL')
    .requiredOption('-o, --output <file>', 'output JSONL, one step instance per line')
    .option('--domain <domain>', `${DOMAINS.join(' | ')}: coding trajectories, or math solutions in numbered steps (as swe-srl math steps)`, oneOf('--domain', DOMAINS), 'swe')
    .option('--from <format>', `input format, guessed per file when absent: ${INPUT_FORMATS.join(' | ')}`, oneOf('--from', INPUT_FORMATS))
    .option('--history <n|all>', `previous (action, observation) rounds in the context (default ${DEFAULT_HISTORY}; math: earlier steps, default all)`, parseHistory)
    .option('--observation-budget <chars>', 'longer observations keep head and tail around a truncation marker', parseBudget, DEFAULT_OBSERVATION_BUDGET)
    .option('--form <form>', `raw instances or chat prompts: ${STEP_FORMS.join(' | ')} (default raw; math: chat)`, oneOf('--form', STEP_FORMS));
  withMathStepFlags(steps).action(async (inputs: string[], flags: StepsFlags) => {
    if (flags.domain === 'math') return mathSteps(inputs, flags);
    const mathOnly = (['nextTitle', 'prefixBudget', 'skipInvalid'] as const).find((key) => flags[key] !== undefined);
    if (mathOnly) throw new InputError(`--${mathOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: applies to --domain math only`);
    const form = flags.form ?? 'raw';
    const report = await writeStepFile(inputs, {
      ...(flags.from ? { from: flags.from } : {}),
      output: flags.output,
      form,
      history: flags.history ?? DEFAULT_HISTORY,
      observationBudget: flags.observationBudget,
    });
    console.error(`wrote ${report.steps} ${form} step instances from ${report.trajectories} trajectories to ${flags.output}`);
  });
  return traj;
}
