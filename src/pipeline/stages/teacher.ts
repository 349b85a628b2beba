/**
 * `teacher`: expert trajectories for the tasks (src/teacher). The scripted teacher (the default)
 * solves each task step by step through the agent's `Episode` in a sandbox, knowing the fix from
 * the tasks' teacher sidecar; any other policy type (`policy: {type: openai, …}`) runs as
 * SWE-smith's method has it, `samples` rollouts per task. Either way a trajectory is kept only
 * when the evaluation resolves its patch. Outputs: the kept trajectories (the store the steps
 * stage reads, SWE-smith's chat form, SWE-agent .traj files) and sample 0's predictions.
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { createPolicy, type PolicyConfig } from '../../policy/factory.js';
import { loadAgentTemplates } from '../../prompts/templates.js';
import { loadTeacherRecords } from '../../tasks/task-records.js';
import { runTeacher, type TeacherEvent, type TeacherPolicy } from '../../teacher/index.js';
import type { StageDefinition, StageProgress } from '../stage.js';
import { readTaskFiles } from './task-files.js';

const settingsSchema = z.strictObject({
  /** `scripted` (the default), or a policy section as in a run configuration (`{type: openai, baseUrl, model}`). */
  policy: z.union([z.literal('scripted'), z.looseObject({ type: z.string().min(1) })]).default('scripted'),
  /** Episodes per task; each is kept when it resolves. */
  samples: z.number().int().min(1).default(1),
  /** The scripted teacher's seed (its wording and order choices); sample g uses seed·1000 + g. */
  seed: z.number().int().min(0).default(0),
  /** Prompt templates; default SWE-smith's XML function calling with <think>. */
  template: z.string().min(1).default('xml-function-calling'),
  maxSteps: z.number().int().min(1).default(40),
  /** Sandboxes at once; default the pipeline's sandbox.maxWorkers. */
  maxWorkers: z.number().int().min(1).optional(),
  /** Overrides each environment spec's test time limit when grading, in seconds. */
  timeoutSeconds: z.number().positive().optional(),
});

function reportEvent(progress: StageProgress, event: TeacherEvent): void {
  if (event.phase === 'keep') {
    progress.log(`kept ${event.kept} of ${event.episodes} episodes (${event.resolved} resolved)`);
    return;
  }
  const inner = event.event;
  const what = event.phase === 'rollout' ? 'episodes' : `graded patches${event.sample > 0 ? ` (sample ${event.sample})` : ''}`;
  switch (inner.kind) {
    case 'plan':
      progress.total(inner.total, what, event.phase === 'rollout' ? 'teacher episodes' : 'grading the patches as SWE-bench does');
      if (inner.alreadyFinished > 0) progress.advance(inner.alreadyFinished, `${inner.alreadyFinished} finished by an earlier run`);
      return;
    case 'finish': {
      const result = inner.result as { exitStatus?: string; stats?: { steps: number }; resolved?: boolean } | undefined;
      const label = event.phase === 'rollout' && result?.exitStatus ? `${inner.id}: ${result.exitStatus} after ${result.stats?.steps ?? '?'} steps` : inner.id;
      progress.advance(1, label);
      return;
    }
    case 'error':
      progress.warn(`${inner.id}: ${inner.message}`);
      return;
    case 'warning':
      progress.warn(inner.message);
      return;
    default:
      return;
  }
}

export const teacherStage: StageDefinition<typeof settingsSchema> = {
  type: 'teacher',
  description: 'expert trajectories: the scripted teacher (or any policy, G samples) solves each task in a sandbox; kept only when the evaluation resolves the patch',
  settings: settingsSchema,
  inputs: { tasks: { kind: 'tasks', description: 'the tasks to solve (the scripted teacher needs their teacher sidecar)' } },
  outputs: {
    trajectories: { kind: 'trajectories', description: 'resolving trajectories: trajectories.jsonl (store), chat-xml.jsonl (SWE-smith), traj/*.traj (SWE-agent)' },
    predictions: { kind: 'predictions', description: "predictions.jsonl: sample 0's patch per task" },
  },
  version: 1,
  usesSandboxes: true,
  async run({ name, settings, inputs, dir, sandboxes, progress, signal }) {
    const tasks = await readTaskFiles(inputs.tasks!);
    const runId = `pipeline-${name}`;
    let policy: TeacherPolicy;
    if (settings.policy === 'scripted') {
      const teacherFile = inputs.tasks!.files.teacher;
      if (teacherFile === undefined) throw new InputError(`${name}: the scripted teacher needs the tasks' teacher sidecar (teacher.jsonl); these tasks have none: set policy to another policy type`);
      policy = { kind: 'scripted', records: await loadTeacherRecords(teacherFile), seed: settings.seed, template: settings.template };
    } else {
      const shared = createPolicy(settings.policy as PolicyConfig);
      const templates = await loadAgentTemplates(settings.template);
      policy = { kind: 'policy', name: shared.name, policyFor: () => shared, templatesFor: () => templates };
    }
    const { paths, summary } = await runTeacher({
      instances: tasks.instances,
      environments: tasks.environments,
      provider: await sandboxes.provider({ runId, reposDir: tasks.reposDir, outputLimitBytes: 16 * 1024 * 1024 }),
      outputDir: dir,
      policy,
      samples: settings.samples,
      maxWorkers: settings.maxWorkers ?? sandboxes.maxWorkers,
      runId,
      agentConfig: { limits: { maxSteps: settings.maxSteps } },
      labels: tasks.labels,
      ...(settings.timeoutSeconds !== undefined ? { evaluationTimeoutSeconds: settings.timeoutSeconds } : {}),
      onEvent: (event) => reportEvent(progress, event),
      signal,
    });
    if (summary.errors > 0) progress.warn(`${summary.errors} episode(s) could not be graded (an infrastructure error; not counted as unresolved)`);
    return {
      outputs: {
        trajectories: { kind: 'trajectories', files: { store: paths.store, chatXml: paths.chatXml, trajDir: paths.trajDir } },
        predictions: { kind: 'predictions', files: { predictions: paths.predictions } },
      },
      headline: `${summary.policy}: ${summary.resolved}/${summary.episodes - summary.errors} episodes resolved (${Math.round(summary.resolve_rate * 100)}%), ${summary.kept} trajectories kept`,
      summary: { ...summary },
    };
  },
};
