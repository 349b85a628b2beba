import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  buildTestCommand,
  findEnvironmentSpec,
  loadEnvironmentSpecs,
  parseEnvironmentSpec,
} from '../../../src/sandbox/images/environment-spec.js';
import { InputError, UnavailableError } from '../../../src/errors.js';
import { LOG_PARSER_NAMES } from '../../../src/eval/log-parsers/index.js';
import { LOG_PARSERS } from '../../../src/sandbox/images/environment-spec.js';
import { tempDir } from '../../helpers/temp-dir.js';

const scratch = await tempDir('specs');
after(() => rm(scratch, { recursive: true, force: true }));

const versioned = `name: widget
repo: acme/widget
apt: [nodejs]
install:
  - echo base install
env:
  COLOR: blue
  LEVEL: 3
test_cmd: python3 -m pytest -rA
log_parser: pytest
versions:
  "1.0": {}
  "2.0":
    install: [echo two]
    env: {LEVEL: "9"}
    log_parser: unittest
`;

function rejectsWith(text: string, pattern: RegExp): void {
  assert.throws(() => parseEnvironmentSpec(text, 'envs/widget.yaml'), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

test('a spec resolves per version: version fields replace the defaults and env merges', () => {
  const spec = parseEnvironmentSpec(versioned, 'envs/widget.yaml');
  const v1 = findEnvironmentSpec([spec], 'acme/widget', '1.0');
  assert.deepEqual(v1.install, ['echo base install']);
  assert.deepEqual(v1.env, { COLOR: 'blue', LEVEL: '3' });
  assert.equal(v1.logParser, 'pytest');
  assert.equal(v1.version, '1.0');
  const v2 = findEnvironmentSpec([spec], 'acme/widget', '2.0');
  assert.deepEqual(v2.install, ['echo two']);
  assert.deepEqual(v2.apt, ['nodejs']);
  assert.deepEqual(v2.env, { COLOR: 'blue', LEVEL: '9' });
  assert.equal(v2.logParser, 'unittest');
  assert.equal(v2.timeoutSeconds, 1800);
});

test('a missing version or repository is a clear error listing what exists', () => {
  const spec = parseEnvironmentSpec(versioned, 'envs/widget.yaml');
  assert.throws(() => findEnvironmentSpec([spec], 'acme/widget', '3.0'), (error: unknown) => {
    assert.ok(error instanceof UnavailableError);
    assert.match(error.message, /version 3\.0.*1\.0, 2\.0/);
    return true;
  });
  assert.throws(() => findEnvironmentSpec([spec], 'acme/other'), /no environment spec for repository acme\/other \(specs exist for: acme\/widget\)/);
});

test('a field of the wrong type names the file, the line and the field', () => {
  rejectsWith(versioned.replace('log_parser: pytest', 'log_parser: mocha'), /envs\/widget\.yaml:10: log_parser: .*"pytest"/);
  rejectsWith(versioned.replace('apt: [nodejs]', 'apt: ["not a package"]'), /envs\/widget\.yaml:3: apt\[0\]: is not a Debian package name/);
  rejectsWith(versioned.replace('log_parser: unittest', 'log_parser: 5'), /envs\/widget\.yaml:16: versions\.2\.0\.log_parser/);
});

test('a missing required field, an unknown field and broken YAML are each reported with their place', () => {
  rejectsWith(versioned.replace('test_cmd: python3 -m pytest -rA\n', ''), /envs\/widget\.yaml:1: test_cmd: /);
  rejectsWith(`${versioned}test_command: oops\n`, /envs\/widget\.yaml:17: test_command: Unrecognized key/);
  rejectsWith('name: widget\nrepo: [unclosed\n', /envs\/widget\.yaml:\d+: not valid YAML/);
});

test('an unquoted version key that YAML would turn into a number is refused', () => {
  rejectsWith(versioned.replace('"2.0":', '2.0:'), /envs\/widget\.yaml:13: versions\.2\.0: quote the version/);
});

test('loadEnvironmentSpecs reads the shipped environments and rejects duplicate names', async () => {
  const shipped = await loadEnvironmentSpecs(fileURLToPath(new URL('../../../environments', import.meta.url)));
  const sample = findEnvironmentSpec(shipped, 'swe-srl/sample-calculator');
  assert.equal(sample.logParser, 'pytest');

  const dir = join(scratch, 'dupes');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'a.yaml'), versioned);
  await writeFile(join(dir, 'b.yml'), versioned);
  await assert.rejects(loadEnvironmentSpecs(dir), /b\.yml: name: "widget" is already used by .*a\.yaml/);
  await assert.rejects(loadEnvironmentSpecs(join(scratch, 'absent')), UnavailableError);

  const withDirectory = join(scratch, 'with-directory');
  await mkdir(join(withDirectory, 'odd.yaml'), { recursive: true });
  await assert.rejects(
    loadEnvironmentSpecs(withDirectory),
    (error: unknown) => error instanceof InputError && /odd\.yaml: cannot read the environment spec: EISDIR/.test(error.message),
  );
});

test('test names go where {tests} is, or at the end, shell-quoted', () => {
  assert.equal(buildTestCommand({ testCmd: 'pytest -rA {tests} -x' }, ['t.py::a', 't.py::b[1 2]']), "pytest -rA t.py::a 't.py::b[1 2]' -x");
  assert.equal(buildTestCommand({ testCmd: 'node --test' }, ["it's"]), `node --test 'it'\\''s'`);
  assert.equal(buildTestCommand({ testCmd: 'pytest {tests}' }), 'pytest');
  // Parametrized ids may hold `$`: it is no replacement pattern.
  assert.equal(buildTestCommand({ testCmd: 'pytest {tests} -x' }, ["t.py::price[$&]", "t.py::q[$'x]"]), "pytest 't.py::price[$&]' 't.py::q[$'\\''x]' -x");
});

test('a spec accepts exactly the log parsers the evaluator provides', () => {
  assert.deepEqual([...LOG_PARSERS].sort(), [...LOG_PARSER_NAMES].sort());
});
