/**
 * `swe-srl train sft|srl|rlvr|backend`: train the local policy in-process.
 *
 *     swe-srl train sft --steps STEPS.jsonl --out runs/sft [--config run.yaml] [--preset tiny]
 *     swe-srl train sft --trajectories TRAJS.jsonl [--whole-trajectories] --out runs/sft
 *     swe-srl train srl --steps STEPS.jsonl --init runs/sft/model --out runs/srl
 *     swe-srl train rlvr --tasks INSTANCES.jsonl --repos REPOS [--heldout HELDOUT.jsonl] --init runs/srl/model --out runs/rlvr
 *     swe-srl train backend
 *
 * Progress goes to stderr, one line per step; Ctrl-C checkpoints and stops, and the same command
 * again resumes from the last checkpoint. TensorFlow.js is loaded only when a train command runs,
 * so the other commands start as fast as before. The training settings are the `train` section of
 * the run configuration (fields and defaults: src/train/config.ts); `--backend`, `--seed` and
 * `--preset` override it.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { BACKEND_SETTINGS, describeSelection } from '../train/backends/backend-names.js';
import type { TrainConfig } from '../train/config.js';
import type { TrainEvent } from '../train/events.js';
import { MODEL_PRESET_NAMES } from '../train/model/config.js';
import type { SftSource } from '../train/sft/sft-trainer.js';
import type { SrlSource } from '../train/srl/srl-trainer.js';
import { basename, resolve as resolvePath } from 'node:path';
import { integerAtLeast, oneOf, sandboxBackend } from './option-values.js';
import { instanceSandboxesFor } from './instance-sandbox-flags.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';

interface TrainFlags {
  steps?: string;
  trajectories?: string;
  wholeTrajectories?: boolean;
  validation?: string;
  out: string;
  config?: string;
  init?: string;
  maxSteps?: number;
  [flag: string]: unknown;
}

const BACKEND_BINDING: ConfigBinding = {
  flags: '--backend <name>',
  description: `force a backend: ${BACKEND_SETTINGS.join(', ')} (default: SWE_SRL_TRAIN_BACKEND, else the best present)`,
  path: 'train.backend',
  parse: oneOf('--backend', BACKEND_SETTINGS),
};

const TRAIN_BINDINGS: readonly ConfigBinding[] = [
  BACKEND_BINDING,
  { flags: '--preset <name>', description: `model size for a new model: ${MODEL_PRESET_NAMES.join(', ')}`, path: 'train.model.preset', parse: oneOf('--preset', MODEL_PRESET_NAMES) },
  { flags: '--seed <n>', description: 'random seed', path: 'train.seed', parse: integerAtLeast('--seed', 0) },
];

/** The `train` section of the effective run configuration; undefined when `config print` showed it. */
async function configOf(flags: TrainFlags): Promise<{ config: TrainConfig; source: string } | undefined> {
  const config = await effectiveConfig(TRAIN_BINDINGS, flags);
  if (config === undefined) return undefined;
  return { config: config.train, source: `${flags.config ?? 'run configuration'}: train` };
}

function sourceOf(flags: TrainFlags, allowWhole: boolean): SftSource {
  if ((flags.steps === undefined) === (flags.trajectories === undefined)) throw new InputError('give exactly one of --steps and --trajectories');
  if (flags.steps !== undefined) return { kind: 'steps', path: flags.steps };
  if (flags.wholeTrajectories && !allowWhole) throw new InputError('--whole-trajectories: SRL learns from step instances only');
  return { kind: flags.wholeTrajectories ? 'trajectories' : 'trajectory-steps', path: flags.trajectories! };
}

function validationOf(flags: TrainFlags, data: SftSource): SftSource | undefined {
  return flags.validation === undefined ? undefined : { kind: data.kind, path: flags.validation };
}

