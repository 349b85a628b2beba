import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeUnittestName, parseUnittestLog } from '../../../src/eval/log-parsers/unittest.js';
import { UNITTEST_BASIC_OUTCOMES } from '../helpers/python-test-samples.js';
import { runShell, writeTree, type CapturedRun } from '../helpers/run-on-host.js';

const TEST_FILE = `
import os, sys, unittest

class Sample(unittest.TestCase):
${UNITTEST_BASIC_OUTCOMES}
    @unittest.expectedFailure
    def test_unexpected_success(self):
        pass

    def test_with_docstring(self):
        """A docstring moves the status onto its own line."""

    def test_prints_then_passes(self):
        print("some output of the test itself", flush=True)

    def test_subtests_one_fails(self):
        for i in range(3):
            with self.subTest(i=i):
                self.assertNotEqual(i, 1)

    def test_prints_fake_ok_then_fails(self):
        print("test_prints_fake_ok_then_fails (pkg.test_sample.Sample.test_prints_fake_ok_then_fails) ... ok", flush=True)
        self.fail("really failed")

    def test_prints_invalid_utf8(self):
        os.write(1, b"raw \\xff\\xfe\\xc3 bytes\\n")
`;

const EXPECTED: Record<string, string> = {
  'pkg.test_sample.Sample.test_passes': 'PASSED',
  'pkg.test_sample.Sample.test_fails': 'FAILED',
  'pkg.test_sample.Sample.test_raises': 'ERROR',
  'pkg.test_sample.Sample.test_skipped': 'SKIPPED',
  'pkg.test_sample.Sample.test_expected_failure': 'PASSED',
  'pkg.test_sample.Sample.test_unexpected_success': 'FAILED',
  'pkg.test_sample.Sample.test_with_docstring': 'PASSED',
  'pkg.test_sample.Sample.test_prints_then_passes': 'PASSED',
  'pkg.test_sample.Sample.test_subtests_one_fails': 'FAILED',
  'pkg.test_sample.Sample.test_prints_fake_ok_then_fails': 'FAILED',
  'pkg.test_sample.Sample.test_prints_invalid_utf8': 'PASSED',
};

let run: CapturedRun | undefined;

function runSample(): CapturedRun {
  if (run) return run;
  const tree = writeTree({ 'pkg/__init__.py': '', 'pkg/test_sample.py': TEST_FILE });
  try {
    // -u: unbuffered, so the tests' own output interleaves with the progress lines as on a terminal.
    run = runShell('python3 -u -m unittest -v pkg.test_sample', tree.dir);
    return run;
  } finally {
    tree.cleanup();
  }
}

test('unittest -v progress lines and failure headers give every test its verdict', () => {
  const { output, exitCode } = runSample();
  assert.equal(exitCode, 1);
  const statuses = parseUnittestLog(output);
  for (const [name, status] of Object.entries(EXPECTED)) assert.equal(statuses.get(name), status, name);
  assert.equal(statuses.size, Object.keys(EXPECTED).length);
});

test('a test that prints its own "... ok" line is still failed by the runner', () => {
  const { text } = runSample();
  // Unbuffered, the forged line lands right after the runner's own `... ` and the real FAIL follows.
  assert.match(text, / \.\.\. test_prints_fake_ok_then_fails \(pkg\.test_sample\.Sample\.test_prints_fake_ok_then_fails\) \.\.\. ok$/m);
  assert.equal(parseUnittestLog(text).get('pkg.test_sample.Sample.test_prints_fake_ok_then_fails'), 'FAILED');
});

test('raw bytes that are not UTF-8 in the log do not stop the parse', () => {
  const { output } = runSample();
  assert.ok(output.includes(Buffer.from([0xff, 0xfe])));
  assert.equal(parseUnittestLog(output).get('pkg.test_sample.Sample.test_passes'), 'PASSED');
});

test('a module that fails to import is an error of the loader test', () => {
  const tree = writeTree({ 'pkg/__init__.py': '', 'pkg/test_broken.py': 'import does_not_exist\n' });
  try {
    const broken = runShell('python3 -m unittest -v pkg.test_broken', tree.dir);
    assert.notEqual(broken.exitCode, 0);
    const statuses = parseUnittestLog(broken.output);
    assert.deepEqual([...statuses.values()], ['ERROR']);
    assert.match([...statuses.keys()][0]!, /_FailedTest/);
  } finally {
    tree.cleanup();
  }
});

test('both spellings of a unittest name normalise to the dotted id', () => {
  assert.equal(normalizeUnittestName('test_x (pkg.mod.Case)'), 'pkg.mod.Case.test_x');
  assert.equal(normalizeUnittestName('test_x (pkg.mod.Case.test_x)'), 'pkg.mod.Case.test_x');
  assert.equal(normalizeUnittestName('pkg.mod.Case.test_x'), 'pkg.mod.Case.test_x');
});
