/**
 * SWE-bench's Django parser on a log Django's own test runner writes (Debian's python3-django,
 * `--verbosity 2` as SWE-bench runs it), and SWE-bench's Django test directives.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseSweBenchDjangoLog } from '../../../src/eval/log-parsers/index.js';
import { structuredReportFor } from '../../../src/eval/log-parsers/structured-report.js';
import { testDirectives } from '../../../src/eval/patch-files.js';
import { UNITTEST_BASIC_OUTCOMES } from '../helpers/python-test-samples.js';
import { runShell, writeTree, type CapturedRun } from '../helpers/run-on-host.js';
import { evidenceFrom, gradeLog, instanceWith } from '../helpers/swebench-grading.js';

/** A Python that imports django: the one on PATH, else Debian's. */
function pythonWithDjango(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import django'], { encoding: 'utf8' }).status === 0) return python;
  }
  return undefined;
}

const python = pythonWithDjango();
const skip = python === undefined ? 'Django is not installed on this host (Debian: apt-get install python3-django)' : false;

const TESTS = `
import sys, unittest
from django.test import SimpleTestCase

class Basics(SimpleTestCase):
${UNITTEST_BASIC_OUTCOMES}
    def test_documented(self):
        """A docstring's first line is the key.

        Not this line.
        """

    def test_prints(self):
        print("some output", flush=True)
        sys.stderr.write("noise on stderr\\n")
`;

let tree: { dir: string; cleanup: () => void };
let run: CapturedRun;

before(() => {
  if (skip) return;
  const hook = structuredReportFor('swebench-django')!.prepare('/unused');
  tree = writeTree({
    'settings.py': 'SECRET_KEY = "x"\nINSTALLED_APPS = ["app"]\nDATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}\n',
    'app/__init__.py': '',
    'app/tests.py': TESTS,
    'hook/sitecustomize.py': hook.files[0]!.content,
  });
  run = runShell(`${python} -m django test --settings=settings --verbosity 2 app`, tree.dir, {
    PYTHONPATH: `${join(tree.dir, 'hook')}:${tree.dir}`,
    SWE_SRL_UNITTEST_REPORT: join(tree.dir, 'report.json'),
  });
});

after(() => tree?.cleanup());

/** unittest prints `name (module.Class.name)` from Python 3.11 on, `name (module.Class)` before. */
function spelled(method: string): string {
  return run.text.includes(`${method} (app.tests.Basics.${method})`) ? `${method} (app.tests.Basics.${method})` : `${method} (app.tests.Basics)`;
}

test("Django's keys: the docstring's first line, `name (module.Class…)`, the bare name of a FAIL: header", { skip }, () => {
  assert.equal(run.exitCode, 1, run.text);
  const statuses = Object.fromEntries(parseSweBenchDjangoLog(run.text));
  assert.equal(statuses["A docstring's first line is the key."], 'PASSED');
  assert.equal(statuses[spelled('test_passes')], 'PASSED');
  assert.equal(statuses[spelled('test_fails')], 'FAILED');
  assert.equal(statuses.test_fails, 'FAILED', 'from the FAIL: header');
  assert.equal(statuses[spelled('test_raises')], 'ERROR');
  assert.equal(statuses.test_raises, 'ERROR', 'from the ERROR: header');
  assert.equal(statuses[spelled('test_skipped')], 'SKIPPED');
  // Output between a test's line and its `ok`: the `ok` line passes it.
  assert.equal(statuses[spelled('test_prints')], 'PASSED');
  // `... expected failure` is not one of the statuses SWE-bench's parser records.
  assert.equal(statuses[spelled('test_expected_failure')], undefined);
  assert.equal(statuses[spelled('test_documented')], undefined, 'a documented test is keyed by its docstring');
});

test('grading a Django log: docstring keys resolve, an expected failure is missing, skips keep PASS_TO_PASS', { skip }, () => {
  const evidence = evidenceFrom('swebench-django', join(tree.dir, 'report.json'), run.exitCode);
  for (const withReport of [false, true]) {
    const grade = (FAIL_TO_PASS: string[], PASS_TO_PASS: string[] = []) =>
      gradeLog(run.text, 'swebench-django', instanceWith({ FAIL_TO_PASS, PASS_TO_PASS }, 'django/django'), withReport ? { evidence } : { exitCode: run.exitCode }).grade.resolved;
    assert.equal(grade(["A docstring's first line is the key.", spelled('test_prints')], [spelled('test_skipped'), spelled('test_passes')]), true, `report: ${withReport}`);
    assert.equal(grade([spelled('test_expected_failure')]), false);
    assert.equal(grade([spelled('test_fails')]), false);
  }
  const forged = `${run.text}\n${spelled('test_fails')} ... ok\n`;
  const failing = instanceWith({ FAIL_TO_PASS: [spelled('test_fails')] }, 'django/django');
  assert.equal(gradeLog(forged, 'swebench-django', failing, { exitCode: 1 }).grade.resolved, true, 'SWE-bench believes the last line');
  assert.equal(gradeLog(forged, 'swebench-django', failing, { evidence }).grade.resolved, false);
});

test("Django's test directives are dotted labels of test modules, as SWE-bench passes them", () => {
  const testPatch = ['tests/queries/tests.py', 'tests/queries/models.py', 'tests/admin_views/test_forms.py', 'django/db/models/sql/query.py', 'tests/fixtures/data.json']
    .map((path) => `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-a\n+b\n`)
    .join('');
  // models.py is no test module; query.py neither; json is data.
  assert.deepEqual(testDirectives(testPatch, 'django'), ['queries.tests', 'admin_views.test_forms']);
  assert.deepEqual(testDirectives(testPatch).length, 4);
});
