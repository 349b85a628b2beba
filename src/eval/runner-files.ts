/**
 * Which files of a repository are the test runner's rather than the code's: a patch that changes
 * them changes how tests are collected or reported, not what the code does. Grading keeps the patch
 * to the source files: these go back to the base commit before the tests run (see
 * source-only-patch.ts), and all but plain test files are flagged as an integrity issue.
 *
 * What each costs a legitimate patch, since a reset undoes the change:
 *  - conftest.py anywhere: fixtures and hooks for the tests; a fix never needs to change them (the
 *    test patch, which is applied after the reset, may).
 *  - __init__.py under test folders: the test packages' import-time code.
 *  - pytest, tox, nox and setup configuration (pytest.ini, tox.ini, setup.cfg, pyproject.toml,
 *    setup.py, noxfile.py, package.json): options, plugins, test paths. Also where a fix records a
 *    new dependency or version; the environment is built from the base commit, so such a change
 *    has no effect on the run anyway, but in training the patch earns nothing.
 *  - sitecustomize and usercustomize, .pth files: code Python runs at start-up.
 *  - test-runner plugins: packaging metadata that registers entry points (*.egg-info, *.dist-info),
 *    and a module that would shadow the runner itself (a new unittest.py, pytest/, _pytest/, pluggy/).
 *  - other test files (tests/…, test_*.py): reset too, without a flag: the benchmark's tests are
 *    the base commit's plus the test patch, and a fix that also adds tests keeps its fix.
 */
import { posix } from 'node:path';

export type RunnerFileKind =
  | 'conftest'
  | 'test-package-init'
  | 'runner-config'
  | 'site-customization'
  | 'path-configuration'
  | 'runner-plugin'
  | 'runner-shadow'
  | 'test-file';

export const RUNNER_FILE_DESCRIPTIONS: Record<RunnerFileKind, string> = {
  conftest: 'a conftest.py (pytest fixtures and hooks)',
  'test-package-init': "a test package's __init__.py",
  'runner-config': 'test-runner configuration',
  'site-customization': 'Python start-up code (sitecustomize/usercustomize)',
  'path-configuration': 'a .pth file (Python start-up code)',
  'runner-plugin': 'packaging metadata that can register test-runner plugins',
  'runner-shadow': 'a module that would shadow the test runner',
  'test-file': 'a test file',
};

const RUNNER_CONFIG_FILES = new Set(['pytest.ini', '.pytest.ini', 'tox.ini', 'setup.cfg', 'pyproject.toml', 'setup.py', 'noxfile.py', 'package.json']);
const SITE_CUSTOMIZATION = new Set(['sitecustomize', 'usercustomize']);
/** Modules a test run imports from the path: a new one of these names in the repository takes over the runner. */
const RUNNER_MODULES = new Set(['unittest', 'pytest', '_pytest', 'pluggy', 'py', 'iniconfig', 'doctest']);
/** Test folders wherever they are: tests/, test_*, *_test(s)/. */
const TEST_DIRECTORY = /^tests$|^test_|_tests?$/;
/**
 * test/ and testing/ are test folders at the top of the tree (pytest's testing/, sqlfluff's test/)
 * or inside one, but inside a package they are usually the library's testing API, which fixes do
 * change: django/test/, sympy/testing/, matplotlib/testing/, sphinx/testing/, numpy/testing/.
 */
const TOP_TEST_DIRECTORY = /^(test|testing)$/;
const TEST_FILE = /^test_.*\.py$|_tests?\.py$/;

/** Modules importable from the top of the tree or a src/ layout: the first name under either. */
function topLevelModule(parts: readonly string[]): string | undefined {
  const candidates = parts[0] === 'src' || parts[0] === 'lib' ? parts.slice(1) : parts;
  const first = candidates[0];
  if (first === undefined) return undefined;
  return candidates.length === 1 ? first.replace(/\.py$/, '') : first;
}

/**
 * The kind of runner file `path` (relative to the work tree) is, or undefined for a source file.
 * `baseTopLevel`: names at the top of the tree (and under src/) at the base commit; a module of a
 * runner's name that was already there is the repository's own (pytest's repository has _pytest/).
 */
export function runnerFileKind(path: string, baseTopLevel: ReadonlySet<string> = new Set()): RunnerFileKind | undefined {
  const normalized = posix.normalize(path).replace(/^(\.\/)+/, '');
  const parts = normalized.split('/').filter((part) => part !== '');
  const name = parts.at(-1);
  if (name === undefined) return undefined;
  const directories = parts.slice(0, -1);
  if (name === 'conftest.py') return 'conftest';
  if (name.endsWith('.pth')) return 'path-configuration';
  if (SITE_CUSTOMIZATION.has(name.replace(/\.py$/, '')) || directories.some((part) => SITE_CUSTOMIZATION.has(part))) return 'site-customization';
  if (directories.some((part) => part.endsWith('.egg-info') || part.endsWith('.dist-info')) || name.endsWith('.egg-info')) return 'runner-plugin';
  const module = topLevelModule(parts);
  if (module !== undefined && RUNNER_MODULES.has(module) && !baseTopLevel.has(module) && !baseTopLevel.has(`${module}.py`)) {
    return 'runner-shadow';
  }
  if (RUNNER_CONFIG_FILES.has(name)) return 'runner-config';
  const inTestDirectory = directories.some(
    (part, index) => TEST_DIRECTORY.test(part) || (TOP_TEST_DIRECTORY.test(part) && (index === 0 || directories.slice(0, index).some((above) => TEST_DIRECTORY.test(above)))),
  );
  if (name === '__init__.py' && inTestDirectory) return 'test-package-init';
  if (inTestDirectory || TEST_FILE.test(name)) return 'test-file';
  return undefined;
}

/** Whether a change to this kind of file is an integrity issue (all but plain test files). */
export function isFlagged(kind: RunnerFileKind): boolean {
  return kind !== 'test-file';
}
