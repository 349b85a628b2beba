/**
 * `swe-srl teacher --tasks DIR -o DIR [--policy scripted|openai|replay|TYPE] [--samples G]`:
 * expert trajectories for a task set made by `swe-srl tasks make` (instances.jsonl, teacher.jsonl,
 * repos/, environments/). The scripted teacher (the default) solves each task from its teacher
 * record; any other policy runs G rollouts per task, SWE-smith's way. Every episode's patch is
 * graded as SWE-bench does and only resolving trajectories are kept: DIR/trajectories.jsonl (the
 * store), DIR/chat-xml.jsonl (SWE-smith's chat form), DIR/traj/*.traj. Run it again with the same
 * DIR to resume.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { FieldError } from '../errors.js';
import { loadInstances } from '../eval/instances.js';
import { PipelineSandboxes } from '../pipeline/sandboxes.js';
import { loadEnvironmentSpecs } from '../sandbox/images/environment-spec.js';
import { closeSandboxesOnSignal } from '../sandbox/live-sandboxes.js';
import { rolloutPolicies } from '../agent/rollout/policies.js';
import { loadTeacherRecords, readTaskLabels, tasksLayout } from '../tasks/index.js';
import { runTeacher, type TeacherEvent, type TeacherPolicy } from '../teacher/index.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';
import { integerAtLeast, sandboxBackend } from './option-values.js';
import { AGENT_BINDINGS, POLICY_BINDINGS } from './run-bindings.js';
import { abortOnSignal } from './signals.js';

interface TeacherFlags {
  tasks: string;
  output: string;
  samples?: number;
  maxWorkers?: number;
  backend?: 'auto' | 'docker' | 'local';
  allowUnsafe?: boolean;
  quiet?: boolean;
  config?: string;
  [flag: string]: unknown;
}

const TEACHER_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--backend <backend>', description: 'auto (Docker when an engine answers, else local), docker or local (default: auto)', path: 'sandbox.backend', parse: sandboxBackend },
  { flags: '--allow-unsafe', description: 'local backend without bubblewrap isolation', path: 'sandbox.allowUnsafe' },
  ...AGENT_BINDINGS,
  ...POLICY_BINDINGS,
];

function describe(event: TeacherEvent, quiet: boolean): string | undefined {
  if (event.phase === 'keep') return `teacher: kept ${event.kept} of ${event.episodes} episodes (${event.resolved} resolved)`;
  const inner = event.event;
  const phase = event.phase === 'rollout' ? 'episodes' : `grading${event.sample > 0 ? ` sample ${event.sample}` : ''}`;
  switch (inner.kind) {
    case 'plan':
      return `teacher: ${phase}: ${inner.total}, ${inner.alreadyFinished} finished earlier, ${inner.toRun} to run`;
    case 'finish': {
      if (quiet) return undefined;
      const result = inner.result as { exitStatus?: string; stats?: { steps: number } };
      return `  [${inner.finished}/${inner.total}] ${inner.id}${event.phase === 'rollout' ? `: ${result.exitStatus} after ${result.stats?.steps} steps` : ''}`;
    }
    case 'error':
      return `  ${inner.id}: error: ${inner.message}`;
    case 'warning':
      return `teacher: warning: ${inner.message}`;
    default:
      return undefined;
  }
}

export async function runTeacherCommand(flags: TeacherFlags, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const config = await effectiveConfig(TEACHER_BINDINGS, flags, { policy: { type: 'scripted' }, agent: { template: 'xml-function-calling' } });
  if (config === undefined) return;
  const layout = tasksLayout(flags.tasks);
  const instances = await loadInstances(layout.instances);
  const environments = await loadEnvironmentSpecs(layout.environmentsDir);
  let policy: TeacherPolicy;
  if (config.policy?.type === 'scripted') {
    policy = { kind: 'scripted', records: await loadTeacherRecords(layout.teacher), seed: config.sampling.seed ?? 0, ...(config.agent.template ? { template: config.agent.template } : {}) };
  } else {
    const policies = await rolloutPolicies(config, instances);
    if (policies.instances.length === 0) throw new FieldError('policy', `no instance of ${layout.instances} has a policy to run`);
    policy = { kind: 'policy', name: config.policy?.type ?? 'policy', policyFor: policies.policyFor, templatesFor: policies.templatesFor };
  }
  const sandboxes = new PipelineSandboxes({ backend: config.sandbox.backend, maxWorkers: flags.maxWorkers ?? 1, allowUnsafe: config.sandbox.allowUnsafe === true });
  const { backend, reason } = await sandboxes.backend();
  log(`teacher: ${instances.length} tasks, ${flags.samples ?? 1} sample(s) each, sandboxes ${backend === 'docker' ? 'in Docker' : `local (bubblewrap)${reason ? `: ${reason}` : ''}`}`);
  const runId = 'teacher';
  const { paths, summary } = await runTeacher({
    instances,
    environments,
    provider: await sandboxes.provider({ runId, reposDir: layout.reposDir, outputLimitBytes: 16 * 1024 * 1024 }),
    outputDir: flags.output,
    policy,
    samples: flags.samples ?? 1,
    maxWorkers: flags.maxWorkers ?? 1,
    runId,
    agentConfig: { limits: config.agent.limits, sampling: config.sampling, ...(config.agent.thinkTags !== undefined ? { thinkTags: config.agent.thinkTags } : {}) },
    labels: await readTaskLabels(layout.teacher),
    onEvent: (event) => {
      const line = describe(event, flags.quiet === true);
      if (line !== undefined) log(line);
    },
    ...(signal ? { signal } : {}),
  });
  const tiers = Object.entries(summary.by_tier).map(([tier, rate]) => `${tier} ${rate.resolved}/${rate.total}`).join(', ');
  log(`teacher: ${summary.policy}: ${summary.resolved}/${summary.episodes - summary.errors} episodes resolved (${(summary.resolve_rate * 100).toFixed(0)}%; ${tiers}); ${summary.kept} trajectories kept`);
  log(`  store:    ${paths.store}`);
  log(`  chat-xml: ${paths.chatXml}`);
  log(`  traj:     ${join(paths.trajDir, '*.traj')}`);
  if (summary.errors > 0) process.exitCode = 1;
}

export function registerTeacherCommand(program: Command): void {
  const command = program
    .command('teacher')
    .description('expert trajectories for a task set: the scripted teacher (or any policy, G samples each), kept only when the evaluation resolves the patch')
    .requiredOption('--tasks <dir>', 'a task set made by `swe-srl tasks make` (instances.jsonl, teacher.jsonl, repos/, environments/)')
    .requiredOption('-o, --output <dir>', 'output folder (trajectories.jsonl, chat-xml.jsonl, traj/, rollout/, evaluation/); reused to resume')
    .option('--samples <G>', 'episodes per task (default 1)', integerAtLeast('--samples', 1))
    .option('--max-workers <n>', 'sandboxes at once (default 1)', integerAtLeast('--max-workers', 1))
    .option('-q, --quiet', 'only the plan, errors and the result');
  withConfigFlags(command, TEACHER_BINDINGS).action(async (flags: TeacherFlags) => {
    const interrupted = abortOnSignal();
    const stopHandlingSignals = closeSandboxesOnSignal();
    try {
      await runTeacherCommand(flags, (line) => console.error(line), interrupted.signal);
    } finally {
      stopHandlingSignals();
      interrupted.dispose();
    }
  });
}

/** For the command table in main.ts. */
export const register = registerTeacherCommand;
