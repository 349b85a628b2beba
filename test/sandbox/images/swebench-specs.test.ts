/**
 * environments/swe-bench: SWE-bench's spec table as environment specs. Every repository SWE-bench
 * has a parser for has a spec naming that parser; every version resolves; and a build, which needs
 * conda and PyPI, fails at once saying what it needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { findEnvironmentSpec, loadEnvironmentSpecs, resolveEnvironmentSpec } from '../../../src/sandbox/images/environment-spec.js';
import { ensureEnvironmentImage, offlineBuildNeeds } from '../../../src/sandbox/images/environment-image.js';
import { SWEBENCH_REPO_PARSERS } from '../../../src/eval/log-parsers/index.js';
import { preTestCommands } from '../../../src/eval/pre-test.js';
import { testCommandFor } from '../../../src/eval/test-run.js';
import Docker from 'dockerode';
import { skipUnlessDocker } from '../../helpers/docker.js';

const SPECS_DIR = fileURLToPath(new URL('../../../environments/swe-bench', import.meta.url));

test("every SWE-bench repository has a spec with SWE-bench's parser, and every version resolves", async () => {
  const specs = await loadEnvironmentSpecs(SPECS_DIR);
  assert.deepEqual(specs.map((spec) => spec.repo).sort(), Object.keys(SWEBENCH_REPO_PARSERS).sort());
  for (const spec of specs) {
    assert.ok(Object.keys(spec.versions).length > 0, spec.file);
    for (const version of Object.keys(spec.versions)) {
      const resolved = resolveEnvironmentSpec(spec, version);
      assert.equal(resolved.logParser, SWEBENCH_REPO_PARSERS[spec.repo], `${spec.file} ${version}`);
      assert.ok(resolved.python, `${spec.file} ${version} names its Python`);
      assert.ok(resolved.reinstall.length > 0, `${spec.file} ${version} re-runs its install before the tests, as SWE-bench does`);
    }
  }
});

test("a few of the table's facts, as the eval script would use them", async () => {
  const specs = await loadEnvironmentSpecs(SPECS_DIR);
  const django22 = findEnvironmentSpec(specs, 'django/django', '2.2');
  assert.deepEqual(preTestCommands(django22).slice(0, 2), ['export LANG=en_US.UTF-8', 'export LC_ALL=en_US.UTF-8']);
  assert.equal(preTestCommands(django22).at(-1), 'python setup.py install');
  const testPatch = 'diff --git a/tests/queries/tests.py b/tests/queries/tests.py\n--- a/tests/queries/tests.py\n+++ b/tests/queries/tests.py\n@@ -1 +1 @@\n-a\n+b\n';
  const instance = { instance_id: 'x', repo: 'django/django', base_commit: 'HEAD', problem_statement: '', patch: '', test_patch: testPatch, FAIL_TO_PASS: [], PASS_TO_PASS: [] };
  assert.equal(testCommandFor(django22, instance), './tests/runtests.py --verbosity 2 --settings=test_sqlite --parallel 1 queries.tests');
  assert.equal(findEnvironmentSpec(specs, 'django/django', '1.9').testCmd, './tests/runtests.py --verbosity 2');
  assert.equal(findEnvironmentSpec(specs, 'pydicom/pydicom', '2.2').python, '3.9');
  assert.deepEqual(findEnvironmentSpec(specs, 'pylint-dev/pylint', '2.15').limits, { cpus: 2 });
  assert.equal(findEnvironmentSpec(specs, 'sphinx-doc/sphinx', '8.0').python, '3.10');
  assert.equal(findEnvironmentSpec(specs, 'astropy/astropy', '1.3').testCmd, 'pytest -rA -vv -o console_output_style=classic --tb=no');
  assert.equal(findEnvironmentSpec(specs, 'sympy/sympy', '1.12').runnerReport, true);
  assert.equal(findEnvironmentSpec(specs, 'sphinx-doc/sphinx', '7.2').runnerReport, false, 'tox hides the runner option');
});

test('what a SWE-bench environment needs that an offline build cannot give', async () => {
  const specs = await loadEnvironmentSpecs(SPECS_DIR);
  assert.deepEqual(offlineBuildNeeds(findEnvironmentSpec(specs, 'pydicom/pydicom', '2.2')), [
    "Python 3.9 (the base image has Debian bookworm's 3.11; SWE-bench gets other versions from conda)",
    'conda packages: numpy',
    'pip packages from PyPI: pytest',
  ]);
  assert.deepEqual(offlineBuildNeeds(findEnvironmentSpec(specs, 'sqlfluff/sqlfluff', '0.8')).slice(1), ["the repository's requirements.txt, installed from PyPI"]);
  for (const spec of specs) for (const version of Object.keys(spec.versions)) assert.ok(offlineBuildNeeds(resolveEnvironmentSpec(spec, version)).length > 0);
});

const skipDocker = await skipUnlessDocker();

test('building a SWE-bench environment here fails at once, saying what is missing', { skip: skipDocker }, async () => {
  const specs = await loadEnvironmentSpecs(SPECS_DIR);
  const progress: string[] = [];
  await assert.rejects(ensureEnvironmentImage(new Docker(), findEnvironmentSpec(specs, 'pydicom/pydicom', '2.2'), { onProgress: (line) => progress.push(line) }), (error: Error) => {
    assert.equal(error.name, 'ImageBuildError');
    assert.match(error.message, /pydicom\.yaml version 2\.2 cannot be built offline from Debian's packages: it needs Python 3\.9 .*conda packages: numpy; pip packages from PyPI: pytest\. .*--image-source swebench/);
    return true;
  });
  assert.deepEqual(progress, [], 'nothing was built, not even the base image');
});
