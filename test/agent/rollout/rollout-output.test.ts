/**
 * The rollout's output files after an interrupted run: a prediction or run line cut short by a
 * kill must not spoil the lines a resumed run appends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { prepareRolloutDir, readFinishedPredictions, recordRunSummary, rolloutPaths } from '../../../src/agent/rollout/rollout-output.js';
import { withTempDir } from '../../helpers/temp-dir.js';

test('a prediction line cut short by a kill is dropped on resume, so its instance runs again', async () => {
  await withTempDir(async (dir) => {
    const paths = rolloutPaths(dir);
    await prepareRolloutDir(paths);
    const whole = JSON.stringify({ instance_id: 'a__b-1', model_name_or_path: 'm', model_patch: '' });
    await writeFile(paths.predictions, `${whole}\n{"instance_id": "a__b-2", "model_na`);
    const warnings: string[] = [];
    const finished = await readFinishedPredictions(paths, (message) => warnings.push(message));
    assert.deepEqual([...finished.keys()], ['a__b-1']);
    assert.match(warnings.join('\n'), /incomplete last line/);
    assert.equal(await readFile(paths.predictions, 'utf8'), `${whole}\n`);
  });
});

test('a run summary cut short by a kill does not swallow the next run summary', async () => {
  await withTempDir(async (dir) => {
    const paths = rolloutPaths(dir);
    await writeFile(paths.runs, '{"instance_id": "a__b-1", "exit_st');
    await prepareRolloutDir(paths);
    await recordRunSummary(paths, { instance_id: 'a__b-2', exit_status: 'submitted' });
    const lines = (await readFile(paths.runs, 'utf8')).split('\n');
    assert.deepEqual(JSON.parse(lines.at(-2)!), { instance_id: 'a__b-2', exit_status: 'submitted' });
  });
});
