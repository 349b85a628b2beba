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
import { junitStatusesByKey, parseJunitXml, pytestNodeIdToJunitKey } from './junit-xml.js';
import type { LogParserName } from './log-parser.js';
import { parseNodeTestLog } from './node-test.js';
import { normalizeUnittestName } from './unittest.js';
import { UNITTEST_SITECUSTOMIZE } from './unittest-report-hook.js';

export interface StructuredResults {
  /** The runner's verdict on a test named as the log parser names it; undefined when absent. */
  statusOf(testName: string): TestStatus | undefined;
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
    const statuses = junitStatusesByKey(parseJunitXml(content));
    return { statusOf: (name) => statuses.get(pytestNodeIdToJunitKey(name)), size: statuses.size };
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
    return { statusOf: (name) => statuses.get(name), size: statuses.size };
  },
};

const unittestReportSchema = z.object({
  tests: z.record(z.string(), z.enum(['PASSED', 'FAILED', 'SKIPPED', 'ERROR'])),
});

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
    try {
      const parsed = unittestReportSchema.safeParse(JSON.parse(decodeLog(content)));
      if (parsed.success) statuses = new Map(Object.entries(parsed.data.tests));
    } catch {
      // A malformed report is as good as none: size 0 makes the caller treat it as missing.
    }
    return { statusOf: (name) => statuses.get(normalizeUnittestName(name)), size: statuses.size };
  },
};

/** The structured report each runner can write. */
export function structuredReportFor(parser: LogParserName): StructuredReportFormat | undefined {
  if (parser === 'pytest') return pytestJunit;
  if (parser === 'node-test') return nodeTap;
  if (parser === 'unittest') return unittestHook;
  return undefined;
}
