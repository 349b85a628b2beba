/**
 * What the report shows, gathered from a run's stage records and the files they point at: the
 * stages' summaries by type, training metrics, and the trajectories with their SRL step rewards and
 * test verdicts. Pure data, so the renderer is a function of it alone (and tests can build one).
 */
import { readJsonLines } from '../io/json-lines.js';
import { readMetricsFile } from '../pipeline/metrics-file.js';
import type { MetricsRecord, StageRecordView } from '../pipeline/stage.js';
import type { EvaluationSummary, ImagesSummary, RewardCheckSummary, StepsSummary, TasksSummary, TeacherSummary } from '../pipeline/summaries.js';
import { readTrajectoryStore, StepIdAllocator } from '../trajectories/index.js';
import type { Trajectory } from '../trajectories/schema.js';

export interface StageRow {
  name: string;
  type: string;
  status: string;
  durationMs: number;
  summary: Record<string, unknown>;
  headline?: string;
}

export interface Named<T> {
  stage: string;
  summary: T;
}

export interface TrainingCurves {
  stage: string;
  type: string;
  records: MetricsRecord[];
}

export interface StepReward {
  /** The teacher's own action scored against itself (1.0 when all is well). */
  teacher?: number;
  /** The perturbed policy's rewards for this step. */
  perturbed: number[];
}

export interface TestVerdicts {
  status: string;
  FAIL_TO_PASS: { success: string[]; failure: string[] };
  PASS_TO_PASS: { success: string[]; failure: string[] };
}

export interface TrajectoryView {
  /** Unique in the report (the step-id prefix: the instance id, `~2` for a second one). */
  id: string;
  stage: string;
  trajectory: Trajectory;
  tier?: string;
  bugKind?: string;
  /** By step index. */
  rewards: StepReward[];
  verdicts?: TestVerdicts;
}

export interface ReportData {
  title: string;
  generatedAt: string;
  runDir: string;
  pipelineFile?: string;
  description?: string;
  backend?: string;
  stages: StageRow[];
  tasks: Array<Named<TasksSummary>>;
  images: Array<Named<ImagesSummary>>;
  teachers: Array<Named<TeacherSummary>>;
  steps: Array<Named<StepsSummary>>;
  rewardChecks: Array<Named<RewardCheckSummary>>;
  evaluations: Array<Named<EvaluationSummary>>;
  training: TrainingCurves[];
  trajectories: TrajectoryView[];
  /** How many trajectories the run holds beyond those shown. */
  trajectoriesLeftOut: number;
}

export interface CollectOptions {
  title?: string;
  pipelineFile?: string;
  description?: string;
  backend?: string;
  /** Trajectories given a viewer page (the first ones of each trajectories stage). Default 60. */
  maxTrajectories?: number;
}

/** The stage's step lines: any other JSON line (a `null` too) is no point of a curve. */
async function readMetrics(path: string | undefined): Promise<MetricsRecord[]> {
  if (path === undefined) return [];
  return (await readMetricsFile(path, 'skip')).filter((record: MetricsRecord | null) => typeof record?.step === 'number');
}

/** Step rewards by step id, from a reward-check stage's rewards.jsonl. */
async function readStepRewards(path: string): Promise<Map<string, StepReward>> {
  const rewards = new Map<string, StepReward>();
  for await (const { value } of readJsonLines(path)) {
    const row = value as { step_id: string; policy: string; reward: number };
    const entry = rewards.get(row.step_id) ?? { perturbed: [] };
    if (row.policy === 'teacher') entry.teacher = row.reward;
    else entry.perturbed.push(row.reward);
    rewards.set(row.step_id, entry);
  }
  return rewards;
}

function byType<T>(views: readonly StageRecordView[], type: string): Array<Named<T>> {
  return views.filter((view) => view.type === type && view.status === 'done').map((view) => ({ stage: view.name, summary: view.summary as T }));
}

/** The reward-check rewards of the steps cut from `trajectoriesStage`, if the run has them. */
async function rewardsFor(views: readonly StageRecordView[], trajectoriesStage: string): Promise<Map<string, StepReward>> {
  const stepsStages = views.filter((view) => view.type === 'steps' && view.inputs.trajectories?.stage === trajectoriesStage).map((view) => view.name);
  const check = views.find((view) => view.type === 'reward-check' && stepsStages.includes(view.inputs.steps?.stage ?? ''));
  const file = check?.outputs.rewards?.files.rewards;
  return file ? readStepRewards(file) : new Map();
}

export async function collectRunData(runDir: string, views: readonly StageRecordView[], options: CollectOptions = {}): Promise<ReportData> {
  const maxTrajectories = options.maxTrajectories ?? 60;
  const trajectories: TrajectoryView[] = [];
  let left = 0;
  for (const view of views) {
    const artifact = Object.values(view.outputs).find((output) => output.kind === 'trajectories');
    if (!artifact?.files.store) continue;
    const rewards = await rewardsFor(views, view.name);
    const ids = new StepIdAllocator();
    for await (const { trajectory } of readTrajectoryStore(artifact.files.store)) {
      const id = ids.prefixFor(trajectory.instance_id);
      if (trajectories.length >= maxTrajectories) {
        left += 1;
        continue;
      }
      const metadata = trajectory.metadata ?? {};
      const task = metadata.task as { tier?: string; bug_kind?: string } | undefined;
      const evaluation = metadata.evaluation as TestVerdicts | undefined;
      trajectories.push({
        id,
        stage: view.name,
        trajectory,
        ...(task?.tier ? { tier: task.tier } : {}),
        ...(task?.bug_kind ? { bugKind: task.bug_kind } : {}),
        rewards: trajectory.steps.map((_, index) => rewards.get(`${id}#${index}`) ?? { perturbed: [] }),
        ...(evaluation ? { verdicts: evaluation } : {}),
      });
    }
  }
  const training: TrainingCurves[] = [];
  for (const view of views) {
    const records = await readMetrics(view.metricsPath);
    if (records.length > 0) training.push({ stage: view.name, type: view.type, records });
  }
  return {
    title: options.title ?? 'swe-srl run report',
    generatedAt: new Date().toISOString(),
    runDir,
    ...(options.pipelineFile ? { pipelineFile: options.pipelineFile } : {}),
    ...(options.description ? { description: options.description } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    stages: views.map((view) => ({ name: view.name, type: view.type, status: view.status, durationMs: view.durationMs, summary: view.summary, ...(view.headline ? { headline: view.headline } : {}) })),
    tasks: byType<TasksSummary>(views, 'tasks'),
    images: byType<ImagesSummary>(views, 'images'),
    teachers: byType<TeacherSummary>(views, 'teacher'),
    steps: byType<StepsSummary>(views, 'steps'),
    rewardChecks: byType<RewardCheckSummary>(views, 'reward-check'),
    evaluations: byType<EvaluationSummary>(views, 'evaluate'),
    training,
    trajectories,
    trajectoriesLeftOut: left,
  };
}
