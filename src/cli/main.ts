/**
 * The `swe-srl` command line. Each command lives in its own file under src/cli/ and exports
 * `register(program)`; this file lists them in one table and loads only the module of the command
 * that runs (`swe-srl --help` loads none), so start-up stays fast. It also gives every command a
 * `--config FILE` option and turns our errors into one clear line on stderr instead of a stack trace.
 *
 * Adding a command is one line in COMMANDS: its name, its one-line description, and the import of
 * its module. Several lines may share a name: their modules add subcommands to one group (`traj`).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { FieldError, SweSrlError } from '../errors.js';

type Register = (program: Command) => unknown;
type CommandModule = { register: Register };

interface CommandEntry {
  name: string;
  description: string;
  load: () => Promise<CommandModule>;
}

const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', description: 'run a pipeline file: tasks, images, teacher, steps, reward check, evaluation, report; resumes', load: () => import('./run.js') },
  { name: 'sandbox', description: 'manage sandboxes: remove leftovers, run a command in a fresh one', load: () => import('./sandbox.js') },
  { name: 'image', description: 'build and list the base, environment and instance images', load: () => import('./image.js') },
  { name: 'traj', description: 'expert trajectories: convert between formats, decompose into SRL steps, replay', load: () => import('./traj.js') },
  { name: 'traj', description: '', load: () => import('./traj-replay.js') },
  { name: 'similarity', description: 'difflib SequenceMatcher ratios for a JSONL of {"a","b"} pairs (bit-identical to CPython)', load: () => import('./similarity.js') },
  { name: 'reward', description: 'rewards: SRL step-wise similarity, GRPO group statistics', load: () => import('./reward.js') },
  { name: 'reward', description: '', load: () => import('./reward-groups.js') },
  { name: 'rollout', description: 'run the agent on many instances (G samples each); predictions, episode records and trajectories; resumes', load: () => import('./rollout.js') },
  { name: 'eval', description: 'evaluate predictions as SWE-bench does: apply each patch and run the tests in a fresh sandbox', load: () => import('./eval.js') },
  { name: 'math', description: "the SRL paper's math setting: a problem family, step rows from worked solutions, sampled answers", load: () => import('./math.js') },
  { name: 'eval-math', description: 'grade math answers as the Qwen2.5-Math evaluation does and report accuracy and Avg@k per dataset', load: () => import('./eval-math.js') },
  { name: 'tasks', description: 'the built-in SWE task family: small Python packages with an injected bug', load: () => import('./tasks.js') },
  { name: 'teacher', description: 'expert trajectories: the scripted teacher (or any policy, G samples) on a task set, kept only when the patch resolves', load: () => import('./teacher.js') },
  { name: 'train', description: 'train the local policy in-process: SFT, SRL (GRPO on step rewards)', load: () => import('./train.js') },
  { name: 'export', description: 'write SRL step rows as a training dataset: verl parquet, TRL or OpenRLHF JSONL, or plain JSONL', load: () => import('./export.js') },
  { name: 'serve', description: 'serve SRL rewards (/reward/srl, OpenRLHF /get_reward) and episodes (/episodes) over HTTP', load: () => import('./serve.js') },
  { name: 'config', description: 'the run configuration: print the effective one (defaults, the --config file, a command\'s flags)', load: () => import('./config.js') },
];

// A reader that goes away (`swe-srl image list | head -1`) must not crash the command with an
// unhandled EPIPE: the rest of the output is dropped and the command finishes, so it still closes
// the sandboxes it started. (writeJsonLinesToStream also stops producing early in that case.)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
});

export function newProgram(): Command {
  return new Command()
    .name('swe-srl')
    .description('Train and evaluate coding agents: sandboxes, agent loop, SRL and RLVR rewards.')
    .enablePositionalOptions()
    .showHelpAfterError();
}

/** The command a command line names: its first word that is not an option (`help X` names X). */
function commandNamed(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** Every leaf command takes `--config FILE` (those that read it declare it themselves). */
function addConfigOptions(command: Command): void {
  if (command.commands.length === 0) {
    if (!command.options.some((option) => option.long === '--config')) {
      command.option('--config <file>', 'a run configuration (YAML); flags given on the command line override it');
    }
    return;
  }
  for (const sub of command.commands) addConfigOptions(sub);
}

/**
 * Registers on `program` the commands `args` needs: the named command's modules only, or, for the
 * overview (`--help`, no command, an unknown one), every command by name and description alone.
 */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const name = commandNamed(args);
  const entries = COMMANDS.filter((entry) => entry.name === name);
  if (entries.length === 0) {
    for (const entry of COMMANDS) {
      if (entry.description === '' || program.commands.some((command) => command.name() === entry.name)) continue;
      program.command(entry.name).description(entry.description);
    }
    return;
  }
  for (const entry of entries) (await entry.load()).register(program);
  const command = program.commands.find((candidate) => candidate.name() === name);
  const description = entries.find((entry) => entry.description !== '')?.description;
  if (command && description) command.description(description);
  for (const loaded of program.commands) addConfigOptions(loaded);
}

/** Parses and runs one command line (`args` without node and the script). */
export async function main(args: readonly string[], program = newProgram()): Promise<void> {
  let active: Command | undefined;
  program.hook('preAction', async (_root, actionCommand) => {
    active = actionCommand;
    // Every command checks its --config file, whether or not it reads a section of it.
    const configFile = actionCommand.opts().config as unknown;
    if (typeof configFile === 'string') await (await import('../config/run-config.js')).loadRunConfigFile(configFile);
  });
  await registerCommands(program, args);
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof SweSrlError)) throw error;
    let message = error.message;
    if (error instanceof FieldError && active) {
      // Library errors name the field; the command line names the flag that sets it.
      const { flagForField } = await import('./config-flags.js');
      const flag = flagForField(active, error.field);
      if (flag !== undefined) message = `${flag}: ${error.reason}`;
    }
    console.error(`swe-srl: ${message}`);
    process.exitCode = 2;
  }
}

// Run when started as a script (`tsx src/cli/main.ts`, `node dist/cli/main.js`); bin/swe-srl.js calls main().
// Not awaited at the top level: `config print` imports this module again while a command runs.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.exitCode = 1;
    console.error(error);
  });
}
