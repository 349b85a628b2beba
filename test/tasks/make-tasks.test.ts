/**
 * makeTasks' own logic with sandboxes on the host (probe on python3, evaluation in clones): the
 * artefacts, byte-identical reruns, resuming after an interruption or a full disk, splits and
 * exclusions, drops counted, and bad input refused before any work. The Docker test runs the real
 * stack end to end.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InputError, UnavailableError } from '../../src/errors.js';
import { loadInstances } from '../../src/eval/instances.js';
import type { InstanceSandboxProvider } from '../../src/eval/sandbox-provider.js';
import { findEnvironmentSpec, loadEnvironmentSpecs } from '../../src/sandbox/images/environment-spec.js';
import { makeTasks, NotEnoughTasksError, loadTeacherRecords, BUG_KINDS, TEMPLATE_IDS, type MakeTasksEvent, type MakeTasksOptions } from '../../src/tasks/index.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';
import { forbiddenSandboxes, hostSandboxes } from './helpers/host-tasks.js';
import { preferSystemPython } from './helpers/system-python.js';
import { differences, treeBytes } from './helpers/tree-bytes.js';

preferSystemPython();

let root: string;
const base = { count: 2, seed: 31, tier: 'easy' as const };
const artefacts = (dir: string) => treeBytes(dir, (path) => path === 'work');
let reference: string;

before(async () => {
  root = await tempDir('make-tasks');
  reference = join(root, 'reference');
  await makeTasks({ ...base, outDir: reference, ...hostSandboxes() });
});

after(async () => {
  await removeTree(root);
});

test('the output holds SWE-bench instances, local repositories, an environment spec, teacher records and the counts', async () => {
  const instances = await loadInstances(join(reference, 'instances.jsonl'));
  assert.equal(instances.length, 2);
  const specs = await loadEnvironmentSpecs(join(reference, 'environments'));
  for (const instance of instances) {
    assert.equal(instance.repo, 'swe-srl/tasks');
    assert.match(instance.patch, /^diff --git a\/\S+\.py b\/\S+\.py\nindex [0-9a-f]{7}\.\.[0-9a-f]{7} 100644\n/);
    assert.match(instance.test_patch, /^diff --git a\/tests?\//);
    assert.ok(['pytest', 'unittest'].includes(instance.version!));
    assert.equal(findEnvironmentSpec(specs, instance.repo, instance.version).name, 'swe-srl-tasks');
    // The repository is a usable --repos entry: the branch points at the base commit.
    const tip = execFileSync('git', ['--git-dir', join(reference, 'repos', 'swe-srl__tasks'), 'rev-parse', `tasks/${instance.instance_id}`]).toString().trim();
    assert.equal(tip, instance.base_commit);
    assert.ok(!('bug_kind' in instance) && !JSON.stringify(instance).includes('old_str'), 'no teacher metadata in the instance');
  }
  const teacher = await loadTeacherRecords(join(reference, 'teacher.jsonl'));
  assert.deepEqual(teacher.map((record) => record.instance_id), instances.map((instance) => instance.instance_id));
  const validation = JSON.parse(await readFile(join(reference, 'validation.json'), 'utf8'));
  assert.equal(validation.made, 2);
  assert.equal(validation.candidates, validation.made + validation.dropped);
  const broken = join(root, 'broken-teacher.jsonl');
  await writeFile(broken, `${JSON.stringify(teacher[0])}\n${JSON.stringify({ ...teacher[1], edits: [{ path: 'x.py' }] })}\n`);
  await assert.rejects(loadTeacherRecords(broken), /broken-teacher\.jsonl:2: edits\.0\.old_str: .*\(in teacher record "swe-srl__tasks-/);
});

test('an interrupted run, run again, resumes and ends byte for byte like an uninterrupted one (repositories included)', async () => {
  const outDir = join(root, 'interrupted');
  const controller = new AbortController();
  const seen: MakeTasksEvent['type'][] = [];
  await assert.rejects(
    makeTasks({ ...base, outDir, ...hostSandboxes(), signal: controller.signal }, { onEvent: (event) => {
      seen.push(event.type);
      if (event.type === 'validate') controller.abort();
    } }),
    /interrupted; run the same command again to resume/,
  );
  assert.ok(seen.includes('validate'));
  const resumedEvents: MakeTasksEvent[] = [];
  await makeTasks({ ...base, outDir, ...hostSandboxes() }, { onEvent: (event) => resumedEvents.push(event) });
  assert.ok(resumedEvents.some((event) => event.type === 'start' && event.decided === 0), 'nothing was decided before the interruption');
  assert.deepEqual(differences(await artefacts(reference), await artefacts(outDir)), []);
  // A finished directory is a no-op to rerun: nothing is probed or validated again.
  const again: MakeTasksEvent[] = [];
  await makeTasks({ ...base, outDir, ...forbiddenSandboxes() }, { onEvent: (event) => again.push(event) });
  assert.ok(!again.some((event) => event.type === 'probe' || event.type === 'validate'));
});

test('held-out tasks differ from train tasks of the same seed, and leave out excluded bug kinds and templates', async () => {
  const outDir = join(root, 'heldout');
  const keptKinds = ['wrong-key', 'missing-return'];
  const keptTemplates = ['billing'];
  const result = await makeTasks({
    ...base,
    count: 1,
    split: 'heldout',
    excludeBugKinds: BUG_KINDS.filter((kind) => !keptKinds.includes(kind)),
    excludeTemplates: TEMPLATE_IDS.filter((id) => !keptTemplates.includes(id)),
    outDir,
    ...hostSandboxes(),
  });
  assert.ok(Object.keys(result.summary.made_by_bug_kind).every((kind) => keptKinds.includes(kind)));
  assert.deepEqual(Object.keys(result.summary.made_by_template), keptTemplates);
  const train = await loadInstances(join(reference, 'instances.jsonl'));
  assert.match(result.instances[0]!.instance_id, /-heldout-/);
  assert.ok(!train.some((instance) => instance.base_commit === result.instances[0]!.base_commit || instance.problem_statement === result.instances[0]!.problem_statement));
});

test('tasks that do not validate are dropped and counted, and a run that makes none says so', async () => {
  const outDir = join(root, 'sabotaged');
  const host = hostSandboxes();
  // At the base commit (the no-op run) the package no longer imports: every PASS_TO_PASS test fails.
  const provider = (runId: string, reposDir: string): InstanceSandboxProvider => {
    const inner = host.provider!(runId, reposDir);
    return {
      async open(instance, environment, onProgress) {
        const sandbox = await inner.open(instance, environment, onProgress);
        if (runId.endsWith('-noop')) await sandbox.run(`for init in $(git ls-files '*/__init__.py' | grep -v '^tests\\?/'); do echo 'raise ImportError("sabotaged")' >> "$init"; done`);
        return sandbox;
      },
    };
  };
  const error = await makeTasks({ ...base, count: 1, maxCandidates: 2, outDir, ...host, provider }).catch((caught: unknown) => caught);
  assert.ok(error instanceof NotEnoughTasksError, String(error));
  assert.match(error.message, /seed 31, tier easy: no valid task after 2 candidates \(dropped: pass_to_pass_failed_before 2\)/);
  const validation = JSON.parse(await readFile(join(outDir, 'validation.json'), 'utf8'));
  assert.equal(validation.dropped_by_reason.pass_to_pass_failed_before, 2);
  assert.equal((await readFile(join(outDir, 'instances.jsonl'), 'utf8')), '');
});

