/**
 * The `swe-srl` command line. Each command lives in its own file under src/cli/ and exports a
 * `register…Command(program)` function; this file only wires them together and turns our errors
 * into one clear line on stderr instead of a stack trace.
 */
import { Command } from 'commander';
import { SweSrlError } from '../errors.js';
import { registerEvalCommand } from './eval.js';
import { registerEvalMathCommand } from './eval-math.js';
import { registerExportCommand } from './export.js';
import { registerImageCommand } from './image.js';
import { registerMathCommand } from './math.js';
import { registerRewardCommand, rewardCommandOf } from './reward.js';
import { registerRewardGroupsCommand } from './reward-groups.js';
import { registerRolloutCommand } from './rollout.js';
import { registerRunCommand } from './run.js';
import { registerSandboxCommand } from './sandbox.js';
import { registerServeCommand } from './serve.js';
import { registerSimilarityCommand } from './similarity.js';
import { registerTasksCommand } from './tasks.js';
import { registerTrainCommand } from './train.js';
import { registerTrajCommand, trajCommandOf } from './traj.js';
import { registerTrajReplaySubcommand } from './traj-replay.js';

// A reader that goes away (`swe-srl image list | head -1`) must not crash the command with an
// unhandled EPIPE: the rest of the output is dropped and the command finishes, so it still closes
// the sandboxes it started. (writeJsonLinesToStream also stops producing early in that case.)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
});

const program = new Command()
  .name('swe-srl')
  .description('Train and evaluate coding agents: sandboxes, agent loop, SRL and RLVR rewards.')
  .showHelpAfterError();

// Command registrations; `reward` and `traj` are groups whose subcommands live in several files.
registerEvalCommand(program);
registerEvalMathCommand(program);
registerExportCommand(program);
registerImageCommand(program);
registerMathCommand(program);
registerRewardCommand(program);
registerRewardGroupsCommand(rewardCommandOf(program));
registerRolloutCommand(program);
registerRunCommand(program);
registerSandboxCommand(program);
registerServeCommand(program);
registerSimilarityCommand(program);
registerTasksCommand(program);
registerTrainCommand(program);
registerTrajCommand(program);
registerTrajReplaySubcommand(trajCommandOf(program));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof SweSrlError) {
    console.error(`swe-srl: ${error.message}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
