/**
 * A second, machine-readable account of the test run that the runner writes to a file the harness
 * chooses (pytest's JUnit XML, node's TAP reporter). See grading/cross-check.ts for why: console
 * output is shared with the code under test, this file is not.
 */
import type { TestStatus } from '../test-status.js';
import { junitStatusesByKey, parseJunitXml, pytestNodeIdToJunitKey } from './junit-xml.js';
import type { LogParserName } from './log-parser.js';
import { parseNodeTestLog } from './node-test.js';

export interface StructuredResults {
  /** The runner's verdict on a test named as the log parser names it; undefined when absent. */
  statusOf(testName: string): TestStatus | undefined;
  /** How many tests the report holds. */
  readonly size: number;
}

export interface StructuredReportFormat {
  /** File name for the report inside the harness's private directory. */
  readonly fileName: string;
  /**
   * Shell statements that make the runner also write its report to `path`, through environment
   * variables so that any test command (a bare `pytest`, `tox -e py`, `npm test`) picks them up
   * without us rewriting it. Existing values are kept.
   */
  shellSetup(path: string): string;
  read(content: Uint8Array): StructuredResults;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function appendToVariable(variable: string, addition: string): string {
  return `export ${variable}="\${${variable}:+\$${variable} }"${shellQuote(addition)}`;
}

const pytestJunit: StructuredReportFormat = {
  fileName: 'junit.xml',
  shellSetup: (path) => appendToVariable('PYTEST_ADDOPTS', `--junitxml=${path}`),
  read(content) {
    const statuses = junitStatusesByKey(parseJunitXml(content));
    return { statusOf: (name) => statuses.get(pytestNodeIdToJunitKey(name)), size: statuses.size };
  },
};

const nodeTap: StructuredReportFormat = {
  fileName: 'results.tap',
  // Naming any reporter replaces the default one, so the console keeps the spec reporter explicitly.
  shellSetup: (path) =>
    appendToVariable(
      'NODE_OPTIONS',
      `--test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=${path}`,
    ),
  read(content) {
    const statuses = parseNodeTestLog(content);
    return { statusOf: (name) => statuses.get(name), size: statuses.size };
  },
};

/** The structured report a runner can write, or undefined (unittest has no such option). */
export function structuredReportFor(parser: LogParserName): StructuredReportFormat | undefined {
  if (parser === 'pytest') return pytestJunit;
  if (parser === 'node-test') return nodeTap;
  return undefined;
}
