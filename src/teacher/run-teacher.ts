/**
 * Expert trajectories, SWE-smith's way: run a policy on every task (G episodes each), grade each
 * episode's patch as SWE-bench does (the RLVR evaluation, src/eval), and keep only the trajectories
 * whose patch resolves its task. The policy is the scripted teacher (scripted/scripted-teacher.ts,
 * which needs the tasks' teacher sidecar) or any other policy a run configuration names.
 *
 * The output folder (`teacherPaths`):
 *
 *     DIR/rollout/                 the rollout (preds.jsonl, episodes.jsonl, trajectories/*.traj, runs.jsonl)
 *     DIR/evaluation/sample-<g>/   the SWE-bench evaluation of sample g's patches (logs, summary)
 *     DIR/trajectories.jsonl       kept trajectories, normalized (the store the steps stage reads)
 *     DIR/chat-xml.jsonl           kept trajectories in SWE-smith's XML function-call chat form
 *     DIR/traj/<episode>.traj      kept trajectories as SWE-agent .traj files
 *     DIR/predictions.jsonl        sample 0's prediction per task (SWE-bench predictions)
 *     DIR/teacher-summary.json     resolve rates, per tier and bug kind, exit statuses, steps
 *
 * A kept trajectory's metadata says where it came from: `task` (tier, bug kind, template),
 * `evaluation` (the FAIL_TO_PASS / PASS_TO_PASS verdicts), `episode_id` and `sample`.
 *
 * Resuming: the rollout and each evaluation resume themselves (finished episodes and graded
 * instances are not redone); the kept files are rebuilt from them at the end, each written whole.
 */
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FieldError } from '../errors.js';
import { runEvaluation, type InstanceSandboxProvider } from '../eval/index.js';
import type { Instance } from '../eval/instances.js';
import type { Prediction } from '../eval/predictions.js';
import { readInstanceReport } from '../eval/report.js';
import { instanceFile } from '../eval/run-layout.js';
import { writeFileAtomically } from '../io/atomic-write.js';
import { readJsonLines } from '../io/json-lines.js';
import type { BatchEvent } from '../events.js';
import { findEnvironmentSpec, type EnvironmentSpecFile } from '../sandbox/images/environment-spec.js';
import type { AgentConfigInput } from '../agent/agent-config.js';
import { runRollout, type RolloutEvent } from '../agent/rollout/run-rollout.js';
import { readFinishedPredictions, rolloutPaths, trajPath } from '../agent/rollout/rollout-output.js';
import { readAllTrajectories } from '../trajectories/read.js';
import type { Trajectory } from '../trajectories/schema.js';
import { writeTrajectoryStore } from '../trajectories/store.js';
import { toChatXml } from '../trajectories/writers/chat-xml.js';
import type { Policy } from '../policy/types.js';
import type { AgentTemplates } from '../prompts/templates.js';
import { loadAgentTemplates } from '../prompts/templates.js';
import type { TeacherRecord } from '../tasks/task-records.js';
import { labelOf, ratesBy, type RateCount, type TaskLabel } from '../tasks/task-labels.js';
import { ScriptedTeacherPolicy, SCRIPTED_TEACHER_NAME } from './scripted/scripted-teacher.js';

export interface TeacherPaths {
  dir: string;
  rollout: string;
  evaluation: string;
  store: string;
  chatXml: string;
  trajDir: string;
  predictions: string;
  summary: string;
}

export function teacherPaths(dir: string): TeacherPaths {
  return {
    dir,
    rollout: join(dir, 'rollout'),
    evaluation: join(dir, 'evaluation'),
    store: join(dir, 'trajectories.jsonl'),
    chatXml: join(dir, 'chat-xml.jsonl'),
    trajDir: join(dir, 'traj'),
    predictions: join(dir, 'predictions.jsonl'),
    summary: join(dir, 'teacher-summary.json'),
  };
}