function fixed(value: unknown, digits = 3): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function progressPrinter(total: () => number): (event: TrainEvent) => void {
  const out = (line: string): void => void process.stderr.write(`${line}\n`);
  return (event) => {
    switch (event.type) {
      case 'backend':
        out(`backend: ${event.selection.backend}${event.selection.forced ? ' (forced)' : ''}`);
        for (const line of describeSelection(event.selection)) out(`  ${line}`);
        break;
      case 'tokenizer':
        out(`tokenizer: learned ${event.size} tokens from the training data`);
        break;
      case 'model':
        out(`model: ${event.source}${event.from ? ` from ${event.from}` : ''}, ${(event.parameters / 1e6).toFixed(2)}M parameters${event.step !== undefined ? `, at step ${event.step}` : ''}`);
        break;
      case 'data':
        out(`data: ${event.train} training and ${event.validation} validation examples; ${event.droppedRounds} history rounds left out and ${event.shortenedPrompts} prompts shortened to fit, ${event.truncatedResponses} answers cut`);
        break;
      case 'step': {
        const m = event.metrics;
        const tail = m.stage !== 'sft' ? `reward ${fixed(m.reward_mean)} ± ${fixed(m.reward_std)}, kept ${m.groups_kept}/${m.groups_sampled} groups, ${fixed(m.sample_tokens_per_s, 0)} sampled tok/s` : `${fixed(m.tokens_per_s, 0)} tok/s`;
        out(`${m.stage} step ${m.step}/${total()}: loss ${fixed(m.loss, 4)}, lr ${typeof m.lr === 'number' ? m.lr.toExponential(2) : 'n/a'}, ${tail}`);
        break;
      }
      case 'validation': {
        const m = event.metrics;
        const resolve = m.heldout_resolve_rate !== undefined ? `, held-out resolve rate ${fixed(m.heldout_resolve_rate)}` : '';
        out(`${m.stage} step ${m.step}: ${m.val_loss !== undefined ? `validation loss ${fixed(m.val_loss, 4)}` : `validation reward ${fixed(m.val_reward)}`}${resolve}${event.best ? ' (best so far, kept in best/)' : ''}`);
        break;
      }
      case 'episodes':
        out(`  rlvr step ${event.step}: ${event.task}: rewards [${event.rewards.map((r) => fixed(r, 2)).join(', ')}] (${event.exitStatuses.join(', ')}) ${event.kept ? 'kept' : 'dropped (no spread)'}`);
        break;
      case 'stalled':
        out(`rlvr step ${event.step}: stopped: ${event.message}`);
        break;
      case 'checkpoint':
        out(`checkpoint: ${event.dir}`);
        break;
      case 'interrupted':
        out(`interrupted at step ${event.step}; ${event.checkpoint ? `checkpoint ${event.checkpoint}; run the same command again to resume` : 'no checkpoint yet'}`);
        break;
      case 'done':
        out(`done: step ${event.step}, model in ${event.modelDir}`);
        break;
    }
  };
}

