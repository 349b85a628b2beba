/**
 * SWE-bench's sympy log parser (parse_log_sympy, from the facts of its v5 harness). sympy's own
 * runner (`bin/test -C --verbose`) prints one line per test, `test_name ok`, `test_name F` or
 * `test_name E`, and a traceback header `____ sympy/x/tests/test_y.py:test_name ____` per failure.
 * Keys are bare test function names, except that a traceback header fails `path.py:name`.
 */
import type { TestStatusMap } from '../test-status.js';
import { pythonLines, pythonSplit } from './swebench-pytest.js';

// `(_*) (.*)\.py:(.*) (_*)` over the whole log, as re.findall reads it (greedy, one per line).
const FAILURE_HEADER = /(_*) (.*)\.py:(.*) (_*)/g;

export function parseSweBenchSympyLog(log: string | Uint8Array): TestStatusMap {
  const statuses: TestStatusMap = new Map();
  const lines = pythonLines(log);
  for (const match of lines.join('\n').matchAll(FAILURE_HEADER)) statuses.set(`${match[2]}.py:${match[3]}`, 'FAILED');
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (!line.startsWith('test_')) continue;
    const name = pythonSplit(line)[0]!;
    if (line.endsWith(' E')) statuses.set(name, 'ERROR');
    if (line.endsWith(' F')) statuses.set(name, 'FAILED');
    if (line.endsWith(' ok')) statuses.set(name, 'PASSED');
  }
  return statuses;
}
