/**
 * Rollouts: the agent on many instances at once, `samples` episodes per instance (a GRPO group),
 * each in its own fresh sandbox, `maxWorkers` at a time through the shared worker pool. It follows
 * the resume convention of batch runs (src/batch/resume.ts): the run id labels every sandbox and is
 * kept in the output folder, a resume removes an interrupted run's leftover containers, finished
 * episodes are recorded as they finish (see rollout-output.ts) and not redone, and an episode cut
 * off by a signal or hit by an infrastructure failure (a closed sandbox, a lost engine, an endpoint
 * down) records no result: the next resume runs it again.
 */
import type { Instance } from '../../eval/instances.js';
import type { Sandbox } from '../../sandbox/types.js';
import type { Policy } from '../../policy/types.js';
import type { BatchEvent, EventSink } from '../../events.js';
import { runWithWorkers } from '../../batch/worker-pool.js';
import { planResume } from '../../batch/resume.js';
import { runAgent } from '../agent-loop.js';
import type { AgentConfigInput } from '../agent-config.js';
import type { AgentResult } from '../agent-result.js';
import type { AgentHooks } from '../hooks.js';
import type { AgentTemplates } from '../../prompts/templates.js';
import { episodeRecordOf } from './episode-record.js';
import {
  prepareRolloutDir,
  readFinishedPredictions,
  recordFinishedRun,
  recordRunSummary,
  resolveRolloutRunId,
  rolloutPaths,
  type RolloutPaths,
} from './rollout-output.js';

/** One episode of a rollout: an instance and the index of its sample. */
export interface EpisodeUnit {
  id: string;
  instance: Instance;
  sample: number;
}

export type RolloutEvent = BatchEvent<AgentResult>;

export interface RolloutOptions {
  instances: Instance[];
  outputDir: string;
  maxWorkers: number;
  /** Episodes per instance; default 1. Episode ids are `<instance>#<g>` when more than one. */
  samples?: number;
  /** Labels the run's sandboxes; default the id stored in the output folder, else a new one. */
  runId?: string;
  /** The policy of one episode (one shared client for openai; one trajectory each for replay). */
  policyFor: (instance: Instance, sample: number) => Policy;
  /** A fresh sandbox at the instance's base commit, labelled with the run id. */
  createSandbox: (instance: Instance, labels: { runId: string }) => Promise<Sandbox>;
  /** Removes the containers an interrupted process of this run left behind. */
  removeLeftovers?: (runId: string) => Promise<number>;
  /** The sandboxes the run will ask for, in order (one instance per episode), so a warm pool can start them ahead. */
  planSandboxes?: (instances: Instance[], labels: { runId: string }) => void;
  /** Removes what the sandbox source holds beyond the sandboxes it handed out (its warm pool); called at the end. */
  closeSandboxes?: () => Promise<void>;
  templatesFor: (instance: Instance) => AgentTemplates;
  agentConfig?: AgentConfigInput;
  onEvent?: EventSink<RolloutEvent>;
  /** Stops starting episodes; running ones end as cancelled and are not recorded (a resume runs them). */
  signal?: AbortSignal;
}

export interface RolloutSummary {
  paths: RolloutPaths;
  runId: string;
  /** Episodes (instances × samples). */
  total: number;
  alreadyFinished: number;
  ran: number;
  /** Episodes that hit an infrastructure failure or never started; resuming tries them again. */
  failed: number;
  exitStatuses: Record<string, number>;
}

/** The episodes of a rollout, in order: each instance's samples together. */
export function episodeUnits(instances: readonly Instance[], samples: number): EpisodeUnit[] {
  return instances.flatMap((instance) =>
    Array.from({ length: samples }, (_, sample) => ({ id: samples === 1 ? instance.instance_id : `${instance.instance_id}#${sample}`, instance, sample })),
  );
}

