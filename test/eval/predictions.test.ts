import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { goldPredictions, isEmptyPatch, loadPredictions, modelDirectoryName, parsePredictionRecords } from '../../src/eval/predictions.js';
import { parseRecords } from '../../src/io/json-records.js';
import { parseInstanceRecords } from '../../src/eval/instances.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';

test('a predictions file written by SWE-agent loads', { skip: skipUnlessShared('sweagent', 'pydicom-all_preds.jsonl') }, async () => {
  const path = sharedDataPath('sweagent', 'pydicom-all_preds.jsonl')!;
  const raw = JSON.parse(readFileSync(path, 'utf8').trim()) as { model_patch: string; model_name_or_path: string };
  const { predictions, duplicateIds } = await loadPredictions(path);
  assert.equal(predictions.length, 1);
  assert.equal(predictions[0]!.instance_id, 'pydicom__pydicom-1458');
  assert.equal(predictions[0]!.model_patch, raw.model_patch);
  assert.equal(predictions[0]!.model_name_or_path, raw.model_name_or_path);
  assert.deepEqual(duplicateIds, []);
});

test('a null patch, an empty one and a missing model name are accepted as SWE-bench accepts them', () => {
  const text = [
    JSON.stringify({ instance_id: 'a', model_name_or_path: 'm', model_patch: null }),
    JSON.stringify({ instance_id: 'b', model_patch: '' }),
  ].join('\n');
  const { predictions } = parsePredictionRecords('p.jsonl', parseRecords('p.jsonl', text));
  assert.equal(predictions[0]!.model_patch, null);
  assert.equal(predictions[1]!.model_name_or_path, 'None');
  assert.ok(isEmptyPatch(predictions[0]!.model_patch) && isEmptyPatch(predictions[1]!.model_patch));
  // As SWE-bench: only null and the empty string are empty; whitespace is evaluated (and fails to apply).
  assert.ok(!isEmptyPatch(' \n') && !isEmptyPatch('diff --git a/x b/x'));
});

test('a prediction without model_patch is refused with its line and field', () => {
  const text = [JSON.stringify({ instance_id: 'a', model_patch: 'x' }), JSON.stringify({ instance_id: 'b' })].join('\n');
  assert.throws(() => parsePredictionRecords('p.jsonl', parseRecords('p.jsonl', text)), /p\.jsonl:2: model_patch: .* \(in prediction "b"\)/);
});

test('a repeated prediction keeps the last one and is reported', () => {
  const text = [
    JSON.stringify({ instance_id: 'a', model_patch: 'first' }),
    JSON.stringify({ instance_id: 'a', model_patch: 'second' }),
  ].join('\n');
  const { predictions, duplicateIds } = parsePredictionRecords('p.jsonl', parseRecords('p.jsonl', text));
  assert.deepEqual(predictions.map((p) => p.model_patch), ['second']);
  assert.deepEqual(duplicateIds, ['a']);
});

test('gold predictions carry each instance its own patch under the model name "gold"', () => {
  const instances = parseInstanceRecords(
    'i.jsonl',
    parseRecords('i.jsonl', JSON.stringify({ instance_id: 'a', repo: 'o/r', base_commit: 'c', patch: 'P', FAIL_TO_PASS: [] })),
  );
  assert.deepEqual(goldPredictions(instances), [{ instance_id: 'a', model_name_or_path: 'gold', model_patch: 'P' }]);
});

test('model names with slashes become one folder name, as in SWE-bench', () => {
  assert.equal(modelDirectoryName('org/model-7b'), 'org__model-7b');
  assert.equal(modelDirectoryName('..'), '__');
});
