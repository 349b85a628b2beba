/**
 * Turns a judged candidate into its git commit, its SWE-bench instance and its teacher record. The
 * trees (base, fixed, tests added, each single edit) are written in a scratch repository of the
 * candidate's own, the patches are `git diff`s between them, and the base commit is pushed to the
 * repository the evaluation reads as branch `tasks/<instance_id>`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMarkup } from './code/markup.js';
import type { JudgedTask } from './candidate.js';
import { familyEnvironment, FAMILY_REPO } from './family-spec.js';
import { commitTree, diffTrees, initBareRepository, pushCommit, writeTree } from './git-store.js';
import { moduleOf } from './package/plan.js';
import { buildTestCommand } from '../sandbox/images/environment-spec.js';
import type { TaskInstance, TeacherRecord } from './task-records.js';
import { DELETED_LINE } from './bugs/bug-kinds.js';

export const TASK_REF_PREFIX = 'refs/heads/tasks/';

export interface MaterializedTask {
  instance: TaskInstance;
  teacher: TeacherRecord;
  /** Two-edit tasks: the patch of each edit alone. */
  singleEditPatches: string[];
}

/** A fixed, made-up creation time per candidate: tasks are reproducible, so nothing may read the clock. */
export function createdAt(index: number): string {
  return new Date(Date.UTC(2024, 0, 1) + index * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function lineOf(text: string, needle: RegExp): number {
  const index = text.split('\n').findIndex((line) => needle.test(line));
  if (index === -1) throw new Error(`no line matches ${needle}`);
  return index + 1;
}

function filesContaining(files: ReadonlyMap<string, string>, query: string): string[] {
  return [...files.entries()]
    .filter(([, content]) => content.includes(query))
    .map(([path]) => path)
    .sort();
}

export function teacherRecordOf(task: JudgedTask, failToPass: string[], passToPass: string[]): TeacherRecord {
  const { draft, files } = task;
  const { plan } = draft;
  const symptomModule = moduleOf(plan, plan.symptom);
  const defLine = (path: string, name: string) => lineOf(files.base.get(path)!, new RegExp(`^def ${name}\\(`));
  const sites = draft.sites.map((chosen) => {
    const path = chosen.marked.module.path;
    const siteReplacements = new Map(draft.sites.filter((other) => other.marked === chosen.marked).map((other) => [other.site.index, other.replacement]));
    const rendered = renderMarkup(chosen.marked.parsed, siteReplacements);
    const line = rendered.siteLines.get(chosen.site.index)!;
    const working = files.fixed.get(path)!.split('\n');
    return {
      file: path,
      function: chosen.fn.name,
      line,
      bug_kind: chosen.kind,
      buggy_line: chosen.replacement === DELETED_LINE ? null : rendered.text.split('\n')[line - 1]!,
      fixed_line: working[chosen.workingLine - 1]!,
    };
  });
  const first = sites[0]!;
  const searches: TeacherRecord['search'] = [];
  const search = (query: string, kind: 'symbol' | 'phrase') => {
    if (!searches.some((item) => item.query === query)) searches.push({ query, kind, found_in: filesContaining(files.base, query) });
  };
  if (plan.tier === 'medium') search(plan.symptom.phrase, 'phrase');
  search(plan.symptom.name, 'symbol');
  if (plan.tier === 'hard') for (const site of sites) search(site.function, 'symbol');
  const environment = familyEnvironment(plan.framework);
  return {
    instance_id: draft.instanceId,
    tier: plan.tier,
    bug_kind: plan.bugKind,
    template: plan.template,
    test_framework: plan.framework,
    symptom: { file: symptomModule.path, function: plan.symptom.name, line: defLine(symptomModule.path, plan.symptom.name) },
    bug: { file: first.file, function: first.function, line: first.line },
    sites,
    search: searches,
    reproduce: { command: task.reproduce.command, expected_output: task.reproduce.expectedOutput, actual_output: task.reproduce.actualOutput },
    edits: task.edits.map((edit) => ({ path: edit.path, old_str: edit.old_str, new_str: edit.new_str })),
    test_command: buildTestCommand(environment, task.visibleTestFiles),
    namesakes: plan.namesakes.map((fn) => ({ file: moduleOf(plan, fn).path, function: fn.name })),
    FAIL_TO_PASS: failToPass,
    PASS_TO_PASS: passToPass,
  };
}

const COMMIT_MESSAGES = ['Initial import', 'Import the package', 'First version of $pkg', 'Add $pkg'];

/** Writes the task's commit into `repositoryGitDir` and returns its instance and teacher record. */
export async function materializeTask(task: JudgedTask, repositoryGitDir: string): Promise<MaterializedTask> {
  const { draft, files } = task;
  const scratch = await mkdtemp(join(tmpdir(), 'swe-srl-task-'));
  try {
    const gitDir = join(scratch, 'repo.git');
    await initBareRepository(gitDir);
    const base = await writeTree(gitDir, files.base);
    const fixed = await writeTree(gitDir, files.fixed);
    const tested = await writeTree(gitDir, files.tested);
    const patch = await diffTrees(gitDir, base, fixed);
    const testPatch = await diffTrees(gitDir, base, tested);
    const singleEditPatches: string[] = [];
    for (const single of files.singleEdits) singleEditPatches.push(await diffTrees(gitDir, base, await writeTree(gitDir, single)));
    const date = createdAt(draft.index);
    const message = draft.random.fork('commit').pick(COMMIT_MESSAGES).replace('$pkg', draft.plan.packageName);
    const commit = await commitTree(gitDir, base, message, date);
    await pushCommit(gitDir, repositoryGitDir, commit, `${TASK_REF_PREFIX}${draft.instanceId}`);
    const instance: TaskInstance = {
      repo: FAMILY_REPO,
      instance_id: draft.instanceId,
      base_commit: commit,
      patch,
      test_patch: testPatch,
      problem_statement: task.problemStatement,
      hints_text: '',
      created_at: date,
      version: draft.plan.framework,
      FAIL_TO_PASS: task.failToPass,
      PASS_TO_PASS: task.passToPass,
      environment_setup_commit: commit,
    };
    return { instance, teacher: teacherRecordOf(task, task.failToPass, task.passToPass), singleEditPatches };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