export async function runRollout(options: RolloutOptions): Promise<RolloutSummary> {
  const paths = rolloutPaths(options.outputDir);
  const emit = options.onEvent ?? (() => {});
  const warn = (message: string) => emit({ kind: 'warning', message });
  const samples = options.samples ?? 1;
  const { runId, earlier } = await resolveRolloutRunId(paths, options.runId);
  const finished = await readFinishedPredictions(paths, warn);
  await prepareRolloutDir(paths, new Set(finished.keys()), warn);
  const units = episodeUnits(options.instances, samples);
  const plan = await planResume({
    runId,
    units,
    idOf: (unit) => unit.id,
    isFinished: (id) => finished.has(id),
    ...(options.removeLeftovers
      ? {
          removeLeftovers: async (id: string) =>
            (await options.removeLeftovers!(id)) + (earlier !== undefined ? await options.removeLeftovers!(earlier) : 0),
        }
      : {}),
  });
  const total = units.length;
  emit({ kind: 'plan', runId, total, alreadyFinished: plan.finishedIds.length, toRun: plan.toRun.length, leftoversRemoved: plan.leftoversRemoved });
  let done = plan.finishedIds.length;
  let running = 0;
  let ran = 0;
  let failed = 0;
  const exitStatuses: Record<string, number> = {};
  const cancelled = () => options.signal?.aborted === true;

  const runOne = async ({ id, instance, sample }: EpisodeUnit): Promise<void> => {
    running += 1;
    emit({ kind: 'start', id, running });
    const started = Date.now();
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await options.createSandbox(instance, { runId });
      const hooks: AgentHooks = { onActionExecuted: ({ step, action }) => emit({ kind: 'step', id, step, tool: action.tool }) };
      const templates = options.templatesFor(instance);
      const result = await runAgent({
        instance: { instanceId: instance.instance_id, problemStatement: instance.problem_statement, repo: instance.repo },
        sandbox,
        policy: options.policyFor(instance, sample),
        templates,
        ...(options.agentConfig !== undefined ? { config: options.agentConfig } : {}),
        hooks,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      ran += 1;
      exitStatuses[result.exitStatus] = (exitStatuses[result.exitStatus] ?? 0) + 1;
      // A signal may close the sandbox under a running episode: whatever it ended with says nothing.
      const infrastructure = result.infrastructureError ?? (cancelled() ? 'the rollout was interrupted' : undefined);
      await recordRunSummary(paths, {
        episode_id: id,
        instance_id: instance.instance_id,
        sample,
        exit_status: result.exitStatus,
        steps: result.stats.steps,
        model_calls: result.stats.modelCalls,
        format_errors: result.stats.formatErrors,
        prompt_tokens: result.stats.usage.promptTokens,
        completion_tokens: result.stats.usage.completionTokens,
        duration_ms: Date.now() - started,
        ...(result.error !== undefined ? { error: result.error } : {}),
        ...(infrastructure !== undefined ? { infrastructure_error: infrastructure, recorded: false } : {}),
      });
      if (infrastructure !== undefined) {
        failed += 1;
        emit({ kind: 'error', id, message: infrastructure, finished: done, total });
        return;
      }
      const record = episodeRecordOf(result, {
        episodeId: id,
        instanceId: instance.instance_id,
        sample,
        runId,
        template: templates.name,
        trajectory: `trajectories/${id}.traj`,
        tools: result.tools,
      });
      const prediction = {
        instance_id: instance.instance_id,
        model_name_or_path: result.trajectory.model_name ?? 'None',
        model_patch: result.patch,
        ...(samples > 1 ? { episode_id: id, sample } : {}),
      };
      await recordFinishedRun(paths, result.trajectory, prediction, result.messages, record, id);
      done += 1;
      emit({ kind: 'finish', id, result, finished: done, total });
    } catch (error) {
      failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      await recordRunSummary(paths, { episode_id: id, instance_id: instance.instance_id, sample, exit_status: 'exit_error', error: message, duration_ms: Date.now() - started });
      emit({ kind: 'error', id, message, finished: done, total });
    } finally {
      running -= 1;
      // A sandbox that cannot be closed must not stop the other episodes.
      await sandbox?.close().catch((error: unknown) => warn(`${id}: closing the sandbox: ${error instanceof Error ? error.message : String(error)}`));
    }
  };

  options.planSandboxes?.(plan.toRun.map((unit) => unit.instance), { runId });
  try {
    await runWithWorkers(plan.toRun, options.maxWorkers, runOne, options.signal);
  } finally {
    await options.closeSandboxes?.();
  }
  emit({ kind: 'end', finished: done, failed, total });
  return { paths, runId, total, alreadyFinished: plan.finishedIds.length, ran, failed, exitStatuses };
}
