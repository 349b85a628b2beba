/**
 * SWE-bench's Django log parser (parse_log_django, from the facts of its v5 harness). Django's
 * runner at `--verbosity 2` prints `test_x (module.Class) ... ok`; a test with a docstring prints
 * `test_x (module.Class)` and then the docstring's first line, which then carries the ` ... ok`,
 * so that first line is the test's key (SWE-bench's FAIL_TO_PASS lists hold such lines).
 *
 * The rules, per stripped line, all applied in this order (a later one overwrites):
 *  - a line ending ` ... ok`, ` ... OK` or ` ...  OK` passes what precedes the suffix;
 *  - ` ... skipped` anywhere skips what precedes it;
 *  - a line ending ` ... FAIL` / ` ... ERROR` fails / errors what precedes it;
 *  - `FAIL: x (...)` and `ERROR: x (...)` headers fail / error `x`, the bare method name;
 *  - a line starting with `ok` passes the last test whose ` ... ` line was seen (output between);
 *  - `... expected failure` and `... unexpected success` are not recorded at all;
 * then three multi-line patterns where Django's own messages split a result from its `ok`.
 */
import type { TestStatusMap } from '../test-status.js';
import { pythonLines, pythonSplit } from './swebench-pytest.js';

const PASS_SUFFIXES = [' ... ok', ' ... OK', ' ...  OK'];
// django__django-7188 prints a migration line on the same line as the test's result.
const MIGRATION_PREFIX = 'Applying sites.0002_alter_domain_unique...test_no_migrations';

// Python's str.strip(): whitespace at both ends.
function pythonStrip(text: string): string {
  return text.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/gu, '');
}

const INTERRUPTED_OK_PATTERNS = [
  /^(.*?)\s\.\.\.\sTesting against Django installed in ([\s\S]*?) silenced\)\.\nok$/gm,
  /^(.*?)\s\.\.\.\sInternal Server Error: \/(.*)\/\nok$/gm,
  /^(.*?)\s\.\.\.\sSystem check identified no issues \(0 silenced\)\nok$/gm,
];

export function parseSweBenchDjangoLog(log: string | Uint8Array): TestStatusMap {
  const statuses: TestStatusMap = new Map();
  const lines = pythonLines(log);
  let previousTest: string | undefined;
  for (const rawLine of lines) {
    let line = pythonStrip(rawLine);
    if (line.includes('--version is equivalent to version')) statuses.set('--version is equivalent to version', 'PASSED');
    if (line.includes(' ... ')) previousTest = line.split(' ... ')[0]!;
    for (const suffix of PASS_SUFFIXES) {
      if (!line.endsWith(suffix)) continue;
      if (line.startsWith(MIGRATION_PREFIX)) line = pythonStrip(line.slice(line.indexOf('...') + 3));
      const cut = line.lastIndexOf(suffix);
      statuses.set(cut === -1 ? line : line.slice(0, cut), 'PASSED');
      break;
    }
    if (line.includes(' ... skipped')) statuses.set(line.split(' ... skipped')[0]!, 'SKIPPED');
    if (line.endsWith(' ... FAIL')) statuses.set(line.split(' ... FAIL')[0]!, 'FAILED');
    if (line.startsWith('FAIL:')) {
      const name = pythonSplit(line)[1];
      if (name !== undefined) statuses.set(name, 'FAILED');
    }
    if (line.endsWith(' ... ERROR')) statuses.set(line.split(' ... ERROR')[0]!, 'ERROR');
    if (line.startsWith('ERROR:')) {
      const name = pythonSplit(line)[1];
      if (name !== undefined) statuses.set(name, 'ERROR');
    }
    if (line.startsWith('ok') && previousTest !== undefined) statuses.set(previousTest, 'PASSED');
  }
  const text = lines.join('\n');
  for (const pattern of INTERRUPTED_OK_PATTERNS) {
    for (const match of text.matchAll(pattern)) statuses.set(match[1]!, 'PASSED');
  }
  return statuses;
}
