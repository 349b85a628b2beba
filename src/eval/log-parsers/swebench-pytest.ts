/**
 * SWE-bench's pytest log parsers, rewritten from the facts of its harness (v5,
 * `swebench/harness/log_parsers/python.py`) so that swe-srl reads a log exactly as SWE-bench's
 * grading does. Their quirks are the point, because the FAIL_TO_PASS and PASS_TO_PASS lists of
 * SWE-bench's datasets were made with them:
 *
 *  - A result is a line that starts with a status word (PASSED, FAILED, SKIPPED, ERROR, XFAIL) and
 *    the test is the line's second whitespace-separated token, so `test_x[a b]` is keyed `test_x[a`
 *    (grading matches such cut ids by prefix, see grading.ts). `XPASS` is no status word: an
 *    unexpectedly passing test is not recorded at all.
 *  - On a FAILED line ` - ` becomes a space first, so `FAILED t - msg` keys `t`.
 *  - pytest's skip summary `SKIPPED [2] file:12: reason` names no test and is dropped (v5).
 *  - Several lines for one test: the last one wins (a plain dict assignment), not the worst.
 *  - The status is the line's first token as printed; a word that is none of SWE-bench's statuses
 *    (`PASSEDX`, `ERROR:`) is kept as an unknown status, which grading counts neither as a pass
 *    nor (unlike SWE-bench, which then leaves the test out of both lists) as maintained.
 */
import { decodeLog } from '../decode-log.js';
import type { TestStatus, TestStatusMap } from '../test-status.js';

/** SWE-bench's TestStatus values, in its order. XFAIL grades as a pass. */
const SWEBENCH_STATUS_WORDS = ['FAILED', 'PASSED', 'SKIPPED', 'ERROR', 'XFAIL'] as const;

/** Reduces a printed status token to ours; XFAIL passes; an unknown word fails (see above). */
export function sweBenchStatus(token: string): TestStatus {
  switch (token) {
    case 'PASSED':
    case 'XFAIL':
      return 'PASSED';
    case 'FAILED':
      return 'FAILED';
    case 'SKIPPED':
      return 'SKIPPED';
    default:
      return 'ERROR';
  }
}

export function startsWithStatusWord(line: string): boolean {
  return SWEBENCH_STATUS_WORDS.some((word) => line.startsWith(word));
}

