/**
 * pytest's console output. With `-rA` the short test summary lists every test as
 * `STATUS nodeid[ - reason]`; with `-v` each test has a line `nodeid STATUS [ nn%]`. Both forms are
 * read. xfail counts as a pass and a non-strict xpass too (pytest's own exit status agrees; a strict
 * xpass is reported FAILED by pytest itself), as SWE-bench grades them.
 */
import { logLines } from '../decode-log.js';
import { recordStatus, type TestStatus, type TestStatusMap } from '../test-status.js';
import type { LogParser } from './log-parser.js';

const PYTEST_WORDS: Record<string, TestStatus> = {
  PASSED: 'PASSED',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
  ERROR: 'ERROR',
  XFAIL: 'PASSED',
  XPASS: 'PASSED',
};

/**
 * Reads a node id at the start of `text`: up to the first whitespace outside brackets, because
 * parametrised ids such as `test_x[a b]` may hold spaces. Returns the id and what follows it.
 */
export function readNodeId(text: string): { nodeId: string; rest: string } | undefined {
  let depth = 0;
  let end = 0;
  for (; end < text.length; end++) {
    const char = text[end]!;
    if (char === '[') depth++;
    else if (char === ']' && depth > 0) depth--;
    else if (depth === 0 && /\s/.test(char)) break;
  }
  if (end === 0) return undefined;
  return { nodeId: text.slice(0, end), rest: text.slice(end) };
}

function parseStatusFirst(line: string): [string, TestStatus] | undefined {
  const match = /^(PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS) (.+)$/.exec(line);
  if (!match) return undefined;
  const word = match[1]!;
  // `SKIPPED [2] tests/test_a.py:12: reason` names a location, not a test.
  if (word === 'SKIPPED' && match[2]!.startsWith('[')) return undefined;
  const read = readNodeId(match[2]!);
  if (!read) return undefined;
  if (read.rest !== '' && !read.rest.startsWith(' - ')) return undefined;
  return [read.nodeId, PYTEST_WORDS[word]!];
}

function parseTestFirst(line: string): [string, TestStatus] | undefined {
  const read = readNodeId(line);
  // Only real node ids (`file::test`) so that prose in tracebacks is not taken for a result.
  if (!read || !read.nodeId.includes('::')) return undefined;
  const match = /^ +(PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)(?:\s|$)/.exec(read.rest);
  if (!match) return undefined;
  return [read.nodeId, PYTEST_WORDS[match[1]!]!];
}

export function parsePytestLog(log: string | Uint8Array): TestStatusMap {
  const statuses: TestStatusMap = new Map();
  for (const line of logLines(log)) {
    const parsed = parseStatusFirst(line) ?? parseTestFirst(line);
    if (parsed) recordStatus(statuses, parsed[0], parsed[1]);
  }
  return statuses;
}

export const pytestLogParser: LogParser = {
  name: 'pytest',
  parse: parsePytestLog,
  normalizeTestName: (name) => name.trim(),
};
