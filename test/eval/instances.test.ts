import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInstances, parseInstanceRecords } from '../../src/eval/instances.js';
import { parseRecords } from '../../src/io/json-records.js';
import { InputError } from '../../src/errors.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { withTempDir } from '../helpers/temp-dir.js';

function withFile<T>(name: string, content: string, run: (path: string) => Promise<T>): Promise<T> {
  return withTempDir((dir) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return run(path);
  });
}

const minimal = {
  instance_id: 'octo__demo-1',
  repo: 'octo/demo',
  base_commit: 'abc123',
  FAIL_TO_PASS: ['tests/test_a.py::test_new'],
};

test("SWE-bench's own instance file loads with every field", { skip: skipUnlessShared('sweagent', 'swe-bench-dev-easy.json') }, async () => {
  const path = sharedDataPath('sweagent', 'swe-bench-dev-easy.json')!;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Array<Record<string, unknown>>;
  const instances = await loadInstances(path);
  // The file repeats one row verbatim; it is kept once.
  const distinctIds = [...new Set(raw.map((row) => row.instance_id))];
  assert.deepEqual(instances.map((i) => i.instance_id), distinctIds);
  for (const instance of instances) {
    const row = raw.find((r) => r.instance_id === instance.instance_id)!;
    assert.deepEqual(instance.FAIL_TO_PASS, row.FAIL_TO_PASS);
    assert.deepEqual(instance.PASS_TO_PASS, row.PASS_TO_PASS);
    assert.equal(instance.test_patch, row.test_patch);
    // Fields we do not model (hints_text, created_at) are kept.
    assert.equal(instance.hints_text, row.hints_text);
  }
});

test('JSONL with FAIL_TO_PASS and PASS_TO_PASS as JSON strings reads as lists', async () => {
  const lines = [
    JSON.stringify({ ...minimal, FAIL_TO_PASS: JSON.stringify(['t::a', 't::b']), PASS_TO_PASS: '[]', version: 0.8 }),
    JSON.stringify({ ...minimal, instance_id: 'octo__demo-2', PASS_TO_PASS: ['t::c'] }),
  ];
  await withFile('instances.jsonl', lines.join('\n') + '\n', async (path) => {
    const [first, second] = await loadInstances(path);
    assert.deepEqual(first!.FAIL_TO_PASS, ['t::a', 't::b']);
    assert.deepEqual(first!.PASS_TO_PASS, []);
    assert.equal(first!.version, '0.8');
    assert.deepEqual(second!.PASS_TO_PASS, ['t::c']);
    assert.equal(second!.patch, '');
  });
});

test('a bad field is reported with the file, the line and the field', async () => {
  const lines = [JSON.stringify(minimal), '', JSON.stringify({ ...minimal, instance_id: 'x-2', FAIL_TO_PASS: 'not json' })];
  await withFile('bad.jsonl', lines.join('\n'), async (path) => {
    await assert.rejects(loadInstances(path), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /bad\.jsonl:3: FAIL_TO_PASS: expected a list of test names/);
      assert.match(error.message, /instance "x-2"/);
      return true;
    });
  });
});

test('a bad record in a JSON array is reported at the line where it starts', async () => {
  const text = `[\n  ${JSON.stringify(minimal)},\n  {\n    "instance_id": "x-2",\n    "repo": "no-slash",\n    "base_commit": "a",\n    "FAIL_TO_PASS": []\n  }\n]\n`;
  await withFile('bad.json', text, async (path) => {
    await assert.rejects(loadInstances(path), /bad\.json:3: repo: expected "owner\/name"/);
  });
});

test('broken JSON is reported at its line', async () => {
  await withFile('broken.jsonl', `${JSON.stringify(minimal)}\n{"instance_id": \n`, async (path) => {
    await assert.rejects(loadInstances(path), /broken\.jsonl:2: not valid JSON/);
  });
});

test('an instance id that would escape the logs folder is refused', () => {
  const records = parseRecords('i.jsonl', JSON.stringify({ ...minimal, instance_id: '../../etc' }));
  assert.throws(() => parseInstanceRecords('i.jsonl', records), /i\.jsonl:1: instance_id: must not contain slashes/);
});

test('an id repeated with different fields names both lines; a verbatim repeat is kept once', () => {
  const same = parseRecords('i.jsonl', [JSON.stringify(minimal), JSON.stringify(minimal)].join('\n'));
  assert.equal(parseInstanceRecords('i.jsonl', same).length, 1);
  const differing = parseRecords('i.jsonl', [JSON.stringify(minimal), JSON.stringify({ ...minimal, base_commit: 'other' })].join('\n'));
  assert.throws(
    () => parseInstanceRecords('i.jsonl', differing),
    /i\.jsonl:2: instance_id: instance "octo__demo-1" appears again with different fields \(first at line 1\)/,
  );
});

test('a JSON object keyed by id is a collection of records', () => {
  const text = JSON.stringify({ a: { ...minimal, instance_id: 'a' }, b: { ...minimal, instance_id: 'b' } }, null, 2);
  const instances = parseInstanceRecords('keyed.json', parseRecords('keyed.json', text));
  assert.deepEqual(instances.map((i) => i.instance_id), ['a', 'b']);
});
