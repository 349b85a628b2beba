/**
 * SWE-bench's parsers as swe-srl log parsers, and which one each SWE-bench repository uses
 * (its MAP_REPO_TO_PARSER, for every repository of SWE-bench, SWE-bench Lite and Verified and the
 * dev split). Each parser also says how to spell an instance's expected ids (see
 * `normalizeTestName`) and how it would key a test the runner's own report names.
 */
import { parseSweBenchDjangoLog } from './swebench-django.js';
import {
  matplotlibTestName,
  normalizePytestOption,
  parseSweBenchMatplotlibLog,
  parseSweBenchPytestLog,
  parseSweBenchPytestOptionsLog,
  parseSweBenchPytestV2Log,
  parseSweBenchSeabornLog,
  pythonSplit,
} from './swebench-pytest.js';
import { parseSweBenchSympyLog } from './swebench-sympy.js';
import type { LogParser, LogParserName } from './log-parser.js';

// The key is the id's first whitespace-free token.
const firstToken = (name: string): string => pythonSplit(name)[0] ?? name;
const joinedTokens = (name: string): string => pythonSplit(name).join(' ');

export const sweBenchPytestParser: LogParser = {
  name: 'swebench-pytest',
  parse: parseSweBenchPytestLog,
  normalizeTestName: (name) => name,
  runnerNameKey: firstToken,
};

export const sweBenchPytestOptionsParser: LogParser = {
  name: 'swebench-pytest-options',
  parse: parseSweBenchPytestOptionsLog,
  // Rows of older dataset copies hold the absolute paths of the machine that made them.
  normalizeTestName: normalizePytestOption,
  runnerNameKey: (name) => normalizePytestOption(firstToken(name)),
};

export const sweBenchPytestV2Parser: LogParser = {
  name: 'swebench-pytest-v2',
  parse: parseSweBenchPytestV2Log,
  normalizeTestName: (name) => name,
  runnerNameKey: joinedTokens,
};

export const sweBenchMatplotlibParser: LogParser = {
  name: 'swebench-matplotlib',
  parse: parseSweBenchMatplotlibLog,
  normalizeTestName: matplotlibTestName,
  runnerNameKey: (name) => firstToken(matplotlibTestName(name)),
};

export const sweBenchSeabornParser: LogParser = {
  name: 'swebench-seaborn',
  parse: parseSweBenchSeabornLog,
  normalizeTestName: (name) => name,
  runnerNameKey: firstToken,
};

export const sweBenchDjangoParser: LogParser = {
  name: 'swebench-django',
  parse: parseSweBenchDjangoLog,
  normalizeTestName: (name) => name,
};

export const sweBenchSympyParser: LogParser = {
  name: 'swebench-sympy',
  parse: parseSweBenchSympyLog,
  normalizeTestName: (name) => name,
};

/** SWE-bench's parser for each of its Python repositories. */
export const SWEBENCH_REPO_PARSERS: Readonly<Record<string, LogParserName>> = {
  'astropy/astropy': 'swebench-pytest-v2',
  'django/django': 'swebench-django',
  'marshmallow-code/marshmallow': 'swebench-pytest',
  'matplotlib/matplotlib': 'swebench-matplotlib',
  'mwaskom/seaborn': 'swebench-seaborn',
  'pallets/flask': 'swebench-pytest',
  'psf/requests': 'swebench-pytest-options',
  'pvlib/pvlib-python': 'swebench-pytest',
  'pydata/xarray': 'swebench-pytest',
  'pydicom/pydicom': 'swebench-pytest-options',
  'pylint-dev/astroid': 'swebench-pytest',
  'pylint-dev/pylint': 'swebench-pytest-options',
  'pytest-dev/pytest': 'swebench-pytest',
  'pyvista/pyvista': 'swebench-pytest',
  'scikit-learn/scikit-learn': 'swebench-pytest-v2',
  'sphinx-doc/sphinx': 'swebench-pytest-v2',
  'sqlfluff/sqlfluff': 'swebench-pytest',
  'sympy/sympy': 'swebench-sympy',
};

/**
 * Repositories SWE-bench grades fail-only (its FAIL_ONLY_REPOS): their parsers record failures
 * only, so a listed test passes unless the log says FAILED. All are JavaScript repositories of
 * SWE-bench Multimodal and Multilingual; none of the Python ones above.
 */
export const SWEBENCH_FAIL_ONLY_REPOS: ReadonlySet<string> = new Set([
  'chartjs/Chart.js',
  'processing/p5.js',
  'markedjs/marked',
  'bpmn-io/bpmn-js',
  'openlayers/openlayers',
  'eslint/eslint',
]);
