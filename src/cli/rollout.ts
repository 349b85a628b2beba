/**
 * `swe-srl rollout --policy openai|replay --instances FILE --repos DIR -o DIR [--samples G]`: runs
 * the agent on every instance (G episodes each) in parallel sandboxes and writes DIR/preds.jsonl
 * (SWE-bench predictions), DIR/episodes.jsonl (one record per episode, for trainers), one `.traj`
 * per episode under DIR/trajectories and DIR/runs.jsonl. It prints its run id, which labels its
 * containers; run it again with the same DIR to resume (an interrupted run's containers are removed
 * and finished episodes are not redone). Every flag overrides the `--config` file's value.
 */
import type { Command } from 'commander';
import { FieldError } from '../errors.js';
import { loadInstances } from '../eval/instances.js';
import { closeSandboxesOnSignal } from '../sandbox/live-sandboxes.js';
import type { RunConfig } from '../config/run-config.js';
import { runRollout, type RolloutEvent } from '../agent/rollout/run-rollout.js';
import { rolloutPolicies } from '../agent/rollout/policies.js';
import { integerAtLeast } from './option-values.js';
import { AGENT_BINDINGS, POLICY_BINDINGS } from './run-bindings.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';
import { instanceSandboxBindings, instanceSandboxesFor, POOL_SIZE_BINDING, type InstanceSandboxFlags } from './instance-sandbox-flags.js';
import { abortOnSignal } from './signals.js';

export interface RolloutFlags extends InstanceSandboxFlags {
  policy?: string;
  maxWorkers?: number;
  samples?: number;
  output?: string;
  runId?: string;
  instanceIds?: string[];
  template?: string;
  // openai
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  logprobs?: boolean;
  topLogprobs?: number;
  requestTimeout?: number;
  maxRetries?: number;
  // replay
  trajectories?: string[];
  // limits
  maxSteps?: number;
  actionTimeout?: number;
  totalTime?: number;
  maxFormatErrors?: number;
  contextBudget?: number;
  keepObservations?: number;
  history?: number | 'all';
  think?: boolean;
  verbose?: boolean;
}

export const ROLLOUT_BINDINGS: readonly ConfigBinding[] = [
  ...instanceSandboxBindings('rollout'),
  { flags: '-o, --output <dir>', description: 'output folder (preds.jsonl, episodes.jsonl, trajectories/, runs.jsonl); reused to resume', path: 'rollout.output' },
  { flags: '--samples <G>', description: 'episodes per instance (ids <instance>#<g>; default 1)', path: 'rollout.samples', parse: integerAtLeast('--samples', 1) },
  { flags: '--max-workers <n>', description: 'episodes run at once (default 1)', path: 'rollout.maxWorkers', parse: integerAtLeast('--max-workers', 1) },
  POOL_SIZE_BINDING,
  { flags: '--run-id <id>', description: 'labels the run\'s sandboxes (default: the one kept in the output folder, else a new one)', path: 'rollout.runId' },
  { flags: '--instance-ids <ids>', description: 'only these instances (comma-separated)', path: 'rollout.instanceIds', parse: (value: string) => value.split(',').map((id) => id.trim()).filter(Boolean) },
  ...AGENT_BINDINGS,
  ...POLICY_BINDINGS,
];

function describeEvent(event: RolloutEvent, verbose: boolean): string | undefined {
  const progress = (finished: number, total: number) => `[${String(finished).padStart(String(total).length)}/${total}]`;
  switch (event.kind) {
    case 'plan':
      return [
        `rollout: run id ${event.runId} (its sandboxes carry the label swe-srl.run=${event.runId})`,
        ...(event.leftoversRemoved > 0 ? [`rollout: removed ${event.leftoversRemoved} container(s) left by an earlier, interrupted run`] : []),
        `rollout: ${event.total} episodes, ${event.alreadyFinished} already finished, ${event.toRun} to run`,
      ].join('\n');
    case 'start':
      return verbose ? `  → ${event.id} started (${event.running} running)` : undefined;
    case 'step':
      return verbose ? `    ${event.id} step ${event.step}: ${event.tool}` : undefined;
    case 'finish': {
      const { stats, exitStatus } = event.result;
      const tokens = stats.usage.totalTokens > 0 ? `, ${stats.usage.promptTokens} + ${stats.usage.completionTokens} tokens` : '';
      return `${progress(event.finished, event.total)} ${event.id}: ${exitStatus} after ${stats.steps} steps in ${(stats.durationMs / 1000).toFixed(1)} s${tokens}`;
    }
    case 'error':
      return `${progress(event.finished, event.total)} ${event.id}: error: ${event.message} (will be retried on resume)`;
    case 'warning':
      return `rollout: warning: ${event.message}`;
    case 'log':
      return event.message;
    case 'end':
      return undefined;
  }
}