// What Python's str.split() takes for whitespace (JavaScript's \s differs: it has U+FEFF, lacks U+001C-U+001F and U+0085).
const PYTHON_WHITESPACE = /[\t\n\v\f\r \u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python's `str.split()` with no argument: runs of whitespace separate, ends are dropped. */
export function pythonSplit(text: string): string[] {
  return text.split(PYTHON_WHITESPACE).filter((token) => token !== '');
}

/**
 * The log's lines as SWE-bench sees them: it opens the file in text mode, whose universal newlines
 * turn `\r\n` and a lone `\r` into `\n` (decodeLog does the same), then splits on `\n`.
 */
export function pythonLines(log: string | Uint8Array): string[] {
  return decodeLog(log).split('\n');
}

// `SKIPPED [N] path:line: reason` is pytest's grouped skip summary, not a test (v5 drops it).
function isSkipSummary(status: string, name: string): boolean {
  return status === 'SKIPPED' && /^\[\d+\]$/.test(name);
}

/** One result line as parse_log_pytest reads it: `[status token, key]`, or nothing. */
function pytestLineResult(rawLine: string): [string, string] | undefined {
  if (!startsWithStatusWord(rawLine)) return undefined;
  const line = rawLine.startsWith('FAILED') ? rawLine.split(' - ').join(' ') : rawLine;
  const tokens = pythonSplit(line);
  if (tokens.length <= 1) return undefined;
  if (isSkipSummary(tokens[0]!, tokens[1]!)) return undefined;
  return [tokens[0]!, tokens[1]!];
}

function collect(lines: Iterable<[string, string] | undefined>): TestStatusMap {
  const statuses: TestStatusMap = new Map();
  // Last report wins, as in SWE-bench; Map.set keeps a key's first position, as a dict does.
  for (const result of lines) if (result) statuses.set(result[1], sweBenchStatus(result[0]));
  return statuses;
}

/** parse_log_pytest: astroid, flask, marshmallow, pvlib, pytest, pyvista, sqlfluff, xarray. */
export function parseSweBenchPytestLog(log: string | Uint8Array): TestStatusMap {
  return collect(pythonLines(log).map(pytestLineResult));
}

/**
 * parse_log_pytest_options' rewriting of a parametrised id: a parameter that is an absolute path
 * keeps only its last part (`test_x[/tmp/abc/data/file.dcm-data0]` → `test_x[/file.dcm-data0]`),
 * so ids recorded on one machine match runs on another. Anything after the last `]` is dropped.
 */
export function normalizePytestOption(testId: string): string {
  const match = /^(.*?)\[(.*)\]/s.exec(testId);
  if (!match) return testId;
  const main = match[1]!;
  let option = match[2]!;
  if (option.startsWith('/') && !option.startsWith('//') && !option.includes('*')) option = `/${option.split('/').pop()!}`;
  return `${main}[${option}]`;
}

/** parse_log_pytest_options: pydicom, requests, pylint. */
export function parseSweBenchPytestOptionsLog(log: string | Uint8Array): TestStatusMap {
  return collect(
    pythonLines(log).map((line) => {
      const result = pytestLineResult(line);
      return result ? [result[0], normalizePytestOption(result[1])] : undefined;
    }),
  );
}

// `[32m`-style colour codes (the ESC itself goes with the other control characters below).
const V2_COLOUR_CODE = /\[(\d+)m/g;
// Python's chr(1)..chr(31): every control character but NUL.
const V2_CONTROL_CHARACTERS = /[\u0001-\u001f]/g;

const SWEBENCH_STATUS_SET: ReadonlySet<string> = new Set(SWEBENCH_STATUS_WORDS);

/**
 * parse_log_pytest_v2 (astropy, scikit-learn, sphinx): colour codes and control characters are
 * removed, a status-first line keys everything after the status (a FAILED line cut at ` - `), and
 * a line that ends with a status word (`path::test PASSED`, older pytest) keys what precedes it.
 */
export function parseSweBenchPytestV2Log(log: string | Uint8Array): TestStatusMap {
  return collect(
    pythonLines(log).map((rawLine): [string, string] | undefined => {
      let line = rawLine.replace(V2_COLOUR_CODE, '').replace(V2_CONTROL_CHARACTERS, '');
      if (startsWithStatusWord(line)) {
        if (line.startsWith('FAILED')) line = line.split(' - ')[0]!;
        const tokens = pythonSplit(line);
        if (tokens.length >= 2 && !isSkipSummary(tokens[0]!, tokens[1]!)) return [tokens[0]!, tokens.slice(1).join(' ')];
        return undefined;
      }
      if (SWEBENCH_STATUS_WORDS.some((word) => line.endsWith(word))) {
        const tokens = pythonSplit(line);
        if (tokens.length >= 2) return [tokens[tokens.length - 1]!, tokens.slice(0, -1).join(' ')];
      }
      return undefined;
    }),
  );
}

/** matplotlib's parser: parse_log_pytest after writing MouseButton.LEFT/RIGHT as 1/3. */
export function matplotlibTestName(text: string): string {
  return text.split('MouseButton.LEFT').join('1').split('MouseButton.RIGHT').join('3');
}

export function parseSweBenchMatplotlibLog(log: string | Uint8Array): TestStatusMap {
  return collect(pythonLines(log).map((line) => pytestLineResult(matplotlibTestName(line))));
}

/**
 * seaborn's parser: a FAILED line keys its second token; a line holding ` PASSED ` whose second
 * token is PASSED keys its first (`path::test PASSED [ 10%]`); a line starting with PASSED keys its
 * second. Nothing else (skips, errors) is recorded.
 */
export function parseSweBenchSeabornLog(log: string | Uint8Array): TestStatusMap {
  return collect(
    pythonLines(log).map((line): [string, string] | undefined => {
      const parts = pythonSplit(line);
      if (parts.length < 2) return undefined;
      if (line.startsWith('FAILED')) return ['FAILED', parts[1]!];
      if (line.includes(' PASSED ')) return parts[1] === 'PASSED' ? ['PASSED', parts[0]!] : undefined;
      if (line.startsWith('PASSED')) return ['PASSED', parts[1]!];
      return undefined;
    }),
  );
}

/** Whether a status token is one of SWE-bench's words (for tests and the report's raw view). */
export function isSweBenchStatusWord(token: string): boolean {
  return SWEBENCH_STATUS_SET.has(token);
}
