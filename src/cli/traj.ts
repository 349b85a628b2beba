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
import { MATH_STEP_BINDINGS, runMathSteps } from './math.js';
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

const DOMAINS = ['swe', 'math'] as const;

interface StepsFlags {
  from?: InputFormat;
  output: string;
  history?: number | 'all';
  observationBudget?: number;
  form?: StepForm;
  template?: string;
  config?: string;
  domain: (typeof DOMAINS)[number];
  nextTitle?: boolean;
  prefixBudget?: number;
  skipInvalid?: boolean;
}

/** `--domain math`: {problem, solution, answer} files cut as `math steps` cuts them (chat rows only), with the `math.steps` settings. */
async function mathSteps(inputs: string[], flags: StepsFlags): Promise<void> {
  if (flags.from) throw new InputError('--from: reads trajectories; with --domain math the inputs are {problem, solution, answer} JSONL (other layouts: swe-srl math steps --format/--field)');
  if (flags.form === 'raw') throw new InputError('--form: math step rows come in chat form only');
  if (flags.template !== undefined) throw new InputError('--template: math step rows use the math prompt, not the agent templates');
  const config = await effectiveConfig(TRAJ_STEPS_BINDINGS, flags as unknown as Record<string, unknown>);
  if (config === undefined) return;
  // --history counts earlier steps here; given, it overrides math.steps.history (steps.history is the trajectories').
  await runMathSteps(inputs, flags.output, { ...config.math.steps, ...(flags.history !== undefined ? { history: flags.history } : {}) });
}

const STEPS_BINDINGS: readonly ConfigBinding[] = [
  {
    flags: '--history <n|all>',
    description: `previous (action, observation) rounds in the context (default ${DEFAULT_HISTORY}; math: earlier steps, default all)`,
    path: 'steps.history',
    parse: parseHistory,
  },
  {
    flags: '--observation-budget <chars>',
    description: `longer observations keep head and tail around a truncation marker (default ${DEFAULT_OBSERVATION_BUDGET})`,
    path: 'steps.observationBudget',
    parse: parseBudget,
  },
  { flags: '--form <form>', description: `raw instances or chat prompts: ${STEP_FORMS.join(' | ')} (default raw; math: chat)`, path: 'steps.form', parse: oneOf('--form', STEP_FORMS) },
  {
    flags: '--template <name-or-file>',
    description: "chat form: the prompt templates (default: the format's built-in one in the SRL response format, e.g. thought-action-think)",
    path: 'steps.template',
  },
];

/** With the math settings, which `--domain math` reads (and the trajectories refuse). */
const TRAJ_STEPS_BINDINGS: readonly ConfigBinding[] = [...STEPS_BINDINGS, ...MATH_STEP_BINDINGS];

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
    .argument('<inputs...>', 'trajectory files (a store, or any format convert reads); with --domain math, {problem, solution, answer} JSONL')
    .requiredOption('-o, --output <file>', 'output JSONL, one step instance per line')
    .option('--domain <domain>', `${DOMAINS.join(' | ')}: coding trajectories, or math solutions in numbered steps (as swe-srl math steps)`, oneOf('--domain', DOMAINS), 'swe')
    .option('--from <format>', `input format, guessed per file when absent: ${INPUT_FORMATS.join(' | ')}`, oneOf('--from', INPUT_FORMATS));
  withConfigFlags(steps, TRAJ_STEPS_BINDINGS).action(async (inputs: string[], flags: StepsFlags) => {
    if (flags.domain === 'math') return mathSteps(inputs, flags);
    const mathOnly = (['nextTitle', 'prefixBudget', 'skipInvalid'] as const).find((key) => flags[key] !== undefined);
    if (mathOnly) throw new InputError(`--${mathOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: applies to --domain math only`);
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