/** Which policy teaches: the scripted teacher (needs the sidecar) or any policy, with its templates. */
export type TeacherPolicy =
  | { kind: 'scripted'; records: readonly TeacherRecord[]; seed?: number; template?: string }
  | { kind: 'policy'; name: string; policyFor: (instance: Instance, sample: number) => Policy; templatesFor: (instance: Instance) => AgentTemplates };

export type TeacherEvent = { phase: 'rollout'; event: RolloutEvent } | { phase: 'evaluation'; sample: number; event: BatchEvent<unknown> } | { phase: 'keep'; kept: number; resolved: number; episodes: number };

export interface RunTeacherOptions {
  instances: readonly Instance[];
  environments: readonly EnvironmentSpecFile[];
  /** Opens a fresh sandbox of an instance at its base commit (Docker or local), for episodes and for grading. */
  provider: InstanceSandboxProvider;
  outputDir: string;
  policy: TeacherPolicy;
  /** Episodes per task (SWE-smith's rollouts kept when resolved); default 1. */
  samples?: number;
  maxWorkers?: number;
  /** Labels the run's sandboxes; default `teacher`. */
  runId?: string;
  agentConfig?: AgentConfigInput;
  labels?: ReadonlyMap<string, TaskLabel>;
  /** Overrides each environment spec's test time limit when grading, in seconds. */
  evaluationTimeoutSeconds?: number;
  onEvent?: (event: TeacherEvent) => void;
  signal?: AbortSignal;
}

export interface TeacherRunSummary {
  policy: string;
  samples: number;
  instances: number;
  episodes: number;
  resolved: number;
  kept: number;
  resolve_rate: number;
  /** Tasks with at least one resolving episode. */
  instances_resolved: number;
  by_tier: Record<string, RateCount>;
  by_bug_kind: Record<string, RateCount>;
  exit_statuses: Record<string, number>;
  steps: { mean: number; min: number; max: number };
  errors: number;
}

interface EpisodeOutcome {
  episodeId: string;
  instanceId: string;
  sample: number;
  prediction: Prediction;
  resolved: boolean;
  error: boolean;
  verdicts?: { status: string; FAIL_TO_PASS: { success: string[]; failure: string[] }; PASS_TO_PASS: { success: string[]; failure: string[] } };
}

function episodeIdOf(prediction: Prediction): string {
  const id = (prediction as { episode_id?: unknown }).episode_id;
  return typeof id === 'string' && id !== '' ? id : prediction.instance_id;
}

function sampleOf(prediction: Prediction): number {
  const sample = (prediction as { sample?: unknown }).sample;
  return typeof sample === 'number' ? sample : 0;
}

/** The policy of each episode and the templates it is prompted with. */
async function policiesOf(policy: TeacherPolicy, instances: readonly Instance[]): Promise<{ name: string; instances: Instance[]; policyFor: (instance: Instance, sample: number) => Policy; templatesFor: (instance: Instance) => AgentTemplates }> {
  if (policy.kind === 'policy') return { name: policy.name, instances: [...instances], policyFor: policy.policyFor, templatesFor: policy.templatesFor };
  const records = new Map(policy.records.map((record) => [record.instance_id, record]));
  const missing = instances.filter((instance) => !records.has(instance.instance_id)).map((instance) => instance.instance_id);
  if (missing.length > 0) throw new FieldError('teacher', `the scripted teacher has no teacher record for ${missing.length} task(s): ${missing.slice(0, 3).join(', ')} (the tasks' teacher.jsonl)`);
  // SWE-smith's form: a <think> monologue, then one XML function call.
  const templates = await loadAgentTemplates(policy.template ?? 'xml-function-calling');
  const seed = policy.seed ?? 0;
  return {
    name: SCRIPTED_TEACHER_NAME,
    instances: [...instances],
    policyFor: (instance, sample) => new ScriptedTeacherPolicy({ record: records.get(instance.instance_id)!, seed: seed * 1000 + sample, format: templates.format }),
    templatesFor: () => templates,
  };
}

