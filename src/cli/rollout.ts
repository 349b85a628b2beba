/**
 * `swe-srl rollout --policy openai|replay --instances FILE --max-workers N -o DIR`: runs the agent on
 * every instance in parallel sandboxes and writes DIR/preds.jsonl (SWE-bench predictions), one
 * `.traj` per instance under DIR/trajectories and DIR/runs.jsonl. Run it again with the same DIR to
 * resume: finished instances are not redone. Progress goes to stderr.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { loadInstances, type Instance } from '../eval/instances.js';
import { closeSandboxesOnSignal } from '../sandbox/live-sandboxes.js';
import { readAllTrajectories } from '../trajectories/read.js';
import type { Trajectory } from '../trajectories/schema.js';
import { OpenAiPolicy } from '../policy/openai/openai-policy.js';
import { resolveOpenAiConfig } from '../policy/openai/openai-config.js';
import { ReplayPolicy } from '../policy/replay-policy.js';
import type { Policy } from '../policy/types.js';
import { loadAgentTemplates, type AgentTemplates } from '../prompts/templates.js';
import { parseAgentConfig, type AgentConfigInput } from '../agent/agent-config.js';
import { runRollout, type RolloutEvent } from '../agent/rollout/run-rollout.js';
import { recordedRootOf } from '../agent/replay/replay-trajectory.js';
import { readRawTraj, recordedToolbox } from '../agent/replay/recorded-toolbox.js';
import { rootRewriter } from '../agent/replay/normalize.js';
import { integerAtLeast, nonNegativeNumber, positiveNumber } from './option-values.js';
import { instanceSandboxesFrom, withInstanceSandboxFlags, type InstanceSandboxFlags } from './instance-sandbox-flags.js';

export interface RolloutFlags extends InstanceSandboxFlags {
  policy: 'openai' | 'replay';
  maxWorkers: number;
  output: string;
  instanceIds?: string[];
  template?: string;
  // openai
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
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
  verbose?: boolean;
}

const TEMPLATE_FOR_FORMAT = { thought_action: 'thought-action', xml_function_calling: 'xml-function-calling', function_calling: 'function-calling' } as const;

function agentConfigFrom(flags: RolloutFlags): AgentConfigInput {
  const limits: Record<string, number> = {};
  if (flags.maxSteps !== undefined) limits.maxSteps = flags.maxSteps;
  if (flags.actionTimeout !== undefined) limits.actionTimeoutMs = Math.round(flags.actionTimeout * 1000);
  if (flags.totalTime !== undefined) limits.totalTimeMs = Math.round(flags.totalTime * 1000);
  if (flags.maxFormatErrors !== undefined) limits.maxConsecutiveFormatErrors = flags.maxFormatErrors;
  if (flags.contextBudget !== undefined) limits.contextBudgetTokens = flags.contextBudget;
  const sampling: Record<string, number> = {};
  if (flags.temperature !== undefined) sampling.temperature = flags.temperature;
  if (flags.topP !== undefined) sampling.topP = flags.topP;
  if (flags.maxTokens !== undefined) sampling.maxTokens = flags.maxTokens;
  const config = { limits, sampling, ...(flags.keepObservations !== undefined ? { keepLastObservations: flags.keepObservations } : {}) };
  parseAgentConfig(config, 'rollout flags');
  return config;
}

function describeEvent(event: RolloutEvent, verbose: boolean): string | undefined {
  switch (event.kind) {
    case 'plan':
      return `rollout: ${event.total} instances, ${event.alreadyFinished} already finished, ${event.toRun} to run`;
    case 'start':
      return verbose ? `  → ${event.instanceId} started (${event.running} running)` : undefined;
    case 'step':
      return verbose ? `    ${event.instanceId} step ${event.step}: ${event.tool}` : undefined;
    case 'finish': {
      const { stats, exitStatus } = event.result;
      const tokens = stats.usage.totalTokens > 0 ? `, ${stats.usage.promptTokens} + ${stats.usage.completionTokens} tokens` : '';
      return `[${String(event.finished).padStart(String(event.total).length)}/${event.total}] ${event.instanceId}: ${exitStatus} after ${stats.steps} steps in ${(stats.durationMs / 1000).toFixed(1)} s${tokens}`;
    }
    case 'error':
      return `[${String(event.finished).padStart(String(event.total).length)}/${event.total}] ${event.instanceId}: error: ${event.message} (will be retried on resume)`;
  }
}

export async function runRolloutCommand(flags: RolloutFlags, log: (line: string) => void = (line) => console.error(line)): Promise<void> {
  let instances = await loadInstances(flags.instances);
  if (flags.instanceIds && flags.instanceIds.length > 0) {
    const wanted = new Set(flags.instanceIds);
    const missing = [...wanted].filter((id) => !instances.some((instance) => instance.instance_id === id));
    if (missing.length > 0) throw new InputError(`--instance-ids: not in ${flags.instances}: ${missing.join(', ')}`);
    instances = instances.filter((instance) => wanted.has(instance.instance_id));
  }
  const agentConfig = agentConfigFrom(flags);
  const sandboxes = await instanceSandboxesFrom(flags, log);

  let policyFor: (instance: Instance) => Policy;
  let templatesFor: (instance: Instance) => AgentTemplates;
  if (flags.policy === 'openai') {
    const policy = new OpenAiPolicy(
      resolveOpenAiConfig({
        baseUrl: flags.baseUrl,
        model: flags.model,
        apiKey: flags.apiKey,
        ...(flags.requestTimeout !== undefined ? { requestTimeoutMs: Math.round(flags.requestTimeout * 1000) } : {}),
        ...(flags.maxRetries !== undefined ? { maxRetries: flags.maxRetries } : {}),
      }),
      ({ attempt, delayMs, reason }) => log(`  policy: retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s (${reason})`),
    );
    const templates = await loadAgentTemplates(flags.template ?? 'thought-action');
    policyFor = () => policy;
    templatesFor = () => templates;
  } else {
    if (!flags.trajectories || flags.trajectories.length === 0) throw new InputError('--policy replay needs --trajectories FILE… to play back');
    const byInstance = new Map<string, { trajectory: Trajectory; templates: AgentTemplates }>();
    for (const file of flags.trajectories) {
      // A SWE-agent .traj names its tool bundles in replay_config; replaying needs the same tools.
      const raw = await readRawTraj(file);
      for (const trajectory of await readAllTrajectories(file)) {
        const base = await loadAgentTemplates(flags.template ?? TEMPLATE_FOR_FORMAT[trajectory.tool_format]);
        byInstance.set(trajectory.instance_id, { trajectory, templates: { ...base, think_tags: false, tools: recordedToolbox(raw, trajectory) } });
      }
    }
    const without = instances.filter((instance) => !byInstance.has(instance.instance_id));
    if (without.length > 0) log(`rollout: no trajectory for ${without.length} instance(s), skipped: ${without.slice(0, 5).map((i) => i.instance_id).join(', ')}`);
    instances = instances.filter((instance) => byInstance.has(instance.instance_id));
    policyFor = (instance) => {
      const { trajectory } = byInstance.get(instance.instance_id)!;
      // Recorded paths point at the recorded repository root; sandboxes keep the repository in /testbed.
      const rewrite = rootRewriter(recordedRootOf(trajectory), '/testbed');
      return new ReplayPolicy(trajectory.steps, { format: trajectory.tool_format, rewrite, name: trajectory.model_name ?? 'replay' });
    };
    templatesFor = (instance) => byInstance.get(instance.instance_id)!.templates;
  }

  const summary = await runRollout({
    instances,
    outputDir: flags.output,
    maxWorkers: flags.maxWorkers,
    policyFor,
    createSandbox: (instance) => sandboxes.create(instance),
    templatesFor,
    agentConfig,
    onEvent: (event) => {
      const line = describeEvent(event, flags.verbose === true);
      if (line !== undefined && !(flags.quiet && event.kind !== 'plan' && event.kind !== 'error')) log(line);
    },
  });
  const statuses = Object.entries(summary.exitStatuses).map(([status, count]) => `${count} ${status}`).join(', ') || 'none';
  log(`rollout: ran ${summary.ran} (${statuses}); ${summary.failed} failed; predictions in ${summary.paths.predictions}`);
  if (summary.failed > 0) process.exitCode = 1;
}

export function registerRolloutCommand(program: Command): Command {
  const rollout = program
    .command('rollout')
    .description('run the agent on many instances in parallel sandboxes; writes predictions and trajectories, resumes where it stopped')
    .requiredOption('--policy <policy>', 'openai or replay', (value: string) => {
      if (value !== 'openai' && value !== 'replay') throw new InputError(`--policy: "${value}" is not openai or replay`);
      return value;
    });
  return withInstanceSandboxFlags(rollout)
    .requiredOption('-o, --output <dir>', 'output directory (preds.jsonl, trajectories/, runs.jsonl); reused to resume')
    .option('--max-workers <n>', 'instances run at once', integerAtLeast('--max-workers', 1), 1)
    .option('--instance-ids <ids>', 'only these instances (comma-separated)', (value: string) => value.split(',').map((id) => id.trim()).filter(Boolean))
    .option('--template <name-or-file>', 'prompt templates: thought-action, xml-function-calling, function-calling or a YAML file')
    .option('--base-url <url>', 'openai: the endpoint (default: OPENAI_BASE_URL)')
    .option('--model <name>', 'openai: the model (default: OPENAI_MODEL)')
    .option('--api-key <key>', 'openai: the key (default: OPENAI_API_KEY)')
    .option('--temperature <t>', 'sampling temperature', nonNegativeNumber('--temperature'))
    .option('--top-p <p>', 'nucleus sampling', positiveNumber('--top-p'))
    .option('--max-tokens <n>', 'tokens per response', integerAtLeast('--max-tokens', 1))
    .option('--request-timeout <seconds>', 'openai: time limit of one request', positiveNumber('--request-timeout'))
    .option('--max-retries <n>', 'openai: retries on 429, 5xx and connection errors', integerAtLeast('--max-retries', 0))
    .option('--trajectories <files...>', 'replay: trajectory files to play back (matched by instance id)')
    .option('--max-steps <n>', 'actions per episode', integerAtLeast('--max-steps', 1))
    .option('--action-timeout <seconds>', 'time limit of one action', positiveNumber('--action-timeout'))
    .option('--total-time <seconds>', 'time limit of one episode', positiveNumber('--total-time'))
    .option('--max-format-errors <n>', 'malformed outputs in a row before exit_format', integerAtLeast('--max-format-errors', 1))
    .option('--context-budget <tokens>', 'estimated prompt tokens before exit_context', integerAtLeast('--context-budget', 1))
    .option('--keep-observations <n>', 'show only the last N observations in full', integerAtLeast('--keep-observations', 1))
    .option('-v, --verbose', 'a progress line per step')
    .option('-q, --quiet', 'only the plan, errors and the summary')
    .action(async (flags: RolloutFlags) => {
      const stopHandlingSignals = closeSandboxesOnSignal();
      try {
        await runRolloutCommand(flags);
      } finally {
        stopHandlingSignals();
      }
    });
}
