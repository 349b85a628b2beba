/**
 * `makeTasks`: the task family's generator, as a pipeline stage calls it. Candidates are drawn in a
 * fixed order from the seed (candidate k's package, bug and wording depend only on the seed, split,
 * tier and k), probed in a sandbox, judged, committed, and validated through the evaluation stage;
 * the first `count` that validate are the tasks. Every decision is written as it is made, so a
 * rerun (after a crash, a full disk, a Ctrl-C) resumes where the last one stopped and ends with the
 * same bytes as a run that was never interrupted.
 */
import { mkdir, readFile, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { InputError, SweSrlError, UnavailableError } from '../errors.js';
import { DockerInstanceProvider, instanceSchema, type InstanceSandboxProvider, type ProgressStream } from '../eval/index.js';
import { writeFileAtomically } from '../io/atomic-write.js';
import { createSandbox } from '../sandbox/index.js';
import { requireEngine } from '../sandbox/images/engine-check.js';
import { ensureEnvironmentImage } from '../sandbox/images/environment-image.js';
import type { Sandbox } from '../sandbox/types.js';
import { BUG_KINDS, parseBugKinds, type BugKind } from './bugs/bug-kinds.js';
import { DROP_REASONS, draftCandidate, judgeCandidate, probeRequestOf, type DropReason } from './candidate.js';
import { familyEnvironment, familySpecFile, FAMILY_SPEC_YAML } from './family-spec.js';
import { deleteRef, initBareRepository, listRefs, pruneUnreachable, pushCommit } from './git-store.js';
import { materializeTask, TASK_REF_PREFIX, type MaterializedTask } from './materialize.js';
import { symptomRecipes, TIERS, type Tier } from './package/plan.js';
import { runProbe, type ProbeResults } from './probe/probe.js';
import { Random } from './random.js';
import type { TaskInstance, TeacherRecord } from './task-records.js';
import { DOMAINS, TEMPLATE_IDS } from './templates/domains.js';
import { tasksLayout, type TasksLayout } from './output-layout.js';
import { TasksInterruptedError, validateTasks } from './validate.js';

export const SPLITS = ['train', 'heldout'] as const;
export type Split = (typeof SPLITS)[number];

/** Bump when generation changes what a seed makes: an output directory made by another version is not resumed. */
export const GENERATOR_VERSION = 1;

/** Less free space than this under the output directory is refused before any work. */
export const MIN_FREE_BYTES = 128 * 1024;

export interface MakeTasksOptions {
  count: number;
  seed: number;
  tier: Tier;
  split?: Split;
  outDir: string;
  excludeBugKinds?: readonly string[];
  excludeTemplates?: readonly string[];
  /** Validation sandboxes at once (default 2). */
  maxWorkers?: number;
  /** Give up after this many candidates (default 8 × count + 16). */
  maxCandidates?: number;
  /** Sandboxes for the evaluation runs; default Docker instance images from `repos`. */
  provider?: (runId: string, reposDir: string) => InstanceSandboxProvider;
  /** The sandbox the probe runs in; default a Docker container of the family's environment image. */
  openProbeSandbox?: () => Promise<Sandbox>;
  signal?: AbortSignal;
}

export type MakeTasksEvent =
  | { type: 'start'; outDir: string; count: number; alreadyMade: number; decided: number }
  | { type: 'batch'; first: number; size: number }
  | { type: 'probe'; candidates: number }
  | { type: 'validate'; run: 'gold' | 'noop' | 'single-edit'; tasks: number }
  /** `spare`: it validated after `count` tasks were already made by earlier candidates, so it is not used. */
  | { type: 'accepted'; instanceId: string; index: number; made: number; count: number; spare: boolean; bugKind: BugKind; template: string }
  | { type: 'dropped'; instanceId: string; index: number; reason: DropReason; detail: string }
  | { type: 'log'; line: string }
  | { type: 'done'; summary: ValidationSummary };

export interface MakeTasksEvents {
  onEvent?(event: MakeTasksEvent): void;
}

export interface ValidationSummary {
  requested: number;
  made: number;
  /** Candidates drawn up to the last task made (or all drawn, when fewer than requested were made). */
  candidates: number;
  dropped: number;
  dropped_by_reason: Record<string, number>;
  dropped_ids: Record<string, string[]>;
  reasons: Record<string, string>;
  made_by_bug_kind: Record<string, number>;
  made_by_template: Record<string, number>;
  made_by_test_framework: Record<string, number>;
}

export interface MakeTasksResult {
  layout: TasksLayout;
  summary: ValidationSummary;
  instances: TaskInstance[];
  teacher: TeacherRecord[];
}

/** Fewer valid tasks than asked for: the outputs hold those made, and the message says why the rest failed. */
export class NotEnoughTasksError extends SweSrlError {}

interface Manifest {
  generator: 'swe-srl tasks';
  generator_version: number;
  seed: number;
  split: Split;
  tier: Tier;
  exclude_bug_kinds: string[];
  exclude_templates: string[];
}

type Decision =
  | { index: number; instance_id: string; status: 'accepted'; bug_kind: BugKind; template: string; instance: TaskInstance; teacher: TeacherRecord }
  | { index: number; instance_id: string; status: 'dropped'; bug_kind: BugKind; template: string; reason: DropReason; detail: string };

interface Plan {
  seed: number;
  split: Split;
  tier: Tier;
  kinds: BugKind[];
  templates: string[];
}

/**
 * Whether a failure came from a full disk. Node says so (ENOSPC); git often does not ("could not
 * write config"), so a failure while the output's file system has next to nothing left counts too.
 */
async function isNoSpace(error: unknown, outDir: string): Promise<boolean> {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || /ENOSPC|EDQUOT|No space left on device/i.test(error instanceof Error ? error.message : String(error))) return true;
  if (error instanceof InputError || error instanceof TasksInterruptedError) return false;
  const stats = await statfs(outDir).catch(() => undefined);
  return stats !== undefined && stats.bavail * stats.bsize < 64 * 1024;
}

