/**
 * `swe-srl traj replay TRAJ --instances FILE --repos DIR --environments DIR`: replays a recorded
 * trajectory in a fresh sandbox at its instance's base commit, reports per step whether the
 * observation matches the recorded one (footer and CRLF normalised) and at the end whether the
 * final patch equals the recorded `info.submission` (CRLF and `index` lines normalised).
 * Exit status 0 when every replayed patch matches, 1 when one differs.
 *
 * The `traj` command group lives in traj.ts; this file adds its `replay` subcommand through
 * `registerTrajReplaySubcommand(trajCommand)`.
 */
import type { Command } from 'commander';
import { trajCommandOf } from './traj.js';
import { InputError } from '../errors.js';
import { loadInstances } from '../eval/instances.js';
import { closeSandboxesOnSignal } from '../sandbox/live-sandboxes.js';
import { readAllTrajectories } from '../trajectories/read.js';
import { replayTrajectory, type ReplayReport } from '../agent/replay/replay-trajectory.js';
import { readRawTraj, recordedToolbox } from '../agent/replay/recorded-toolbox.js';
import { FieldError } from '../errors.js';
import { positiveNumber } from './option-values.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';
import { instanceSandboxBindings, instanceSandboxesFor, type InstanceSandboxFlags } from './instance-sandbox-flags.js';

export interface TrajReplayOptions extends InstanceSandboxFlags {
  instanceId?: string;
  recordedRoot?: string;
  flavor?: 'swe-agent-0' | 'swe-agent-1';
  /** Seconds; default 120. */
  actionTimeout?: number;
  json?: boolean;
}

const REPLAY_BINDINGS: readonly ConfigBinding[] = [
  ...instanceSandboxBindings('rollout'),
  {
    flags: '--action-timeout <seconds>',
    description: 'time limit of one replayed action (default 120)',
    path: 'agent.limits.actionTimeoutMs',
    parse: positiveNumber('--action-timeout'),
    toConfig: (value) => Math.round((value as number) * 1000),
  },
];

/** Replays every trajectory in `trajPath`; prints the report and returns it. */
export async function runTrajReplay(trajPath: string, options: TrajReplayOptions, print: (line: string) => void = console.log): Promise<ReplayReport[]> {
  const config = await effectiveConfig(REPLAY_BINDINGS, options as Record<string, unknown>);
  if (config === undefined) return [];
  const instancesFile = config.rollout.instances;
  if (instancesFile === undefined) throw new FieldError('rollout.instances', 'is required: the instances the trajectories ran on');
  const trajectories = await readAllTrajectories(trajPath);
  const raw = await readRawTraj(trajPath);
  const instances = await loadInstances(instancesFile);
  const sandboxes = await instanceSandboxesFor(config.sandbox, (line) => process.stderr.write(`${line}\n`), options.quiet === true);
  const reports: ReplayReport[] = [];
  for (const trajectory of trajectories) {
    const wanted = options.instanceId ?? trajectory.instance_id;
    const instance = instances.find((candidate) => candidate.instance_id === wanted);
    if (!instance) {
      const known = instances.slice(0, 5).map((candidate) => candidate.instance_id).join(', ');
      throw new InputError(`${instancesFile}: no instance "${wanted}" (the trajectory's instance; pass --instance-id to pick another). It has: ${known}${instances.length > 5 ? ', …' : ''}`);
    }
    const tools = { ...recordedToolbox(raw, trajectory), ...(options.flavor ? { flavor: options.flavor } : {}) };
    const sandbox = await sandboxes.create(instance);
    let report: ReplayReport;
    try {
      report = await replayTrajectory({
        trajectory,
        sandbox,
        tools,
        actionTimeoutMs: config.agent.limits.actionTimeoutMs ?? 120_000,
        ...(options.recordedRoot !== undefined ? { recordedRoot: options.recordedRoot } : {}),
      });
    } finally {
      await sandbox.close();
    }
    reports.push(report);
    if (options.json) {
      const { result, ...summary } = report;
      print(JSON.stringify({ ...summary, steps: report.steps.map(({ index, action, matches }) => ({ index, action, matches })), stats: result.stats }));
      continue;
    }
    print(`${trajectory.instance_id}: replayed ${report.result.stats.steps} of ${trajectory.steps.length} steps in ${sandbox.backend} (${tools.flavor} tools, repository root ${report.recordedRoot ?? 'unknown'} → ${sandbox.workdir})`);
    for (const step of report.steps) {
      const mark = step.replayed === undefined ? '·' : step.matches ? '✓' : '✗';
      print(`  ${mark} step ${String(step.index + 1).padStart(3)}  ${step.action.slice(0, 70)}${step.replayed === undefined ? '  (not reached)' : ''}`);
    }
    print(`  observations: ${report.stepsMatched}/${report.steps.length} match the recording`);
    print(`  exit status:  ${report.exitStatus}`);
    print(`  final patch:  ${report.patchMatches ? 'equals the recorded submission' : report.recordedPatch === null ? 'the recording has no submission to compare with' : 'DIFFERS from the recorded submission'}`);
    if (!report.patchMatches && report.recordedPatch !== null) {
      print('  --- replayed patch ---');
      for (const line of (report.patch ?? '(none)').split('\n').slice(0, 40)) print(`  ${line}`);
    }
  }
  if (reports.some((report) => !report.patchMatches)) process.exitCode = 1;
  return reports;
}

export function registerTrajReplaySubcommand(trajCommand: Command): Command {
  const replay = trajCommand
    .command('replay')
    .description('replay a recorded trajectory in a fresh sandbox and compare each observation and the final patch with the recording')
    .argument('<traj>', 'a SWE-agent .traj (or any trajectory file swe-srl reads)');
  return withConfigFlags(replay, REPLAY_BINDINGS)
    .option('--instance-id <id>', 'the instance to replay on (default: the trajectory\'s own)')
    .option('--recorded-root <path>', 'where the recorded run\'s repository lived (default: its first working directory)')
    .option('--flavor <flavor>', 'force the windowed tools of swe-agent-0 or swe-agent-1', (value: string) => {
      if (value !== 'swe-agent-0' && value !== 'swe-agent-1') throw new InputError(`--flavor: "${value}" is not swe-agent-0 or swe-agent-1`);
      return value;
    })
    .option('--json', 'one JSON report per trajectory instead of text')
    .option('-q, --quiet', 'no image-build progress lines')
    .action(async (traj: string, options: TrajReplayOptions) => {
      const stopHandlingSignals = closeSandboxesOnSignal();
      try {
        await runTrajReplay(traj, options);
      } finally {
        stopHandlingSignals();
      }
    });
}

/** For the command table in main.ts: `replay` under the `traj` group. */
export function register(program: Command): void {
  registerTrajReplaySubcommand(trajCommandOf(program));
}
