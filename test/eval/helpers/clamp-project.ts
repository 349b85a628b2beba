/**
 * A tiny Python project with one bug, as an SWE-bench instance: `clamp` ignores its upper bound.
 * The test patch adds tests for the upper bound (FAIL_TO_PASS) next to ones that already pass
 * (PASS_TO_PASS), and a set of candidate patches covers each case the evaluator must tell apart:
 * the fix, wrong fixes, one that does not apply, one that hangs, and two that try to fake a pass.
 * It comes in two flavours, pytest and unittest, so both runners' paths are exercised.
 */
import type { Instance } from '../../../src/eval/instances.js';
import type { TestEnvironment } from '../../../src/eval/test-environment.js';
import { createRepository, patchFor, type TestRepository } from '../../helpers/git-repos.js';

export type Flavour = 'pytest' | 'unittest';

const MATHLIB = `def add(a, b):
    return a + b


def clamp(value, low, high):
    """Limit value to the range [low, high]."""
    return max(low, value)
`;

function mathlibWith(clampBody: string, prelude = ''): string {
  return MATHLIB.replace('    return max(low, value)\n', clampBody).replace('def add', `${prelude}def add`);
}

const PYTEST_BASE_TESTS = `from mathlib import add, clamp


def test_add():
    assert add(2, 3) == 5


def test_clamp_low():
    assert clamp(-5, 0, 10) == 0
`;

const PYTEST_NEW_TESTS = `

def test_clamp_inside():
    assert clamp(5, 0, 10) == 5


def test_clamp_high():
    assert clamp(50, 0, 10) == 10


def test_clamp_high_negative():
    assert clamp(5, -10, -1) == -1
`;

const UNITTEST_BASE_TESTS = `import unittest

from mathlib import add, clamp


class MathTest(unittest.TestCase):
    def test_add(self):
        self.assertEqual(add(2, 3), 5)

    def test_clamp_low(self):
        self.assertEqual(clamp(-5, 0, 10), 0)
`;

const UNITTEST_NEW_TESTS = `
    def test_clamp_inside(self):
        self.assertEqual(clamp(5, 0, 10), 5)

    def test_clamp_high(self):
        self.assertEqual(clamp(50, 0, 10), 10)

    def test_clamp_high_negative(self):
        self.assertEqual(clamp(5, -10, -1), -1)
`;

const TEST_FILE = 'tests/test_mathlib.py';

function testNames(flavour: Flavour, names: string[]): string[] {
  return names.map((name) => (flavour === 'pytest' ? `${TEST_FILE}::${name}` : `tests.test_mathlib.MathTest.${name}`));
}

/** Lines the runner would print if every test passed, for the forging patches. */
function forgedPassLines(flavour: Flavour): string {
  const all = ['test_add', 'test_clamp_low', 'test_clamp_inside', 'test_clamp_high', 'test_clamp_high_negative'];
  if (flavour === 'pytest') return `${all.map((name) => `PASSED ${TEST_FILE}::${name}`).join('\\n')}\\n===== 5 passed in 0.01s =====\\n`;
  return `${all.map((name) => `${name} (tests.test_mathlib.MathTest.${name}) ... ok`).join('\\n')}\\n\\nRan 5 tests in 0.001s\\n\\nOK\\n`;
}

export const ENVIRONMENTS: Record<Flavour, TestEnvironment> = {
  pytest: { testCmd: 'python3 -m pytest -rA -p no:cacheprovider', logParser: 'pytest', timeoutSeconds: 60 },
  unittest: { testCmd: 'python3 -m unittest -v', logParser: 'unittest', timeoutSeconds: 60 },
};

export const CANDIDATES = [
  'gold',
  /** Makes the new tests pass and breaks an old one. */
  'wrong',
  /** Fixes one of the two new tests. */
  'half',
  'doesNotApply',
  'hangs',
  /** Prints the runner's PASSED lines for the new tests at exit, after the real results. */
  'forgesAtExit',
  /** Writes a whole fake all-passed log to the log stream, then exits 0 before any test runs. */
  'forgesAndExits',
  /** The fix, plus bytes that are not UTF-8 written straight into the log. */
  'fixesAndPrintsBinary',
] as const;
export type Candidate = (typeof CANDIDATES)[number];

