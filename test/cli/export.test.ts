import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { registerExportCommand } from '../../src/cli/export.js';
import { InputError } from '../../src/errors.js';
import { runInProcess } from '../helpers/cli.js';
import { readJsonlFile } from '../helpers/jsonl-files.js';
import { SAMPLE_TRAJECTORY, writeChatSteps } from '../helpers/step-files.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('swe-srl export writes the format asked for and says how many rows', async (t) => {
  await withTempDir(async (dir) => {
    const { path, rows } = await writeChatSteps(dir, [SAMPLE_TRAJECTORY]);
    const output = join(dir, 'openrlhf.jsonl');
    const messages = await runInProcess(t, [registerExportCommand], ['export', path, '--format', 'openrlhf', '-o', output]);
    assert.deepEqual(messages, [`wrote ${rows.length} openrlhf rows to ${output}`]);
    assert.deepEqual((await readJsonlFile(output)).map((row) => row.label), rows.map((row) => row.target));
    const parquet = join(dir, 'train.parquet');
    await runInProcess(t, [registerExportCommand], ['export', path, '--format', 'verl', '-o', parquet, '--split', 'val']);
    assert.equal((await readFile(parquet)).subarray(0, 4).toString(), 'PAR1');
  });
});

test('swe-srl export rejects an unknown format by naming the flag', async (t) => {
  await assert.rejects(
    runInProcess(t, [registerExportCommand], ['export', 'x.jsonl', '--format', 'csv', '-o', 'y']),
    (error: Error) => error instanceof InputError && error.message === '--format: "csv" is not one of verl, trl, trl-sft, openrlhf, jsonl',
  );
});