function checkOptions(options: MakeTasksOptions): Plan {
  if (!Number.isInteger(options.count) || options.count < 1) throw new InputError(`count: expected a whole number >= 1, got ${options.count}`);
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) throw new InputError(`seed: expected a whole number from 0 to 4294967295, got ${options.seed}`);
  if (!(TIERS as readonly string[]).includes(options.tier)) throw new InputError(`tier: "${options.tier}" is not one of ${TIERS.join(', ')}`);
  const split = options.split ?? 'train';
  if (!(SPLITS as readonly string[]).includes(split)) throw new InputError(`split: "${split}" is not one of ${SPLITS.join(', ')}`);
  if (options.maxWorkers !== undefined && (!Number.isInteger(options.maxWorkers) || options.maxWorkers < 1)) throw new InputError(`maxWorkers: expected a whole number >= 1, got ${options.maxWorkers}`);
  const excludedKinds = parseBugKinds('excludeBugKinds', options.excludeBugKinds ?? []);
  for (const template of options.excludeTemplates ?? []) {
    if (!TEMPLATE_IDS.includes(template)) throw new InputError(`excludeTemplates: "${template}" is not a template (known: ${TEMPLATE_IDS.join(', ')})`);
  }
  const templates = TEMPLATE_IDS.filter((id) => !(options.excludeTemplates ?? []).includes(id));
  if (templates.length === 0) throw new InputError(`excludeTemplates: every template is excluded (${TEMPLATE_IDS.join(', ')}); no task can be made`);
  const allowed = BUG_KINDS.filter((kind) => !excludedKinds.includes(kind));
  if (allowed.length === 0) throw new InputError(`excludeBugKinds: every bug kind is excluded (${BUG_KINDS.join(', ')}); no task can be made`);
  const kinds = allowed.filter((kind) => symptomRecipes(options.tier, kind).length > 0);
  if (kinds.length === 0) {
    throw new InputError(`tier: no ${options.tier} task can be made with the bug kinds left (${allowed.join(', ')}): none of them has two sites one call below a symptom`);
  }
  return { seed: options.seed, split, tier: options.tier, kinds, templates };
}

