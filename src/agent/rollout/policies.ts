/**
 * The policy and templates of each episode of a rollout, from the run configuration's `policy`
 * and `agent.template`: one shared client for `openai` and `local` (and for registered types), one recorded
 * trajectory per instance for `replay` (with the tools it was recorded with, its monologue played
 * as is).
 */
import { FieldError } from '../../errors.js';
import type { Instance } from '../../eval/instances.js';
import type { RunConfig } from '../../config/run-config.js';
import { createPolicy, type PolicyFactoryContext } from '../../policy/factory.js';
import type { Policy } from '../../policy/types.js';
import { LazyLocalPolicy } from '../../policy/local/local-policy-spec.js';
import { loadAgentTemplates, TEMPLATE_FOR_FORMAT, type AgentTemplates } from '../../prompts/templates.js';
import { readAllTrajectories } from '../../trajectories/read.js';
import type { Trajectory } from '../../trajectories/schema.js';
import { recordedRootOf } from '../../trajectories/toolbox.js';
import { readRawTraj, recordedToolbox } from '../replay/recorded-toolbox.js';
import { rootRewriter } from '../replay/normalize.js';

export interface RolloutPolicies {
  /** The instances there is a policy for (replay: those with a trajectory). */
  instances: Instance[];
  /** Instances left out, for a notice. */
  skipped: string[];
  policyFor: (instance: Instance, sample: number) => Policy;
  templatesFor: (instance: Instance) => AgentTemplates;
}

export async function rolloutPolicies(config: RunConfig, instances: Instance[], context: PolicyFactoryContext = {}): Promise<RolloutPolicies> {
  const policy = config.policy;
  if (policy === undefined) throw new FieldError('policy.type', 'is required: openai, replay, or a registered policy type');
  if (policy.type !== 'replay') {
    const shared = createPolicy(policy as Parameters<typeof createPolicy>[0], context);
    // A model folder that cannot load is the run's error, before any episode starts (not each episode's).
    if (shared instanceof LazyLocalPolicy) await shared.load();
    const templates = await loadAgentTemplates(config.agent.template ?? 'thought-action');
    return { instances, skipped: [], policyFor: () => shared, templatesFor: () => templates };
  }
  const files = (policy as { trajectories?: string[] }).trajectories ?? [];
  if (files.length === 0) throw new FieldError('policy.trajectories', 'the replay policy needs trajectory files to play back');
  const byInstance = new Map<string, { trajectory: Trajectory; templates: AgentTemplates }>();
  for (const file of files) {
    // A SWE-agent .traj names its tool bundles in replay_config; replaying needs the same tools.
    const raw = await readRawTraj(file);
    for (const trajectory of await readAllTrajectories(file)) {
      const base = await loadAgentTemplates(config.agent.template ?? TEMPLATE_FOR_FORMAT[trajectory.tool_format]);
      byInstance.set(trajectory.instance_id, { trajectory, templates: { ...base, think_tags: false, tools: recordedToolbox(raw, trajectory) } });
    }
  }
  const kept = instances.filter((instance) => byInstance.has(instance.instance_id));
  return {
    instances: kept,
    skipped: instances.filter((instance) => !byInstance.has(instance.instance_id)).map((instance) => instance.instance_id),
    policyFor: (instance) => {
      const { trajectory } = byInstance.get(instance.instance_id)!;
      // Recorded paths point at the recorded repository root; sandboxes keep the repository in /testbed.
      return createPolicy({
        type: 'replay',
        steps: trajectory.steps,
        format: trajectory.tool_format,
        rewrite: rootRewriter(recordedRootOf(trajectory), '/testbed'),
        name: trajectory.model_name ?? 'replay',
      });
    },
    templatesFor: (instance) => byInstance.get(instance.instance_id)!.templates,
  };
}