test('bad input is refused before any work, naming the field, and leaves what is there untouched', async () => {
  const outDir = join(root, 'bad');
  const attempt = (overrides: Partial<MakeTasksOptions>) => makeTasks({ ...base, outDir, ...forbiddenSandboxes(), ...overrides });
  const cases: Array<[Partial<MakeTasksOptions>, RegExp]> = [
    [{ count: 0 }, /^count: expected a whole number >= 1/],
    [{ seed: -1 }, /^seed: /],
    [{ seed: 1.5 }, /^seed: /],
    [{ tier: 'extreme' as never }, /^tier: "extreme" is not one of easy, medium, hard/],
    [{ split: 'test' as never }, /^split: "test"/],
    [{ excludeBugKinds: ['flipped'] }, /^excludeBugKinds: "flipped" is not a bug kind/],
    [{ excludeBugKinds: [...BUG_KINDS] }, /every bug kind is excluded/],
    [{ excludeTemplates: ['zoo'] }, /^excludeTemplates: "zoo" is not a template/],
    [{ excludeTemplates: [...TEMPLATE_IDS] }, /every template is excluded/],
  ];
  for (const [overrides, message] of cases) await assert.rejects(attempt(overrides), (error: unknown) => error instanceof InputError && message.test(error.message));

  const file = join(root, 'a-file');
  await writeFile(file, 'not a directory');
  await assert.rejects(attempt({ outDir: join(file, 'tasks') }), (error: unknown) => error instanceof InputError && /^outDir: cannot write to .*a-file\/tasks/.test(error.message));

  const busy = join(root, 'busy');
  await mkdir(busy);
  await writeFile(join(busy, 'notes.txt'), 'mine');
  await assert.rejects(attempt({ outDir: busy }), /is not empty and holds no manifest.json/);
  assert.equal(await readFile(join(busy, 'notes.txt'), 'utf8'), 'mine');

  const before = await artefacts(reference);
  await assert.rejects(makeTasks({ ...base, seed: 32, outDir: reference, ...forbiddenSandboxes() }), /was made with seed 31, not 32; use another directory/);
  await assert.rejects(makeTasks({ ...base, tier: 'hard', outDir: reference, ...forbiddenSandboxes() }), /was made with tier "easy", not "hard"/);
  assert.deepEqual(differences(before, await artefacts(reference)), []);
});

