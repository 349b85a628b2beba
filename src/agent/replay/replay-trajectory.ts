/**
 * Replays a recorded trajectory in a fresh sandbox: the replay policy plays each recorded action
 * through the ordinary agent loop (parsers, tools, templates), then every observation is compared
 * with the recorded one, and the final patch with the recorded submission, after normalisation.
 */
import type { Sandbox } from '../../sandbox/types.js';
import type { Trajectory } from '../../trajectories/schema.js';
import type { ToolboxConfigInput } from '../../tools/config.js';
import { ReplayPolicy } from '../../policy/replay-policy.js';
import { runAgent } from '../agent-loop.js';
import type { AgentResult } from '../agent-result.js';
import type { AgentHooks } from '../hooks.js';
import { loadAgentTemplates, TEMPLATE_FOR_FORMAT } from '../../prompts/templates.js';
import { recordedRootOf } from '../../trajectories/toolbox.js';
import { normalizeObservation, normalizePatch, rootRewriter } from './normalize.js';

export { recordedRootOf } from '../../trajectories/toolbox.js';

export interface StepComparison {
  index: number;
  /** The recorded action's first line, for reports. */
  action: string;
  matches: boolean;
  /** Normalised recorded and replayed observations (the replayed one is absent past the end). */
  recorded: string;
  replayed: string | undefined;
}

export interface ReplayReport {
  instanceId: string;
  recordedRoot: string | undefined;
  steps: StepComparison[];
  stepsMatched: number;
  exitStatus: AgentResult['exitStatus'];
  patch: string | null;
  recordedPatch: string | null;
  patchMatches: boolean;
  result: AgentResult;
}

export interface ReplayOptions {
  trajectory: Trajectory;
  sandbox: Sandbox;
  /** The tools the recording used (see `recordedToolbox`). */
  tools: ToolboxConfigInput;
  /** Where the recorded run's repository lived; default: the first step's working directory. */
  recordedRoot?: string;
  /** Time limit of one replayed bash action. */
  actionTimeoutMs?: number;
  hooks?: AgentHooks;
}

export async function replayTrajectory(options: ReplayOptions): Promise<ReplayReport> {
  const { trajectory, sandbox } = options;
  const recordedRoot = options.recordedRoot ?? recordedRootOf(trajectory);
  const rewrite = rootRewriter(recordedRoot, sandbox.workdir);
  const templates = await loadAgentTemplates(TEMPLATE_FOR_FORMAT[trajectory.tool_format]);
  // The recording's own monologue is played back as is; it need not sit inside <think>.
  const replayTemplates = { ...templates, think_tags: false, tools: options.tools };
  const policy = new ReplayPolicy(trajectory.steps, { format: trajectory.tool_format, rewrite, name: trajectory.model_name ?? 'replay' });
  const result = await runAgent({
    instance: { instanceId: trajectory.instance_id, problemStatement: trajectory.problem_statement },
    sandbox,
    policy,
    templates: replayTemplates,
    config: {
      limits: {
        maxSteps: trajectory.steps.length,
        maxConsecutiveFormatErrors: 1,
        actionTimeoutMs: options.actionTimeoutMs ?? 120_000,
        contextBudgetTokens: Number.MAX_SAFE_INTEGER,
        totalTimeMs: 24 * 60 * 60_000,
      },
    },
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  const steps = trajectory.steps.map((step, index): StepComparison => {
    const recorded = normalizeObservation(rewrite(step.observation));
    const replayedStep = result.trajectory.steps[index];
    const replayed = replayedStep === undefined ? undefined : normalizeObservation(replayedStep.observation);
    return { index, action: step.action.split('\n')[0] ?? '', matches: replayed === recorded, recorded, replayed };
  });
  return {
    instanceId: trajectory.instance_id,
    recordedRoot,
    steps,
    stepsMatched: steps.filter((step) => step.matches).length,
    exitStatus: result.exitStatus,
    patch: result.patch,
    recordedPatch: trajectory.final_patch,
    patchMatches: trajectory.final_patch !== null && normalizePatch(result.patch) === normalizePatch(trajectory.final_patch),
    result,
  };
}