/** Ctrl-C (or SIGTERM) asks the trainer to checkpoint and stop; a second one exits at once. */
function interruptSignal(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('stopping after this step (again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, release: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal), undefined) };
}

/** What every `train` command hands its trainer: the start model, the step cap, the interrupt and progress. */
interface TrainerRunOptions {
  init?: string;
  maxSteps?: number;
  signal: AbortSignal;
  onEvent: (event: TrainEvent) => void;
}

/**
 * Runs one trainer with the options every `train` command shares (`--init`, `--max-steps`, Ctrl-C
 * as a checkpoint-and-stop, progress against the configured steps) and exits 130 when interrupted.
 */
async function runTrainer<Result extends { interrupted: boolean }>(
  flags: TrainFlags,
  configuredSteps: number,
  train: (options: TrainerRunOptions) => Promise<Result>,
): Promise<Result> {
  const { signal, release } = interruptSignal();
  try {
    const result = await train({
      ...(flags.init ? { init: flags.init } : {}),
      ...(flags.maxSteps !== undefined ? { maxSteps: flags.maxSteps } : {}),
      signal,
      onEvent: progressPrinter(() => Math.min(configuredSteps, flags.maxSteps ?? Infinity)),
    });
    if (result.interrupted) process.exitCode = 130;
    return result;
  } finally {
    release();
  }
}

function commonOptions(command: Command): Command {
  return withConfigFlags(command, TRAIN_BINDINGS)
    .option('--steps <file>', 'SRL step rows in chat form, as `swe-srl traj steps --form chat` writes them, or math step rows (`swe-srl math steps`)')
    .option('--trajectories <file>', 'trajectories in any format `swe-srl traj convert` reads, cut into steps with the expert\'s thoughts')
    .option('--validation <file>', 'held-out examples in the same form (default: data.validationFraction of the training data)')
    .requiredOption('--out <dir>', 'output folder: checkpoints/, metrics.jsonl, best/, model/ (run again to resume)')
    .option('--init <dir>', 'start from this model folder (a previous run\'s model/ or best/)')
    .option('--max-steps <n>', 'stop after this many steps in total (the schedule still spans the configured steps)', integerAtLeast('--max-steps', 1));
}

export function registerTrainCommand(program: Command): void {
  const train = program.command('train').description('train the local policy in-process: SFT, SRL (GRPO on step rewards), RLVR (GRPO on episodes)');

  commonOptions(train.command('sft').description('supervised fine-tuning on expert answers (prompt tokens masked)'))
    .option('--whole-trajectories', 'with --trajectories: one example per trajectory, every assistant turn learned')
    .action(async (flags: TrainFlags) => {
      const resolved = await configOf(flags);
      if (resolved === undefined) return;
      const { config, source } = resolved;
      const data = sourceOf(flags, true);
      const validation = validationOf(flags, data);
      const { trainSft } = await import('../train/sft/sft-trainer.js');
      await runTrainer(flags, config.sft.steps, (common) =>
        trainSft({ config, configSource: source, outDir: flags.out, data, ...(validation ? { validation } : {}), ...common }),
      );
    });

  commonOptions(train.command('srl').description('SRL: GRPO on step instances with the SRL reward and dynamic sampling'))
    .action(async (flags: TrainFlags) => {
      const resolved = await configOf(flags);
      if (resolved === undefined) return;
      const { config, source } = resolved;
      const data = sourceOf(flags, false) as SrlSource;
      const validation = validationOf(flags, data) as SrlSource | undefined;
      const { trainSrl } = await import('../train/srl/srl-trainer.js');
      const result = await runTrainer(flags, config.srl.steps, (common) =>
        trainSrl({ config, configSource: source, outDir: flags.out, data, ...(validation ? { validation } : {}), ...common }),
      );
      process.stderr.write(`groups kept: ${(100 * result.keptFraction).toFixed(1)}% of those sampled\n`);
    });

  const sandboxBindings: ConfigBinding[] = [
    { flags: '--repos <dir>', description: 'the tasks\' repositories (owner__name clones or bundles)', path: 'sandbox.repos' },
    { flags: '--environments <dir>', description: 'environment specs (default: environments)', path: 'sandbox.environments' },
    { flags: '--sandbox <backend>', description: 'where episodes run: auto (Docker when an engine answers, else local), docker or local', path: 'sandbox.backend', parse: sandboxBackend },
  ];
  withConfigFlags(train.command('rlvr').description('RLVR: GRPO on whole episodes in sandboxes, rewarded by the evaluation stage'), [...TRAIN_BINDINGS, ...sandboxBindings])
    .requiredOption('--tasks <file>', 'training tasks: SWE-bench instances (JSON or JSONL)')
    .option('--heldout <file>', 'held-out tasks for validation: reward and resolve rate every rlvr.evalEvery steps')
    .requiredOption('--out <dir>', 'output folder: checkpoints/, metrics.jsonl, best/, model/ (run again to resume)')
    .option('--init <dir>', 'start from this model folder (an SFT or SRL run\'s model/ or best/)')
    .option('--max-steps <n>', 'stop after this many steps in total', integerAtLeast('--max-steps', 1))
    .action(async (flags: TrainFlags & { tasks: string; heldout?: string }) => {
      const run = await effectiveConfig([...TRAIN_BINDINGS, ...sandboxBindings], flags);
      if (run === undefined) return;
      const config = run.train;
      const source = `${flags.config ?? 'run configuration'}: train`;
      const { loadInstances } = await import('../eval/instances.js');
      const tasks = await loadInstances(flags.tasks);
      const heldout = flags.heldout !== undefined ? await loadInstances(flags.heldout) : undefined;
      const sandboxes = await instanceSandboxesFor(run.sandbox, (line) => void process.stderr.write(`${line}\n`), true);
      const { trainRlvr } = await import('../train/rlvr/rlvr-trainer.js');
      const { episodeEnvironmentOf } = await import('../train/rlvr/episode-environment.js');
      const runId = `rlvr-${basename(resolvePath(flags.out))}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
      await sandboxes.removeLeftovers(runId);
      const result = await runTrainer(flags, config.rlvr.steps, (common) =>
        trainRlvr({
          config,
          configSource: source,
          outDir: flags.out,
          tasks,
          tasksSource: flags.tasks,
          ...(heldout ? { validation: heldout } : {}),
          environments: episodeEnvironmentOf(sandboxes, run.sandbox.environments, runId),
          ...common,
        }),
      );
      process.stderr.write(`groups kept: ${(100 * result.keptFraction).toFixed(1)}% of those sampled; ${result.sampledTokens} tokens sampled${result.stalled ? `; stopped early: ${result.stalled}` : ''}\n`);
    });

  withConfigFlags(train.command('backend').description('say which TensorFlow.js backend training would use, and why not the others'), [BACKEND_BINDING])
    .action(async (flags: TrainFlags) => {
      const config = await effectiveConfig([BACKEND_BINDING], flags);
      if (config === undefined) return;
      const { resolveBackendSetting, selectBackend } = await import('../train/backends/ladder.js');
      const selection = await selectBackend(resolveBackendSetting(config.train.backend));
      process.stdout.write(`${selection.backend}\n`);
      for (const line of describeSelection(selection)) process.stderr.write(`${line}\n`);
    });
}

/** For the command table in main.ts. */
export const register = registerTrainCommand;