const isRoot = process.getuid?.() === 0;

test('a disk that fills mid-run fails with a message; after space is freed a rerun resumes to the same bytes', { skip: isRoot ? false : 'needs root to mount a small tmpfs' }, async (t) => {
  const mountPoint = join(root, 'small-disk');
  await mkdir(mountPoint);
  // The same run's files, as tmpfs charges them (whole pages per file, nothing for directories).
  // Its working files (candidate decisions, probes, the work repository) are all written before the
  // outputs, so a disk that holds them and half the outputs fills mid-run after decisions are kept.
  const working = await pagesKiB(join(reference, 'work'));
  const outputs = (await pagesKiB(reference)) - working;
  const sizeKiB = working + Math.floor(outputs / 2);
  const needed = working + outputs;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', mountPoint]);
  } catch (error) {
    t.skip(`cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})`);
    return;
  }
  try {
    const outDir = join(mountPoint, 'tasks');
    const failure = await makeTasks({ ...base, outDir, ...hostSandboxes() }).catch((error: unknown) => error);
    assert.ok(failure instanceof UnavailableError, `${failure instanceof Error ? failure.message : 'the run succeeded'} on ${sizeKiB} KiB (the reference takes ${needed} KiB)`);
    assert.match(failure.message, /^no space left on the device holding .*small-disk\/tasks .*run the same command again: the tasks made so far are kept and the run resumes/);
    // What was decided before the disk filled is kept, and the rerun starts from it.
    assert.ok((await readdir(join(outDir, 'work', 'candidates'))).length > 0, 'no decision was kept');
    execFileSync('mount', ['-o', 'remount,size=64m', mountPoint]);
    const events: MakeTasksEvent[] = [];
    await makeTasks({ ...base, outDir, ...hostSandboxes() }, { onEvent: (event) => events.push(event) });
    assert.ok(events.some((event) => event.type === 'start' && event.decided > 0));
    assert.deepEqual(differences(await artefacts(reference), await artefacts(outDir)), []);
  } finally {
    execFileSync('umount', ['-l', mountPoint]);
  }
});

/** KiB a tree's files take on a tmpfs: each file rounded up to whole 4 KiB pages. */
async function pagesKiB(dir: string): Promise<number> {
  let total = 0;
  for (const path of await readdir(dir, { recursive: true })) {
    const info = await stat(join(dir, path));
    if (info.isFile()) total += Math.ceil(info.size / 4096) * 4;
  }
  return total;
}