export interface RolloutDisplay {
  log: (line: string) => void;
  verbose?: boolean;
  quiet?: boolean;
  signal?: AbortSignal;
}

/** Runs the rollout a configuration describes; progress goes to `display.log`. */
export async function runRolloutFromConfig(config: RunConfig, display: RolloutDisplay): Promise<void> {
  const { log } = display;
  const settings = config.rollout;
  if (settings.instances === undefined) throw new FieldError('rollout.instances', 'is required: the instances to run on (JSON or JSONL)');
  if (settings.output === undefined) throw new FieldError('rollout.output', 'is required: the folder the rollout writes (and resumes from)');
  let instances = await loadInstances(settings.instances);
  if (settings.instanceIds && settings.instanceIds.length > 0) {
    const wanted = new Set(settings.instanceIds);
    const missing = [...wanted].filter((id) => !instances.some((instance) => instance.instance_id === id));
    if (missing.length > 0) throw new FieldError('rollout.instanceIds', `not in ${settings.instances}: ${missing.join(', ')}`);
    instances = instances.filter((instance) => wanted.has(instance.instance_id));
  }
  const policies = await rolloutPolicies(config, instances, {
    onRetry: ({ attempt, delayMs, reason }) => log(`  policy: retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s (${reason})`),
  });
  if (policies.skipped.length > 0) log(`rollout: no trajectory for ${policies.skipped.length} instance(s), skipped: ${policies.skipped.slice(0, 5).join(', ')}`);
  const sandboxes = await instanceSandboxesFor(config.sandbox, log, display.quiet === true);
  const summary = await runRollout({
    instances: policies.instances,
    outputDir: settings.output,
    maxWorkers: settings.maxWorkers,
    samples: settings.samples,
    ...(settings.runId !== undefined ? { runId: settings.runId } : {}),
    policyFor: policies.policyFor,
    templatesFor: policies.templatesFor,
    createSandbox: (instance, labels) => sandboxes.create(instance, labels),
    removeLeftovers: (runId) => sandboxes.removeLeftovers(runId),
    planSandboxes: (planned, labels) => sandboxes.plan(planned, labels),
    closeSandboxes: () => sandboxes.close(),
    agentConfig: {
      limits: config.agent.limits,
      sampling: config.sampling,
      tools: config.tools,
      history: config.agent.history,
      ...(config.agent.keepLastObservations !== undefined ? { keepLastObservations: config.agent.keepLastObservations } : {}),
      ...(config.agent.thinkTags !== undefined ? { thinkTags: config.agent.thinkTags } : {}),
    },
    onEvent: (event) => {
      const line = describeEvent(event, display.verbose === true);
      if (line !== undefined && !(display.quiet && event.kind !== 'plan' && event.kind !== 'error' && event.kind !== 'warning')) log(line);
    },
    ...(display.signal ? { signal: display.signal } : {}),
  });
  const statuses = Object.entries(summary.exitStatuses).map(([status, count]) => `${count} ${status}`).join(', ') || 'none';
  log(`rollout: ran ${summary.ran} (${statuses}); ${summary.failed} failed; predictions in ${summary.paths.predictions}, episode records in ${summary.paths.episodes}`);
  if (summary.failed > 0) process.exitCode = 1;
}

/** The command's flags (and `--config`) to a run, as the command line gives them. */
export async function runRolloutCommand(flags: RolloutFlags, log: (line: string) => void = (line) => console.error(line), signal?: AbortSignal): Promise<void> {
  const config = await effectiveConfig(ROLLOUT_BINDINGS, flags as Record<string, unknown>);
  if (config === undefined) return;
  await runRolloutFromConfig(config, { log, verbose: flags.verbose === true, quiet: flags.quiet === true, ...(signal ? { signal } : {}) });
}

export function registerRolloutCommand(program: Command): Command {
  const rollout = program
    .command('rollout')
    .description('run the agent on many instances in parallel sandboxes; writes predictions, episode records and trajectories, resumes where it stopped');
  return withConfigFlags(rollout, ROLLOUT_BINDINGS)
    .option('-v, --verbose', 'a progress line per step')
    .option('-q, --quiet', 'only the plan, errors and the summary')
    .action(async (flags: RolloutFlags) => {
      // Aborted before the sandboxes are closed, so an episode cut off by the signal is not recorded.
      const interrupted = abortOnSignal();
      const stopHandlingSignals = closeSandboxesOnSignal();
      try {
        await runRolloutCommand(flags, undefined, interrupted.signal);
      } finally {
        stopHandlingSignals();
        interrupted.dispose();
      }
    });
}

/** For the command table in main.ts. */
export const register = registerRolloutCommand;