function manifestOf(plan: Plan, options: MakeTasksOptions): Manifest {
  return {
    generator: 'swe-srl tasks',
    generator_version: GENERATOR_VERSION,
    seed: plan.seed,
    split: plan.split,
    tier: plan.tier,
    exclude_bug_kinds: [...new Set(options.excludeBugKinds ?? [])].sort(),
    exclude_templates: [...new Set(options.excludeTemplates ?? [])].sort(),
  };
}

/** Makes the directory, proves it writable, and refuses one holding other work. */
async function prepareOutputDirectory(layout: TasksLayout, manifest: Manifest): Promise<void> {
  try {
    await mkdir(layout.outDir, { recursive: true });
    const probe = join(layout.outDir, `.swe-srl-write-test-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (error) {
    throw new InputError(`outDir: cannot write to ${layout.outDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  const stats = await statfs(layout.outDir).catch(() => undefined);
  if (stats && stats.bavail * stats.bsize < MIN_FREE_BYTES) {
    throw new UnavailableError(`outDir: only ${Math.floor((stats.bavail * stats.bsize) / 1024)} KiB free under ${layout.outDir}; free some space first`);
  }
  let existing: string | undefined;
  try {
    existing = await readFile(layout.manifest, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(`${layout.manifest}: cannot read (${(error as Error).message})`);
  }
  if (existing === undefined) {
    const entries = (await readdir(layout.outDir)).filter((name) => !name.startsWith('.swe-srl-write-test'));
    if (entries.length > 0) throw new InputError(`outDir: ${layout.outDir} is not empty and holds no ${'manifest.json'}; give a new or empty directory (or one made by swe-srl tasks make)`);
    await writeFileAtomically(layout.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    return;
  }
  let previous: Record<string, unknown>;
  try {
    previous = JSON.parse(existing) as Record<string, unknown>;
  } catch {
    throw new InputError(`${layout.manifest}: not valid JSON; use a new directory`);
  }
  for (const [field, value] of Object.entries(manifest)) {
    if (JSON.stringify(previous[field]) !== JSON.stringify(value)) {
      throw new InputError(`outDir: ${layout.outDir} was made with ${field} ${JSON.stringify(previous[field])}, not ${JSON.stringify(value)}; use another directory, or the same options to resume it`);
    }
  }
}

function candidateFile(layout: TasksLayout, index: number, dir: string): string {
  return join(dir, `${String(index).padStart(6, '0')}.json`);
}

async function readDecisions(layout: TasksLayout): Promise<Map<number, Decision>> {
  const decisions = new Map<number, Decision>();
  let names: string[] = [];
  try {
    names = await readdir(layout.candidatesDir);
  } catch {
    return decisions;
  }
  for (const name of names.filter((entry) => /^\d{6}\.json$/.test(entry))) {
    const path = join(layout.candidatesDir, name);
    try {
      const decision = JSON.parse(await readFile(path, 'utf8')) as Decision;
      decisions.set(decision.index, decision);
    } catch (error) {
      throw new InputError(`${path}: not a candidate record (${(error as Error).message}); remove it to redo that candidate`);
    }
  }
  return decisions;
}

function instanceIdOf(plan: Plan, index: number): string {
  return `swe-srl__tasks-${plan.split}-${plan.tier}-s${plan.seed}-${String(index).padStart(4, '0')}`;
}

/** Candidate k's bug kind cycles through the kinds (from a seeded start) and its template is drawn. */
function candidateChoice(plan: Plan, index: number): { bugKind: BugKind; template: string } {
  const offset = new Random('swe-srl tasks kinds', plan.seed, plan.split, plan.tier).int(0, plan.kinds.length - 1);
  const order = new Random('swe-srl tasks templates', plan.seed, plan.split, plan.tier).shuffle(plan.templates);
  const draw = new Random('swe-srl tasks template draw', plan.seed, plan.split, plan.tier, index);
  const template = index < order.length ? order[index]! : draw.pick(plan.templates);
  return { bugKind: plan.kinds[(offset + index) % plan.kinds.length]!, template };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function summarize(decisions: Map<number, Decision>, count: number): { summary: ValidationSummary; accepted: Array<Extract<Decision, { status: 'accepted' }>> } {
  const ordered = [...decisions.values()].sort((a, b) => a.index - b.index);
  const accepted: Array<Extract<Decision, { status: 'accepted' }>> = [];
  const considered: Decision[] = [];
  for (const decision of ordered) {
    if (accepted.length >= count) break;
    considered.push(decision);
    if (decision.status === 'accepted') accepted.push(decision);
  }
  const dropped = considered.filter((decision): decision is Extract<Decision, { status: 'dropped' }> => decision.status === 'dropped');
  const droppedIds: Record<string, string[]> = {};
  for (const decision of dropped) (droppedIds[decision.reason] ??= []).push(decision.instance_id);
  const reasons: Record<string, string> = {};
  for (const reason of Object.keys(droppedIds).sort()) reasons[reason] = DROP_REASONS[reason as DropReason];
  return {
    accepted,
    summary: {
      requested: count,
      made: accepted.length,
      candidates: considered.length,
      dropped: dropped.length,
      dropped_by_reason: countBy(dropped.map((decision) => decision.reason)),
      dropped_ids: Object.fromEntries(Object.entries(droppedIds).sort(([a], [b]) => (a < b ? -1 : 1))),
      reasons,
      made_by_bug_kind: countBy(accepted.map((decision) => decision.bug_kind)),
      made_by_template: countBy(accepted.map((decision) => decision.template)),
      made_by_test_framework: countBy(accepted.map((decision) => decision.teacher.test_framework)),
    },
  };
}

const jsonl = (values: readonly unknown[]) => values.map((value) => `${JSON.stringify(value)}\n`).join('');

/** Writes the artefacts for the tasks decided so far; the repository gets exactly their branches. */
async function publish(layout: TasksLayout, decisions: Map<number, Decision>, count: number): Promise<MakeTasksResult> {
  const { summary, accepted } = summarize(decisions, count);
  await mkdir(layout.environmentsDir, { recursive: true });
  await writeFileAtomically(layout.spec, FAMILY_SPEC_YAML);
  await mkdir(layout.reposDir, { recursive: true });
  try {
    await readFile(join(layout.repository, 'HEAD'));
  } catch {
    await initBareRepository(layout.repository);
  }
  const published = await listRefs(layout.repository, TASK_REF_PREFIX);
  const wanted = new Map(accepted.map((decision) => [`${TASK_REF_PREFIX}${decision.instance_id}`, decision.instance.base_commit]));
  for (const [ref, commit] of wanted) {
    if (published.get(ref) !== commit) await pushCommit(layout.workRepository, layout.repository, commit, ref);
  }
  let removed = false;
  for (const ref of published.keys()) {
    if (!wanted.has(ref)) {
      await deleteRef(layout.repository, ref);
      removed = true;
    }
  }
  if (removed) await pruneUnreachable(layout.repository);
  const instances = accepted.map((decision) => decision.instance);
  const teacher = accepted.map((decision) => decision.teacher);
  await writeFileAtomically(layout.instances, jsonl(instances));
  await writeFileAtomically(layout.teacher, jsonl(teacher));
  await writeFileAtomically(layout.validation, `${JSON.stringify(summary, null, 2)}\n`);
  return { layout, summary, instances, teacher };
}

function progressAdapter(emit: (event: MakeTasksEvent) => void): ProgressStream {
  let pending = '';
  return {
    write(text: string) {
      pending += text.replace(/\r/g, '\n');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) emit({ type: 'log', line: line.trim() });
      return true;
    },
  };
}

/** The probe's default sandbox: a container of the family's environment image (what the tests run in). */
async function dockerProbeSandbox(runId: string): Promise<Sandbox> {
  const docker = new Docker();
  await requireEngine(docker);
  const image = await ensureEnvironmentImage(docker, familyEnvironment('pytest'));
  return createSandbox({ type: 'docker', image: image.tag, runId, instanceId: 'swe-srl-tasks-probe' });
}

export async function makeTasks(options: MakeTasksOptions, events: MakeTasksEvents = {}): Promise<MakeTasksResult> {
  const plan = checkOptions(options);
  const layout = tasksLayout(resolve(options.outDir));
  const emit = (event: MakeTasksEvent) => events.onEvent?.(event);
  const manifest = manifestOf(plan, options);
  await prepareOutputDirectory(layout, manifest);
  const runIdPrefix = `tasks-${createHash('sha256').update(layout.outDir).digest('hex').slice(0, 10)}`;
  if (!options.provider) await requireEngine(new Docker());

  let probeSandbox: Sandbox | undefined;
  try {
    await mkdir(layout.candidatesDir, { recursive: true });
    await mkdir(layout.probeDir, { recursive: true });
    try {
      await readFile(join(layout.workRepository, 'HEAD'));
    } catch {
      await initBareRepository(layout.workRepository);
    }
    const decisions = await readDecisions(layout);
    const maxCandidates = options.maxCandidates ?? options.count * 8 + 16;
    const made = () => summarize(decisions, options.count).accepted.length;
    emit({ type: 'start', outDir: layout.outDir, count: options.count, alreadyMade: made(), decided: decisions.size });
    const environments = [familySpecFile(layout.spec)];
    const providerFor = options.provider ?? ((runId: string, reposDir: string) => new DockerInstanceProvider({ runId, reposDir }));
    const progress = progressAdapter(emit);

    let next = 0;
    while (made() < options.count && next < maxCandidates) {
      if (options.signal?.aborted) throw new TasksInterruptedError();
      // Enough candidates for what is still needed at the acceptance rate seen so far (most validate).
      const needed = options.count - made();
      const decidedSoFar = [...decisions.values()];
      const rate = (decidedSoFar.filter((decision) => decision.status === 'accepted').length + 19) / (decidedSoFar.length + 20);
      const batchSize = Math.min(16, Math.max(needed, Math.round(needed / rate)));
      const batch: number[] = [];
      while (batch.length < batchSize && next < maxCandidates) {
        if (!decisions.has(next)) batch.push(next);
        next++;
      }
      if (batch.length === 0) break;
      emit({ type: 'batch', first: batch[0]!, size: batch.length });

      const record = async (decision: Decision) => {
        decisions.set(decision.index, decision);
        await writeFileAtomically(candidateFile(layout, decision.index, layout.candidatesDir), `${JSON.stringify(decision)}\n`);
        if (decision.status === 'accepted') {
          const used = summarize(decisions, options.count).accepted;
          const spare = !used.includes(decision);
          emit({ type: 'accepted', instanceId: decision.instance_id, index: decision.index, made: used.length, count: options.count, spare, bugKind: decision.bug_kind, template: decision.template });
        } else {
          emit({ type: 'dropped', instanceId: decision.instance_id, index: decision.index, reason: decision.reason, detail: decision.detail });
        }
      };

      const drafts = [];
      for (const index of batch) {
        const choice = candidateChoice(plan, index);
        const instanceId = instanceIdOf(plan, index);
        const domain = DOMAINS.find((candidate) => candidate.id === choice.template)!;
        const draft = draftCandidate({ seed: plan.seed, split: plan.split, tier: plan.tier, index, domain, bugKind: choice.bugKind, instanceId });
        if (!draft) await record({ index, instance_id: instanceId, status: 'dropped', bug_kind: choice.bugKind, template: choice.template, reason: 'no_site', detail: 'too few sites' });
        else drafts.push(draft);
      }

      // Probe what has no cached result (a rerun reuses them).
      const results: ProbeResults = {};
      const toProbe = [];
      for (const draft of drafts) {
        const cached = await readFile(candidateFile(layout, draft.index, layout.probeDir), 'utf8').catch(() => undefined);
        if (cached) results[draft.instanceId] = JSON.parse(cached) as ProbeResults[string];
        else toProbe.push(draft);
      }
      if (toProbe.length > 0) {
        emit({ type: 'probe', candidates: toProbe.length });
        probeSandbox ??= await (options.openProbeSandbox ?? (() => dockerProbeSandbox(`${runIdPrefix}-probe`)))();
        const fresh = await runProbe(probeSandbox, toProbe.map(probeRequestOf));
        for (const draft of toProbe) {
          const outcome = fresh[draft.instanceId] ?? {};
          results[draft.instanceId] = outcome;
          await writeFileAtomically(candidateFile(layout, draft.index, layout.probeDir), JSON.stringify(outcome));
        }
      }

      const materialized = new Map<string, { draftIndex: number; bugKind: BugKind; template: string; task: MaterializedTask }>();
      for (const draft of drafts) {
        const judgement = judgeCandidate(draft, results);
        const common = { index: draft.index, instance_id: draft.instanceId, bug_kind: draft.plan.bugKind, template: draft.plan.template };
        if (!judgement.accepted) {
          await record({ ...common, status: 'dropped', reason: judgement.reason, detail: judgement.detail });
          continue;
        }
        const task = await materializeTask(judgement.task, layout.workRepository);
        materialized.set(draft.instanceId, { draftIndex: draft.index, bugKind: draft.plan.bugKind, template: draft.plan.template, task });
      }

      // Through the eval library's own schema: what it validates is what instances.jsonl will hold.
      const instances = [...materialized.values()].map(({ task }) => instanceSchema.parse(task.instance));
      const verdicts = await validateTasks({
        instances,
        singleEditPatches: new Map([...materialized].map(([id, { task }]) => [id, task.singleEditPatches])),
        environments,
        provider: (runId) => providerFor(runId, layout.workReposDir),
        runIdPrefix,
        logsDir: layout.logsDir,
        reportDir: layout.reportDir,
        maxWorkers: options.maxWorkers ?? 2,
        progress,
        ...(options.signal ? { signal: options.signal } : {}),
        onRun: (run, tasks) => emit({ type: 'validate', run, tasks }),
      });
      if (options.signal?.aborted) throw new TasksInterruptedError();
      for (const [id, { draftIndex, bugKind, template, task }] of materialized) {
        const verdict = verdicts.get(id)!;
        const common = { index: draftIndex, instance_id: id, bug_kind: bugKind, template };
        if (verdict.valid) await record({ ...common, status: 'accepted', instance: task.instance, teacher: task.teacher });
        else await record({ ...common, status: 'dropped', reason: verdict.reason, detail: verdict.detail });
      }
      await publish(layout, decisions, options.count);
    }

    const result = await publish(layout, decisions, options.count);
    emit({ type: 'done', summary: result.summary });
    if (result.summary.made < options.count) {
      const reasons = Object.entries(result.summary.dropped_by_reason)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ');
      const what = result.summary.made === 0 ? `seed ${plan.seed}, tier ${plan.tier}: no valid task` : `made only ${result.summary.made} of ${options.count} tasks`;
      throw new NotEnoughTasksError(`${what} after ${result.summary.candidates} candidates (dropped: ${reasons || 'none'}); see ${layout.validation}`);
    }
    return result;
  } catch (error) {
    if (await isNoSpace(error, layout.outDir)) {
      throw new UnavailableError(
        `no space left on the device holding ${layout.outDir} (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); free some space and run the same command again: the tasks made so far are kept and the run resumes`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await probeSandbox?.close().catch(() => undefined);
  }
}
