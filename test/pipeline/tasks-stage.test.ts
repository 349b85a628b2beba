/**
 * The tasks stage on the local bubblewrap backend (the Docker pipeline test runs it in Docker):
 * one folder per tier made by `makeTasks`, joined into one task set whose every gold patch
 * validates through the evaluate stage; bad settings are refused before any work.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { InputError } from '../../src/errors.js';
import { loadInstances } from '../../src/eval/index.js';
import { parsePipeline, runPipeline, type EvaluationSummary, type TasksSummary } from '../../src/pipeline/index.js';
import { findBubblewrap } from '../../src/sandbox/index.js';
import { loadTeacherRecords } from '../../src/tasks/index.js';
import { withTempDir } from '../helpers/temp-dir.js';

const skip = findBubblewrap() ? false : 'bubblewrap is not installed (apt-get install bubblewrap)';

test('the tasks stage joins its tiers into one task set whose gold patches all validate', { skip, timeout: 600_000 }, async () => {
  await withTempDir(async (dir) => {
    const text = [
      `runDir: ${join(dir, 'run')}`,
      'sandbox: {backend: local, maxWorkers: 2}',
      'stages:',
      '  - stage: tasks',
      '    seed: 4',
      '    count: 1',
      '    tiers: [easy, medium]',
      '  - stage: evaluate',
      '    name: gold',
      '    gold: true',
      '',
    ].join('\n');
    const { stages } = await runPipeline(parsePipeline(text, join(dir, 'p.yaml')));
    const tasks = stages[0]!;
    const summary = tasks.summary as unknown as TasksSummary;
    assert.equal(summary.instances, 2);
    assert.deepEqual(Object.keys(summary.tiers), ['easy', 'medium']);
    assert.equal(summary.tiers.easy!.made, 1);
    const instances = await loadInstances(tasks.outputs.tasks!.files.instances!);
    const records = await loadTeacherRecords(tasks.outputs.tasks!.files.teacher!);
    assert.deepEqual(records.map((record) => record.tier), ['easy', 'medium']);
    assert.deepEqual(records.map((record) => record.instance_id), instances.map((instance) => instance.instance_id));
    const branches = await execa('git', ['--git-dir', join(tasks.outputs.tasks!.files.repos!, 'swe-srl__tasks'), 'branch', '--list']);
    assert.equal(branches.stdout.trim().split('\n').length, 2, 'one repository holds every task');
    assert.match(await readFile(join(tasks.outputs.tasks!.files.environments!, 'swe-srl-tasks.yaml'), 'utf8'), /^name: swe-srl-tasks$/m);

    const gold = stages[1]!.summary as unknown as EvaluationSummary;
    assert.deepEqual([gold.total, gold.resolved, gold.gold_invalid], [2, 2, 0]);
    assert.deepEqual(Object.keys(gold.by_tier), ['easy', 'medium'], 'rates per tier come from the teacher sidecar');
  }, 'tasks-stage');
});

test('tasks settings that can make no task are refused before any work', () => {
  const refuse = (line: string) => {
    try {
      parsePipeline(['runDir: out', 'stages:', '  - stage: tasks', '    seed: 1', '    count: 1', line, ''].join('\n'), 'p.yaml');
    } catch (error) {
      assert.ok(error instanceof InputError);
      return error.message;
    }
    return assert.fail('accepted');
  };
  assert.match(refuse('    tiers: [easy, impossible]'), /^p\.yaml:6: stages\[0\]\.tiers\[1\]: Invalid option: expected one of "easy"\|"medium"\|"hard"$/);
  assert.match(
    refuse('    excludeBugKinds: [flipped-operator, off-by-one, wrong-constant, swapped-arguments, missing-return, inverted-condition, wrong-key, wrong-variable]'),
    /^p\.yaml:6: stages\[0\]\.excludeBugKinds: every bug kind is excluded; no task can be made$/,
  );
});