export async function runTeacher(options: RunTeacherOptions): Promise<{ paths: TeacherPaths; summary: TeacherRunSummary }> {
  const paths = teacherPaths(options.outputDir);
  const samples = options.samples ?? 1;
  const runId = options.runId ?? 'teacher';
  const emit = options.onEvent ?? (() => {});
  const policies = await policiesOf(options.policy, options.instances);
  const byId = new Map(options.instances.map((instance) => [instance.instance_id, instance]));

  const rollout = await runRollout({
    instances: policies.instances,
    outputDir: paths.rollout,
    maxWorkers: options.maxWorkers ?? 1,
    samples,
    runId,
    policyFor: policies.policyFor,
    templatesFor: policies.templatesFor,
    createSandbox: (instance) => options.provider.open(instance, findEnvironmentSpec(options.environments, instance.repo, instance.version), () => {}),
    ...(options.provider.removeLeftovers ? { removeLeftovers: (id: string) => options.provider.removeLeftovers!(id) } : {}),
    ...(options.agentConfig ? { agentConfig: options.agentConfig } : {}),
    onEvent: (event) => emit({ phase: 'rollout', event }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('the teacher run was interrupted');
  if (rollout.failed > 0) throw new Error(`${rollout.failed} teacher episode(s) hit an infrastructure error (see ${rollout.paths.runs}); a rerun retries them`);

  // Each sample is its own SWE-bench run: an evaluation grades one prediction per instance.
  const finished = [...(await readFinishedPredictions(rolloutPaths(paths.rollout))).values()];
  const outcomes: EpisodeOutcome[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const predictions = finished.filter((prediction) => sampleOf(prediction) === sample);
    if (predictions.length === 0) continue;
    const sampleRunId = `${runId}-sample-${sample}`;
    const logsDir = join(paths.evaluation, `sample-${sample}`, 'logs');
    const result = await runEvaluation({
      instances: predictions.map((prediction) => byId.get(prediction.instance_id)!),
      predictions,
      environments: options.environments,
      provider: options.provider,
      runId: sampleRunId,
      logsDir,
      reportDir: join(paths.evaluation, `sample-${sample}`),
      maxWorkers: options.maxWorkers ?? 1,
      ...(options.evaluationTimeoutSeconds !== undefined ? { timeoutSeconds: options.evaluationTimeoutSeconds } : {}),
      onEvent: (event) => emit({ phase: 'evaluation', sample, event }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const resolved = new Set(result.summary.resolved_ids);
    const errors = new Set(result.summary.error_ids);
    for (const prediction of predictions) {
      const report = await readInstanceReport(instanceFile({ logsDir, runId: sampleRunId, reportDir: '' }, prediction.model_name_or_path, prediction.instance_id, 'report'), prediction.instance_id);
      const status = report.state === 'valid' ? report.body.tests_status : undefined;
      outcomes.push({
        episodeId: episodeIdOf(prediction),
        instanceId: prediction.instance_id,
        sample,
        prediction,
        resolved: resolved.has(prediction.instance_id),
        error: errors.has(prediction.instance_id),
        ...(status
          ? {
              verdicts: {
                status: resolved.has(prediction.instance_id) ? 'resolved' : 'unresolved',
                FAIL_TO_PASS: { success: status.FAIL_TO_PASS.success, failure: status.FAIL_TO_PASS.failure },
                PASS_TO_PASS: { success: status.PASS_TO_PASS.success, failure: status.PASS_TO_PASS.failure },
              },
            }
          : {}),
      });
    }
  }
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('the teacher run was interrupted');

  const summary = await keepResolved(paths, outcomes, policies.name, samples, options.instances.length, options.labels ?? new Map());
  emit({ phase: 'keep', kept: summary.kept, resolved: summary.resolved, episodes: summary.episodes });
  return { paths, summary };
}

/** Writes the kept trajectories (store, chat form, .traj), sample 0's predictions and the summary. */
async function keepResolved(paths: TeacherPaths, outcomes: EpisodeOutcome[], policy: string, samples: number, instances: number, labels: ReadonlyMap<string, TaskLabel>): Promise<TeacherRunSummary> {
  const label = (id: string): TaskLabel => labelOf(labels, id);
  const rollout = rolloutPaths(paths.rollout);
  const exitStatuses: Record<string, number> = {};
  const stepCounts: number[] = [];
  for await (const { value } of readJsonLines(rollout.episodes)) {
    const record = value as { exit_status?: string };
    const status = record.exit_status ?? 'unknown';
    exitStatuses[status] = (exitStatuses[status] ?? 0) + 1;
  }
  const kept: Trajectory[] = [];
  await rm(paths.trajDir, { recursive: true, force: true });
  await mkdir(paths.trajDir, { recursive: true });
  const ordered = [...outcomes].sort((a, b) => (a.episodeId < b.episodeId ? -1 : a.episodeId > b.episodeId ? 1 : 0));
  for (const outcome of ordered) {
    const source = trajPath(rollout, outcome.episodeId);
    const [trajectory] = await readAllTrajectories(source);
    if (trajectory) stepCounts.push(trajectory.steps.length);
    if (!outcome.resolved || !trajectory) continue;
    kept.push({
      ...trajectory,
      metadata: {
        ...trajectory.metadata,
        task: label(outcome.instanceId),
        evaluation: outcome.verdicts ?? { status: 'resolved', FAIL_TO_PASS: { success: [], failure: [] }, PASS_TO_PASS: { success: [], failure: [] } },
        episode_id: outcome.episodeId,
        sample: outcome.sample,
      },
    });
    await copyFile(source, join(paths.trajDir, `${outcome.episodeId}.traj`));
  }
  await writeTrajectoryStore(paths.store, kept);
  await writeFileAtomically(paths.chatXml, kept.map((trajectory) => `${JSON.stringify(toChatXml(trajectory))}\n`).join(''));
  const firstSamples = ordered.filter((outcome) => outcome.sample === 0).map((outcome) => outcome.prediction);
  await writeFileAtomically(paths.predictions, firstSamples.map((prediction) => `${JSON.stringify({ instance_id: prediction.instance_id, model_name_or_path: prediction.model_name_or_path, model_patch: prediction.model_patch })}\n`).join(''));
  const graded = outcomes.filter((outcome) => !outcome.error);
  const resolved = graded.filter((outcome) => outcome.resolved).length;
  const summary: TeacherRunSummary = {
    policy,
    samples,
    instances,
    episodes: outcomes.length,
    resolved,
    kept: kept.length,
    resolve_rate: graded.length === 0 ? 0 : resolved / graded.length,
    instances_resolved: new Set(graded.filter((outcome) => outcome.resolved).map((outcome) => outcome.instanceId)).size,
    by_tier: ratesBy(graded, (outcome) => outcome.resolved, (outcome) => label(outcome.instanceId).tier),
    by_bug_kind: ratesBy(graded, (outcome) => outcome.resolved, (outcome) => label(outcome.instanceId).bug_kind),
    exit_statuses: exitStatuses,
    steps: stepCounts.length === 0 ? { mean: 0, min: 0, max: 0 } : { mean: stepCounts.reduce((a, b) => a + b, 0) / stepCounts.length, min: Math.min(...stepCounts), max: Math.max(...stepCounts) },
    errors: outcomes.length - graded.length,
  };
  await writeFileAtomically(paths.summary, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Reads a teacher run's summary (for a caller that only needs the figures). */
export async function readTeacherSummary(dir: string): Promise<TeacherRunSummary> {
  return JSON.parse(await readFile(teacherPaths(dir).summary, 'utf8')) as TeacherRunSummary;
}
