/**
 * Candidates end to end without an engine: drafted, probed with the real probe script on the host's
 * python3, judged. What the teacher will rely on is checked here on every tier and bug kind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, after, test } from 'node:test';
import { BUG_KINDS } from '../../src/tasks/bugs/bug-kinds.js';
import { draftCandidate, judgeCandidate, probeRequestOf, type JudgedTask } from '../../src/tasks/candidate.js';
import { applyEdits, countOccurrences } from '../../src/tasks/edits.js';
import { teacherRecordOf } from '../../src/tasks/materialize.js';
import { TIERS } from '../../src/tasks/package/plan.js';
import { runProbe } from '../../src/tasks/probe/probe.js';
import { teacherRecordSchema, type TeacherRecord } from '../../src/tasks/task-records.js';
import { DOMAINS } from '../../src/tasks/templates/domains.js';
import { HostDirectorySandbox } from '../eval/helpers/host-sandbox.js';
import { removeTree } from '../helpers/temp-dir.js';
import { preferSystemPython } from './helpers/system-python.js';

preferSystemPython();

let work: string;
const judged: Array<{ task: JudgedTask; teacher: TeacherRecord }> = [];
const dropped: string[] = [];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'swe-srl-candidates-'));
  const drafts = TIERS.flatMap((tier, t) =>
    BUG_KINDS.map((kind, k) => draftCandidate({ seed: 23, split: 'train', tier, index: k, domain: DOMAINS[(t + k) % DOMAINS.length]!, bugKind: kind, instanceId: `${tier}-${kind}` })!),
  );
  const results = await runProbe(new HostDirectorySandbox(work), drafts.map(probeRequestOf));
  for (const draft of drafts) {
    const judgement = judgeCandidate(draft, results);
    if (judgement.accepted) judged.push({ task: judgement.task, teacher: teacherRecordOf(judgement.task, judgement.task.failToPass, judgement.task.passToPass) });
    else dropped.push(`${draft.instanceId}: ${judgement.reason} (${judgement.detail})`);
  }
});

after(async () => {
  await removeTree(work);
});

test('nearly every drafted bug breaks tests, and none trips over the generator itself', () => {
  assert.ok(!dropped.some((line) => /template_error/.test(line)), dropped.join('\n'));
  assert.ok(judged.length >= 20, `${judged.length} of 24 accepted; dropped:\n${dropped.join('\n')}`);
  for (const tier of TIERS) assert.ok(judged.some(({ task }) => task.draft.plan.tier === tier), `some ${tier} task`);
});

test("the teacher's edits, applied in order to the base files, give exactly the gold-patched files", () => {
  for (const { task, teacher } of judged) {
    const patched = applyEdits(task.files.base, teacher.edits);
    assert.deepEqual([...patched.entries()].sort(), [...task.files.fixed.entries()].sort(), task.draft.instanceId);
    assert.equal(teacher.edits.length, task.draft.plan.tier === 'hard' ? 2 : 1);
    // Each old_str is unique in the file as it is when its turn comes.
    let files = new Map(task.files.base);
    for (const edit of teacher.edits) {
      assert.equal(countOccurrences(files.get(edit.path)!, edit.old_str), 1);
      files = applyEdits(files, [edit]);
    }
  }
});

test('distractor data files are JSON and every Python file of the base tree is what the package renders', () => {
  for (const { task } of judged) {
    for (const [path, content] of task.files.base) if (path.endsWith('.json')) assert.doesNotThrow(() => JSON.parse(content), path);
    for (const [path, content] of task.draft.variants.get('buggy')!) assert.equal(task.files.base.get(path), content);
  }
});

test('FAIL_TO_PASS tests come only with the test patch; PASS_TO_PASS tests are in the repository already', () => {
  for (const { task } of judged) {
    assert.ok(task.failToPass.length > 0);
    assert.equal(task.failToPass.filter((id) => task.passToPass.includes(id)).length, 0);
    const testName = (id: string) => id.split(/::|\./).pop()!;
    const inFiles = (files: Map<string, string>, id: string) => [...files.entries()].some(([path, text]) => path.startsWith(task.draft.plan.testsDir) && text.includes(`def ${testName(id)}(`));
    for (const id of task.failToPass) assert.ok(inFiles(task.files.tested, id), id);
    for (const id of task.passToPass) assert.ok(inFiles(task.files.base, id), id);
    // No FAIL_TO_PASS test is in the base tree (each file's tests are named for their function and case).
    for (const id of task.failToPass) {
      const file = id.includes('::') ? id.split('::')[0]! : `${id.split('.').slice(0, -2).join('/')}.py`;
      const base = task.files.base.get(file) ?? '';
      const unittestClass = id.includes('::') ? undefined : id.split('.').slice(-2, -1)[0];
      const present = id.includes('::') ? base.includes(`def ${testName(id)}(`) : base.includes(`class ${unittestClass}(`) && base.slice(base.indexOf(`class ${unittestClass}(`)).split('\nclass ')[0]!.includes(`def ${testName(id)}(`);
      assert.ok(!present, `${id} is already in ${file}`);
    }
  }
});

test('problem statements give the symptom, an example, the expected and actual value, and never the fix', () => {
  const titles = new Set<string>();
  for (const { task, teacher } of judged) {
    const statement = task.problemStatement;
    const plan = task.draft.plan;
    titles.add(statement.split('\n')[0]!);
    const [example] = task.examples;
    assert.ok(statement.includes(example!.expected), `${task.draft.instanceId}: expected value`);
    const actual = 'repr' in example!.actual ? example!.actual.repr : example!.actual.error;
    assert.ok(statement.includes(actual), `${task.draft.instanceId}: actual value`);
    for (const site of teacher.sites) {
      assert.ok(!statement.includes(site.fixed_line.trim()), `${task.draft.instanceId} shows the fixed line`);
      if (site.buggy_line) assert.ok(!statement.includes(site.buggy_line.trim()), `${task.draft.instanceId} shows the buggy line`);
    }
    if (plan.tier === 'easy') assert.ok(statement.includes(plan.symptom.name), 'easy names the function');
    if (plan.tier === 'medium') assert.ok(!statement.includes(plan.symptom.name), `${task.draft.instanceId}: medium gives only the symptom`);
    if (plan.tier === 'hard') {
      assert.ok(statement.includes(plan.symptom.name));
      for (const site of teacher.sites) assert.ok(!new RegExp(`\\b${site.function}\\b`).test(statement), `${task.draft.instanceId}: hard does not name ${site.function}`);
    }
  }
  assert.ok(titles.size >= 10, `only ${titles.size} distinct titles`);
});

test('teacher records are complete: the search finds the symptom, the reproduce command shows the actual value', async () => {
  for (const { task, teacher } of judged) {
    teacherRecordSchema.parse(teacher);
    assert.ok(teacher.search[0]!.found_in.includes(teacher.symptom.file), `${teacher.instance_id}: ${teacher.search[0]!.query}`);
    if (teacher.tier === 'medium') {
      assert.equal(teacher.search[0]!.kind, 'phrase');
      assert.ok(task.problemStatement.includes(teacher.search[0]!.query), `${teacher.instance_id}: the statement mentions "${teacher.search[0]!.query}"`);
    }
    if (teacher.tier === 'hard') {
      assert.ok(teacher.namesakes.length > 0);
      for (const site of teacher.sites) {
        const found = teacher.search.find((item) => item.query === site.function)!.found_in;
        assert.ok(found.includes(site.file) && teacher.namesakes.some((namesake) => found.includes(namesake.file)), 'a search for the target also finds its namesake');
      }
    }
    assert.equal(task.files.base.get(teacher.bug.file)!.split('\n')[teacher.bug.line - 1], teacher.sites[0]!.buggy_line ?? task.files.base.get(teacher.bug.file)!.split('\n')[teacher.bug.line - 1]);
    const dir = join(work, teacher.instance_id);
    for (const [path, content] of task.files.base) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    let output: string;
    try {
      output = execFileSync('bash', ['-c', teacher.reproduce.command], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    } catch (error) {
      output = String((error as { stderr?: Buffer }).stderr ?? '');
    }
    assert.ok(output.includes(teacher.reproduce.actual_output), `${teacher.instance_id}: ${teacher.reproduce.command} printed ${output}`);
    assert.notEqual(teacher.reproduce.actual_output, teacher.reproduce.expected_output);
  }
});
