/**
 * `tasks`: tasks of the built-in family (src/tasks, SWE-smith's method: a bug injected into working
 * code, kept only when it breaks tests and validates), `count` per tier. Each tier is made in its
 * own folder by `makeTasks`, which resumes itself; the stage then joins them into one task set:
 * instances.jsonl, the teacher sidecar, one repository holding every task's branch, and the
 * family's environment spec.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { writeFileAtomically } from '../../io/atomic-write.js';
import { BUG_KINDS, FAMILY_SPEC_FILE, SPLITS, TEMPLATE_IDS, TIERS, familyEnvironment, makeTasks, tasksLayout, type MakeTasksEvent } from '../../tasks/index.js';
import { repoDirName } from '../../sandbox/repos/repo-names.js';
import { FAMILY_REPO } from '../../tasks/index.js';
import type { StageDefinition, StageProgress } from '../stage.js';
import type { TasksSummary, TierTasks } from '../summaries.js';

const settingsSchema = z.strictObject({
  /** Tasks per tier. */
  count: z.number().int().min(1).max(10_000),
  seed: z.number().int().min(0).max(0xffffffff),
  tiers: z.array(z.enum(TIERS)).min(1).default([...TIERS]).refine((tiers) => new Set(tiers).size === tiers.length, 'a tier is listed twice'),
  split: z.enum(SPLITS).default('train'),
  /** A held-out split may leave out bug kinds or repository templates, to measure generalisation. */
  excludeBugKinds: z
    .array(z.enum(BUG_KINDS))
    .default([])
    .refine((kinds) => BUG_KINDS.some((kind) => !kinds.includes(kind)), 'every bug kind is excluded; no task can be made'),
  excludeTemplates: z
    .array(z.string().refine((id) => TEMPLATE_IDS.includes(id), { message: `not a template (known: ${TEMPLATE_IDS.join(', ')})` }))
    .default([])
    .refine((templates) => TEMPLATE_IDS.some((id) => !templates.includes(id)), 'every template is excluded; no task can be made'),
});

function describeEvent(progress: StageProgress, tier: string, event: MakeTasksEvent): void {
  switch (event.type) {
    case 'accepted':
      if (!event.spare) progress.advance(1, `${tier}: ${event.instanceId} (${event.bugKind}, ${event.template})`);
      return;
    case 'dropped':
      progress.log(`${tier}: dropped ${event.instanceId}: ${event.reason} (${event.detail})`);
      return;
    case 'start':
      if (event.alreadyMade > 0) progress.advance(event.alreadyMade, `${tier}: ${event.alreadyMade} made by an earlier run`);
      return;
    case 'validate':
      progress.log(`${tier}: validating ${event.tasks} task(s) (${event.run})`);
      return;
    default:
      return;
  }
}

/** A repository with one empty commit: what a local probe sandbox works in. */
async function emptyRepository(path: string): Promise<string> {
  await rm(path, { recursive: true, force: true });
  await mkdir(path, { recursive: true });
  const env = { GIT_AUTHOR_NAME: 'swe-srl', GIT_AUTHOR_EMAIL: 'swe-srl@localhost', GIT_COMMITTER_NAME: 'swe-srl', GIT_COMMITTER_EMAIL: 'swe-srl@localhost' };
  await execa('git', ['init', '--quiet', path]);
  await execa('git', ['-C', path, 'commit', '--quiet', '--allow-empty', '-m', 'probe'], { env });
  return path;
}

export const tasksStage: StageDefinition<typeof settingsSchema> = {
  type: 'tasks',
  description: "tasks of the built-in family (an injected bug that breaks tests, validated), `count` per tier",
  settings: settingsSchema,
  inputs: {},
  outputs: { tasks: { kind: 'tasks', description: 'instances.jsonl, teacher.jsonl, repos/, environments/' } },
  version: 1,
  usesSandboxes: true,
  async run({ name, settings, dir, sandboxes, progress, signal }) {
    progress.total(settings.count * settings.tiers.length, 'tasks', `making ${settings.split} tasks, seed ${settings.seed}`);
    const { backend } = await sandboxes.backend();
    const tiers: Record<string, TierTasks> = {};
    const instances: string[] = [];
    const teacher: string[] = [];
    const tierDirs: string[] = [];
    for (const tier of settings.tiers) {
      const outDir = join(dir, tier);
      tierDirs.push(outDir);
      const result = await makeTasks(
        {
          count: settings.count,
          seed: settings.seed,
          tier,
          split: settings.split,
          outDir,
          excludeBugKinds: settings.excludeBugKinds,
          excludeTemplates: settings.excludeTemplates,
          maxWorkers: sandboxes.maxWorkers,
          signal,
          ...(backend === 'local'
            ? {
                provider: (runId: string, reposDir: string) => sandboxes.localProvider({ runId, reposDir }),
                openProbeSandbox: async () => sandboxes.scratch(familyEnvironment('pytest'), await emptyRepository(join(dir, 'work', 'probe-repo')), `pipeline-${name}`, 'swe-srl-tasks-probe'),
              }
            : {}),
        },
        { onEvent: (event) => describeEvent(progress, tier, event) },
      );
      const { summary } = result;
      tiers[tier] = {
        requested: summary.requested,
        made: summary.made,
        candidates: summary.candidates,
        dropped: summary.dropped,
        dropped_by_reason: summary.dropped_by_reason,
        made_by_bug_kind: summary.made_by_bug_kind,
        made_by_template: summary.made_by_template,
      };
      const layout = tasksLayout(outDir);
      instances.push(await readFile(layout.instances, 'utf8'));
      teacher.push(await readFile(layout.teacher, 'utf8'));
    }

    // One task set: the tiers' instances and sidecars one after the other, every branch in one repository.
    const files = {
      instances: join(dir, 'instances.jsonl'),
      teacher: join(dir, 'teacher.jsonl'),
      repos: join(dir, 'repos'),
      environments: join(dir, 'environments'),
    };
    await writeFileAtomically(files.instances, instances.join(''));
    await writeFileAtomically(files.teacher, teacher.join(''));
    const repository = join(files.repos, repoDirName(FAMILY_REPO));
    await rm(repository, { recursive: true, force: true });
    await mkdir(files.repos, { recursive: true });
    await execa('git', ['init', '--quiet', '--bare', repository]);
    for (const tierDir of tierDirs) {
      await execa('git', ['--git-dir', repository, 'fetch', '--quiet', tasksLayout(tierDir).repository, 'refs/heads/tasks/*:refs/heads/tasks/*']);
    }
    await mkdir(files.environments, { recursive: true });
    await copyFile(tasksLayout(tierDirs[0]!).spec, join(files.environments, FAMILY_SPEC_FILE));
    await writeFile(join(dir, 'README.txt'), 'One folder per tier, as `swe-srl tasks make` writes it; the files at the top join the tiers.\n');

    const made = Object.values(tiers).reduce((sum, entry) => sum + entry.made, 0);
    const candidates = Object.values(tiers).reduce((sum, entry) => sum + entry.candidates, 0);
    const summary: TasksSummary = { split: settings.split, seed: settings.seed, instances: made, tiers };
    return {
      outputs: { tasks: { kind: 'tasks', files } },
      summary: summary as unknown as Record<string, unknown>,
      headline: `${made} ${settings.split} tasks (${settings.tiers.map((tier) => `${tier} ${tiers[tier]!.made}`).join(', ')}) from ${candidates} candidates`,
    };
  },
};
