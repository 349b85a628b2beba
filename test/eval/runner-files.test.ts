/** Which files of a repository are the test runner's, and what the runner guard's report means. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFlagged, runnerFileKind } from '../../src/eval/runner-files.js';
import { parseGuardReport } from '../../src/eval/runner-guard.js';

test('conftest files, test packages, runner configuration, start-up code and plugin metadata are the runner\'s', () => {
  const cases: Array<[string, string | undefined]> = [
    ['conftest.py', 'conftest'],
    ['src/pkg/tests/conftest.py', 'conftest'],
    ['tests/__init__.py', 'test-package-init'],
    ['pkg/tests/unit/__init__.py', 'test-package-init'],
    ['pytest.ini', 'runner-config'],
    ['tox.ini', 'runner-config'],
    ['setup.cfg', 'runner-config'],
    ['pyproject.toml', 'runner-config'],
    ['sitecustomize.py', 'site-customization'],
    ['lib/usercustomize.py', 'site-customization'],
    ['zz_forge.pth', 'path-configuration'],
    ['pkg.egg-info/entry_points.txt', 'runner-plugin'],
    ['unittest.py', 'runner-shadow'],
    ['_pytest/runner.py', 'runner-shadow'],
    ['src/pluggy/__init__.py', 'runner-shadow'],
    ['tests/test_mathlib.py', 'test-file'],
    ['pkg/test_util.py', 'test-file'],
    ['tests/data/input.json', 'test-file'],
    ['testing/test_junitxml.py', 'test-file'],
    ['test/fixtures/rules/std.yml', 'test-file'],
    ['tests/test/__init__.py', 'test-package-init'],
    // Inside a package, test/ and testing/ are the library's testing API, which fixes change.
    ['django/test/testcases.py', undefined],
    ['django/test/__init__.py', undefined],
    ['sympy/testing/runtests.py', undefined],
    ['lib/matplotlib/testing/decorators.py', undefined],
    ['mathlib.py', undefined],
    ['pkg/__init__.py', undefined],
    ['docs/testing.rst', undefined],
  ];
  for (const [path, kind] of cases) assert.equal(runnerFileKind(path), kind, path);
  // pytest's own repository has src/_pytest at its base: a fix there is a source change.
  assert.equal(runnerFileKind('src/_pytest/junitxml.py', new Set(['_pytest', 'pytest'])), undefined);
  assert.equal(isFlagged('test-file'), false);
  assert.equal(isFlagged('conftest'), true);
});

test('the guard report: tampering lines, notes, and pytest sessions whose end-of-run check never ran', () => {
  const findings = parseGuardReport(
    [
      'configured 10 10:1',
      'tamper 10 /testbed/mathlib.py: uses gc.get_objects',
      'tamper 10 /testbed/mathlib.py: uses gc.get_objects',
      'configured 10 10:2',
      'scanned 10 10:1',
      'note 11 the test runner is part of the repository under test; the runner guard stands aside',
      'garbage the code under test appended',
    ].join('\n'),
  );
  assert.deepEqual(findings.tampering, [
    '/testbed/mathlib.py: uses gc.get_objects',
    "a pytest session ended before the runner guard's end-of-run check (1 session(s)): something cut it short",
  ]);
  assert.equal(findings.notes.length, 1);
  assert.deepEqual(parseGuardReport('configured 3 3:9\nscanned 3 3:9\n'), { tampering: [], notes: [] });
});
