/**
 * Rollouts: the agent on many instances at once, each in its own fresh sandbox, `maxWorkers` at a
 * time. Finished instances are recorded as they finish (see rollout-output.ts), so an interrupted
 * rollout resumes where it stopped. A run that ends in `exit_error` (endpoint down, sandbox failed)
 * is logged but not recorded as finished, so the next resume tries it again.
 */
import type { Instance } from '../../eval/instances.js';
import type { Sandbox } from '../../sandbox/types.js';
import type { Policy } from '../../policy/types.js';
import { runAgent } from '../agent-loop.js';
import type { AgentConfigInput } from '../agent-config.js';
import type { AgentResult } from '../agent-result.js';
import type { AgentHooks } from '../hooks.js';
import type { AgentTemplates } from '../../prompts/templates.js';
import {
  prepareRolloutDir,
  readFinishedPredictions,
  recordFinishedRun,
  recordRunSummary,
  rolloutPaths,
  type RolloutPaths,
} from './rollout-output.js';

export type RolloutEvent =
  | { kind: 'plan'; total: number; alreadyFinished: number; toRun: number }
  | { kind: 'start'; instanceId: string; running: number }
  | { kind: 'step'; instanceId: string; step: number; tool: string }
  | { kind: 'finish'; instanceId: string; result: AgentResult; finished: number; total: number }
  | { kind: 'error'; instanceId: string; message: string; finished: number; total: number };

export interface RolloutOptions {
  instances: Instance[];
  outputDir: string;
  maxWorkers: number;
  /** The policy for one instance (one shared client for openai; one trajectory each for replay). */
  policyFor: (instance: Instance) => Policy;
  /** A fresh sandbox at the instance's base commit. */
  createSandbox: (instance: Instance) => Promise<Sandbox>;
  templatesFor: (instance: Instance) => AgentTemplates;
  agentConfig?: AgentConfigInput;
  onEvent?: (event: RolloutEvent) => void;
  signal?: AbortSignal;
}

export interface RolloutSummary {
  paths: RolloutPaths;
  total: number;
  alreadyFinished: number;
  ran: number;
  /** Runs that ended in `exit_error` or never started; resuming tries them again. */
  failed: number;
  exitStatuses: Record<string, number>;
}

export async function runRollout(options: RolloutOptions): Promise<RolloutSummary> {
  const paths = rolloutPaths(options.outputDir);
  const emit = options.onEvent ?? (() => {});
  await prepareRolloutDir(paths);
  const finished = await readFinishedPredictions(paths, (message) => emit({ kind: 'error', instanceId: '-', message, finished: 0, total: options.instances.length }));
  const queue = options.instances.filter((instance) => !finished.has(instance.instance_id));
  const total = options.instances.length;
  emit({ kind: 'plan', total, alreadyFinished: total - queue.length, toRun: queue.length });
  let done = total - queue.length;
  let running = 0;
  let ran = 0;
  let failed = 0;
  const exitStatuses: Record<string, number> = {};

  const runOne = async (instance: Instance): Promise<void> => {
    running += 1;
    emit({ kind: 'start', instanceId: instance.instance_id, running });
    const started = Date.now();
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await options.createSandbox(instance);
      const hooks: AgentHooks = {
        onActionExecuted: ({ step, action }) => emit({ kind: 'step', instanceId: instance.instance_id, step, tool: action.tool }),
      };
      const result = await runAgent({
        instance: { instanceId: instance.instance_id, problemStatement: instance.problem_statement, repo: instance.repo },
        sandbox,
        policy: options.policyFor(instance),
        templates: options.templatesFor(instance),
        ...(options.agentConfig !== undefined ? { config: options.agentConfig } : {}),
        hooks,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      ran += 1;
      exitStatuses[result.exitStatus] = (exitStatuses[result.exitStatus] ?? 0) + 1;
      await recordRunSummary(paths, {
        instance_id: instance.instance_id,
        exit_status: result.exitStatus,
        steps: result.stats.steps,
        model_calls: result.stats.modelCalls,
        format_errors: result.stats.formatErrors,
        prompt_tokens: result.stats.usage.promptTokens,
        completion_tokens: result.stats.usage.completionTokens,
        duration_ms: Date.now() - started,
        ...(result.error !== undefined ? { error: result.error } : {}),
      });
      if (result.exitStatus === 'exit_error') {
        failed += 1;
        emit({ kind: 'error', instanceId: instance.instance_id, message: result.error ?? 'exit_error', finished: done, total });
        return;
      }
      await recordFinishedRun(paths, result.trajectory, {
        instance_id: instance.instance_id,
        model_name_or_path: result.trajectory.model_name ?? 'None',
        model_patch: result.patch,
      }, result.messages);
      done += 1;
      emit({ kind: 'finish', instanceId: instance.instance_id, result, finished: done, total });
    } catch (error) {
      failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      await recordRunSummary(paths, { instance_id: instance.instance_id, exit_status: 'exit_error', error: message, duration_ms: Date.now() - started });
      emit({ kind: 'error', instanceId: instance.instance_id, message, finished: done, total });
    } finally {
      running -= 1;
      // A sandbox that cannot be closed must not stop the other instances.
      await sandbox?.close().catch((error: unknown) =>
        emit({ kind: 'error', instanceId: instance.instance_id, message: `closing the sandbox: ${error instanceof Error ? error.message : String(error)}`, finished: done, total }),
      );
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length && !options.signal?.aborted) {
      const instance = queue[next]!;
      next += 1;
      await runOne(instance);
    }
  };
  const workers = Math.max(1, Math.min(options.maxWorkers, queue.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { paths, total, alreadyFinished: total - queue.length, ran, failed, exitStatuses };
}
