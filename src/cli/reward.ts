/**
 * `swe-srl reward srl --steps STEPS.jsonl --responses RESP.jsonl [-o OUT]`: one SRL reward line per
 * response (see src/reward/srl/score-file.ts for both file formats). `rewardCommandOf` returns the
 * shared `reward` command so other files can add subcommands (e.g. `reward groups`).
 */
import type { Command } from 'commander';
import { writeJsonLines, writeJsonLinesToStream } from '../io/json-lines.js';
import { SRL_REWARD_MODES, type SrlRewardMode } from '../reward/srl.js';
import { loadStepTargets, scoreResponses, summarize, type SrlScoreSummary } from '../reward/srl/score-file.js';
import { oneOf } from './option-values.js';

/** The `reward` command, created on first use so several files can add subcommands to it. */
export function rewardCommandOf(program: Command): Command {
  return program.commands.find((command) => command.name() === 'reward') ?? program.command('reward').description('rewards: SRL step-wise similarity, GRPO group statistics');
}

interface SrlFlags {
  steps: string;
  responses: string;
  output?: string;
  mode: SrlRewardMode;
}

export function registerRewardCommand(program: Command): Command {
  const reward = rewardCommandOf(program);
  reward
    .command('srl')
    .description('SRL step reward per response: -1 (with the reason) for a format violation, else difflib similarity to the expert action')
    .requiredOption('--steps <file>', 'steps JSONL written by `swe-srl traj steps` (raw or chat form) or `swe-srl math steps`')
    .requiredOption('--responses <file>', 'JSONL lines {"step_id": ..., "response": "<think>...</think> action"}; other fields are copied to the output')
    .option('-o, --output <file>', 'write reward lines here instead of standard output')
    .option('--mode <mode>', 'canonical: compare parsed actions in one canonical rendering; raw: compare the text after </think>', oneOf('--mode', SRL_REWARD_MODES), 'canonical')
    .action(async (flags: SrlFlags) => {
      const experts = await loadStepTargets(flags.steps);
      const summary: SrlScoreSummary = { responses: 0, formatViolations: 0, meanReward: Number.NaN };
      const lines = summarize(scoreResponses(flags.responses, experts, flags.mode), summary);
      if (flags.output) await writeJsonLines(flags.output, lines);
      else await writeJsonLinesToStream(process.stdout, lines);
      const mean = summary.responses > 0 ? summary.meanReward.toFixed(4) : 'n/a';
      console.error(`scored ${summary.responses} responses (${flags.mode}): ${summary.formatViolations} format violations, mean reward ${mean}`);
    });
  return reward;
}

/** For the command table in main.ts. */
export const register = registerRewardCommand;
