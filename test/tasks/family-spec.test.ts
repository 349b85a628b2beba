import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { findEnvironmentSpec, loadEnvironmentSpecs } from '../../src/sandbox/images/environment-spec.js';
import { FAMILY_REPO, FAMILY_SPEC_FILE, FAMILY_SPEC_YAML, familyEnvironment } from '../../src/tasks/index.js';
import { projectRoot } from '../helpers/cli.js';

test('the shipped spec of the task family is what the code generates (scripts/make-task-artefacts.ts)', async () => {
  assert.equal(await readFile(join(projectRoot, 'environments', FAMILY_SPEC_FILE), 'utf8'), FAMILY_SPEC_YAML);
});

test('the spec loads with the ordinary loader and picks the runner by the task version', async () => {
  const specs = await loadEnvironmentSpecs(join(projectRoot, 'environments'));
  const pytest = findEnvironmentSpec(specs, FAMILY_REPO, 'pytest');
  const unittest = findEnvironmentSpec(specs, FAMILY_REPO, 'unittest');
  assert.equal(pytest.logParser, 'pytest');
  assert.equal(unittest.logParser, 'unittest');
  assert.equal(unittest.testCmd, 'python3 -m unittest -v {tests}');
  assert.ok(pytest.timeoutSeconds <= 60, 'tasks are small: a hung test is found fast');
  assert.deepEqual(familyEnvironment('unittest').testCmd, unittest.testCmd);
  assert.throws(() => findEnvironmentSpec(specs, FAMILY_REPO, 'nose'), /cover versions: pytest, unittest/);
});

test('the artefacts script finds the shipped files current', async () => {
  const { execa } = await import('execa');
  const result = await execa(process.execPath, ['--import', 'tsx', 'scripts/make-task-artefacts.ts', '--check'], { cwd: projectRoot, reject: false });
  assert.equal(result.exitCode, 0, result.stderr);
});
