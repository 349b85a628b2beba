/**
 * A second, machine-readable account of the test run, written by the runner itself to a file in a
 * directory the harness creates just before the run (pytest's JUnit XML, node's TAP reporter, and
 * for unittest a small result hook). See cross-check.ts for why: console output is shared with the
 * code under test, this file is not.
 */
import { z } from 'zod';
import { decodeLog } from '../decode-log.js';
import type { TestStatus } from '../test-status.js';
import { singleQuote } from '../../util/shell-quote.js';
import { parseJunitXml, pytestNodeIdToJunitKey, type JunitTestCase } from './junit-xml.js';
import type { LogParser, LogParserName } from './log-parser.js';
import { parseNodeTestLog } from './node-test.js';
import { normalizeUnittestName } from './unittest.js';
import { UNITTEST_SITECUSTOMIZE } from './unittest-report-hook.js';

export interface StructuredResults {
  /**
   * The runner's verdicts on every test it reported that `parser` would key as `key` (several when
   * the parser's key is a cut or rewritten id, none when the runner never reported such a test).
   */
  casesFor(key: string, parser: LogParser): TestStatus[];
  /** How many tests the report holds. */
  readonly size: number;
}

export interface StructuredReportSetup {
  /** Files to place (absolute paths inside the private directory) before the run. */
  files: Array<{ path: string; content: string }>;
  /**
   * Shell statements run before the test command, in its subshell. They work through environment
   * variables, so any test command (a bare `pytest`, `tox -e py`, `npm test`) picks them up
   * without us rewriting it. Existing values are kept.
   */
  shell: string;
  /** Where the runner will write its report. */
  reportPath: string;
}

export interface StructuredReportFormat {
  prepare(privateDir: string): StructuredReportSetup;
  read(content: Uint8Array): StructuredResults;
}

function appendToVariable(variable: string, addition: string, separator = ' '): string {
  return `export ${variable}="\${${variable}:+\$${variable}${separator}}"${singleQuote(addition)}`;
}

function prependToVariable(variable: string, addition: string, separator: string): string {
  return `export ${variable}=${singleQuote(addition)}"\${${variable}:+${separator}\$${variable}}"`;
}

const pytestJunit: StructuredReportFormat = {
  prepare(privateDir) {
    const reportPath = `${privateDir}/junit.xml`;
    return { files: [], reportPath, shell: appendToVariable('PYTEST_ADDOPTS', `--junitxml=${reportPath}`) };
  },
  read(content) {
    const byClass = new Map<string, JunitTestCase[]>();
    const cases = parseJunitXml(content);
    for (const testCase of cases) byClass.set(testCase.classname, [...(byClass.get(testCase.classname) ?? []), testCase]);
    return {
      casesFor(key, parser) {
        // In junit's (classname, name) terms: the parser's key for a test is compared with what
        // the parser makes of the name the runner wrote, so cut and rewritten ids still meet.
        const [classname, name] = pytestNodeIdToJunitKey(key).split('\u0000') as [string, string];
        const nameKey = parser.runnerNameKey ?? ((text: string) => text);
        return (byClass.get(classname) ?? []).filter((testCase) => nameKey(testCase.name) === name).map((testCase) => testCase.status);
      },
      size: cases.length,
    };
  },
};

const nodeTap: StructuredReportFormat = {
  prepare(privateDir) {
    const reportPath = `${privateDir}/results.tap`;
    // Naming any reporter replaces the default one, so the console keeps the spec reporter explicitly.
    const options = `--test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=${reportPath}`;
    return { files: [], reportPath, shell: appendToVariable('NODE_OPTIONS', options) };
  },
  read(content) {
    const statuses = parseNodeTestLog(content);
    return { casesFor: (name) => listOf(statuses.get(name)), size: statuses.size };
  },
};

const unittestStatus = z.enum(['PASSED', 'FAILED', 'SKIPPED', 'ERROR']);
const unittestReportSchema = z.object({
  tests: z.record(z.string(), unittestStatus),
  // Keyed as the runner printed each test: the docstring's first line, else `name (module.Class)`.
  described: z.record(z.string(), unittestStatus).default({}),
});

function listOf(status: TestStatus | undefined): TestStatus[] {
  return status === undefined ? [] : [status];
}

const unittestHook: StructuredReportFormat = {
  prepare(privateDir) {
    const reportPath = `${privateDir}/unittest.json`;
    const hookDir = `${privateDir}/python-hook`;
    return {
      files: [{ path: `${hookDir}/sitecustomize.py`, content: UNITTEST_SITECUSTOMIZE }],
      reportPath,
      shell: `${prependToVariable('PYTHONPATH', hookDir, ':')}; export SWE_SRL_UNITTEST_REPORT=${singleQuote(reportPath)}`,
    };
  },
  read(content) {
    let statuses = new Map<string, TestStatus>();
    let described = new Map<string, TestStatus>();
    try {
      const parsed = unittestReportSchema.safeParse(JSON.parse(decodeLog(content)));
      if (parsed.success) {
        statuses = new Map(Object.entries(parsed.data.tests));
        described = new Map(Object.entries(parsed.data.described));
      }
    } catch {
      // A malformed report is as good as none: size 0 makes the caller treat it as missing.
    }
    return {
      // SWE-bench's Django parser keys a test by its printed description; ours by its dotted id.
      casesFor: (name, parser) => listOf(parser.name === 'swebench-django' ? described.get(name) : statuses.get(normalizeUnittestName(name))),
      size: statuses.size,
    };
  },
};

/**
 * The structured report each runner can write: JUnit XML for every pytest-based parser, the
 * unittest hook for unittest and Django's runner (a unittest runner), TAP for node. sympy's own
 * runner writes none.
 */
export function structuredReportFor(parser: LogParserName): StructuredReportFormat | undefined {
  switch (parser) {
    case 'pytest':
    case 'swebench-pytest':
    case 'swebench-pytest-options':
    case 'swebench-pytest-v2':
    case 'swebench-matplotlib':
    case 'swebench-seaborn':
      return pytestJunit;
    case 'node-test':
      return nodeTap;
    case 'unittest':
    case 'swebench-django':
      return unittestHook;
    case 'swebench-sympy':
      return undefined;
  }
}