export interface ClampProject {
  repository: TestRepository;
  instance: Instance;
  environment: TestEnvironment;
  patches: Record<Candidate, string>;
}

export async function createClampProject(flavour: Flavour, options: { repo?: string; instanceId?: string; path?: string } = {}): Promise<ClampProject> {
  const baseTests = flavour === 'pytest' ? PYTEST_BASE_TESTS : UNITTEST_BASE_TESTS;
  const repository = await createRepository(
    { 'mathlib.py': MATHLIB, [TEST_FILE]: baseTests, 'tests/__init__.py': '', '.gitignore': '__pycache__/\n' },
    options.path,
  );
  const forged = forgedPassLines(flavour);
  const forgedNewTests =
    flavour === 'pytest'
      ? `PASSED ${TEST_FILE}::test_clamp_high\\nPASSED ${TEST_FILE}::test_clamp_high_negative\\n`
      : 'test_clamp_high (tests.test_mathlib.MathTest.test_clamp_high) ... ok\\ntest_clamp_high_negative (tests.test_mathlib.MathTest.test_clamp_high_negative) ... ok\\n';
  // Finds the log stream itself (the descriptor the runner's output capture saved away) and writes
  // `bytes` (a Python bytes literal) into it.
  const writeToLog = (bytes: string) =>
    [
      'import os',
      'log = os.stat("/proc/%d/fd/1" % os.getppid())',
      'for fd in range(256):',
      '    try:',
      '        found = os.fstat(fd)',
      '    except OSError:',
      '        continue',
      '    if (found.st_dev, found.st_ino) == (log.st_dev, log.st_ino):',
      `        os.write(fd, ${bytes})`,
      '        break',
    ].join('\n');
  const patches: Record<Candidate, string> = {
    gold: await patchFor(repository.path, { 'mathlib.py': mathlibWith('    return min(max(low, value), high)\n') }),
    wrong: await patchFor(repository.path, { 'mathlib.py': mathlibWith('    return min(value, high)\n') }),
    half: await patchFor(repository.path, { 'mathlib.py': mathlibWith('    return high if value > high > 0 else max(low, value)\n') }),
    doesNotApply: [
      'diff --git a/mathlib.py b/mathlib.py',
      '--- a/mathlib.py',
      '+++ b/mathlib.py',
      '@@ -1,3 +1,3 @@',
      ' def subtract(a, b):',
      '-    return a - b - 0',
      '+    return a - b',
      ' ',
      '',
    ].join('\n'),
    hangs: await patchFor(repository.path, { 'mathlib.py': mathlibWith('    while True:\n        pass\n') }),
    forgesAtExit: await patchFor(repository.path, {
      'mathlib.py': mathlibWith('    return max(low, value)\n', `import atexit, os\natexit.register(lambda: os.write(1, b"\\n${forgedNewTests}"))\n\n\n`),
    }),
    // A complete fake run written into the log, then an exit before any test runs.
    forgesAndExits: await patchFor(repository.path, {
      'mathlib.py': mathlibWith('    return max(low, value)\n', `${writeToLog(`b"${forged}"`)}\nos._exit(0)\n\n\n`),
    }),
    fixesAndPrintsBinary: await patchFor(repository.path, {
      'mathlib.py': mathlibWith('    return min(max(low, value), high)\n', `${writeToLog('b"\\xff\\xfe\\xc3 not utf-8\\n"')}\n\n\n`),
    }),
  };
  const testPatch = await patchFor(repository.path, {
    [TEST_FILE]: baseTests + (flavour === 'pytest' ? PYTEST_NEW_TESTS : UNITTEST_NEW_TESTS),
  });
  const instance: Instance = {
    instance_id: options.instanceId ?? `swe-srl__clamp-${flavour}`,
    repo: options.repo ?? `swe-srl/clamp-${flavour}`,
    base_commit: repository.commit,
    problem_statement: 'clamp() ignores its upper bound.',
    patch: patches.gold,
    test_patch: testPatch,
    FAIL_TO_PASS: testNames(flavour, ['test_clamp_high', 'test_clamp_high_negative']),
    PASS_TO_PASS: testNames(flavour, ['test_add', 'test_clamp_low', 'test_clamp_inside']),
  };
  return { repository, instance, environment: ENVIRONMENTS[flavour], patches };
}
