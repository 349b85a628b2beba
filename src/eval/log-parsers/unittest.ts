/**
 * Python unittest's verbose output (`-v`). A test is named by its dotted id
 * `package.module.Class.test_method`, whichever way the Python version prints it:
 *   3.11+: `test_method (package.module.Class.test_method) ... ok`
 *   older: `test_method (package.module.Class) ... ok`
 * Results come from the progress lines and from the `FAIL:`/`ERROR:` headers of the failure
 * details, so a test whose own output printed `... ok` is still failed by the runner's header.
 */
import { logLines } from '../decode-log.js';
import { recordStatus, type TestStatus, type TestStatusMap } from '../test-status.js';
import type { LogParser } from './log-parser.js';

// `name (dotted.path)` optionally followed by a subTest description `(i=1)` or `[msg]`.
const TEST_HEADER = /^\s*([A-Za-z_][\w]*) \(([\w.]+)\)(?: (?:\(.*\)|\[.*\]))*/;

function statusFromWord(word: string): TestStatus | undefined {
  if (word === 'ok') return 'PASSED';
  if (word === 'FAIL') return 'FAILED';
  if (word === 'ERROR') return 'ERROR';
  if (word === 'expected failure') return 'PASSED';
  if (word === 'unexpected success') return 'FAILED';
  if (word === 'skipped' || word.startsWith('skipped ')) return 'SKIPPED';
  return undefined;
}

function dottedId(method: string, path: string): string {
  return path === method || path.endsWith(`.${method}`) ? path : `${path}.${method}`;
}

/** `test_x (pkg.mod.Class)` or `test_x (pkg.mod.Class.test_x)` or a dotted id → the dotted id. */
export function normalizeUnittestName(name: string): string {
  const match = TEST_HEADER.exec(name);
  return match ? dottedId(match[1]!, match[2]!) : name.trim();
}

export function parseUnittestLog(log: string | Uint8Array): TestStatusMap {
  const statuses: TestStatusMap = new Map();
  // The test whose progress line has started but whose status word has not appeared yet: a test
  // that prints, or has a docstring, pushes its status word onto a later line.
  let pending: string | undefined;
  for (const line of logLines(log)) {
    const failureHeader = /^(FAIL|ERROR|UNEXPECTED SUCCESS): (.*)$/.exec(line);
    if (failureHeader) {
      const header = TEST_HEADER.exec(failureHeader[2]!);
      if (header) recordStatus(statuses, dottedId(header[1]!, header[2]!), failureHeader[1] === 'ERROR' ? 'ERROR' : 'FAILED');
      pending = undefined;
      continue;
    }
    const header = TEST_HEADER.exec(line);
    const separator = line.indexOf(' ... ');
    if (header && (separator === -1 || separator >= header[0].length)) {
      const id = dottedId(header[1]!, header[2]!);
      if (separator === -1) {
        pending = id;
        continue;
      }
      const status = statusFromWord(line.slice(separator + 5).trim());
      if (status) {
        recordStatus(statuses, id, status);
        pending = undefined;
      } else {
        pending = id;
      }
      continue;
    }
    if (pending === undefined) continue;
    // A docstring line `First line of doc ... ok`, or a bare status word after the test's own output.
    const tail = separator === -1 ? line.trim() : line.slice(separator + 5).trim();
    const status = statusFromWord(tail);
    if (status) {
      recordStatus(statuses, pending, status);
      pending = undefined;
    }
  }
  return statuses;
}

export const unittestLogParser: LogParser = {
  name: 'unittest',
  parse: parseUnittestLog,
  normalizeTestName: normalizeUnittestName,
};
