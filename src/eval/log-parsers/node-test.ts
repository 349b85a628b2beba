/**
 * node's built-in test runner (`node --test`), in either of its two text forms:
 *  - spec (the default on a terminal): `✔ name (1.2ms)`, `✖ name (1.2ms)`, `﹣ name (0.1ms) # SKIP`,
 *    suites open with `▶ name` and nest by two spaces;
 *  - TAP (the default when stdout is not a terminal): `ok 1 - name`, `not ok 2 - name # TODO`,
 *    subtests nest by four spaces under a `# Subtest: name` comment, YAML diagnostics in `---`/`...`.
 * A nested test is named by its ancestors and itself joined with " > ", e.g. `suite A > inner ok`,
 * the same in both forms. Todo tests count as skipped: their outcome is not a verdict.
 */
import { logLines } from '../decode-log.js';
import { recordStatus, type TestStatus, type TestStatusMap } from '../test-status.js';
import type { LogParser } from './log-parser.js';

export const NODE_TEST_NAME_SEPARATOR = ' > ';

const SPEC_PASS = '✔';
const SPEC_FAIL = '✖';
const SPEC_SKIP = '﹣';
const SPEC_GROUP = '▶';
// The spec reporter repeats failures, without their ancestors, after this line.
const SPEC_FAILURE_RECAP = /^✖ failing tests:$/;

function fullName(ancestors: string[], depth: number, name: string): string {
  return [...ancestors.slice(0, depth), name].join(NODE_TEST_NAME_SEPARATOR);
}

function splitSpecTitle(title: string): { name: string; annotation: string | undefined } {
  const match = /^(.*?) \(\d+(?:\.\d+)?m?s\)(?: # (.*))?$/.exec(title);
  if (!match) return { name: title, annotation: undefined };
  return { name: match[1]!, annotation: match[2] };
}

function unescapeTap(text: string): string {
  return text.replace(/\\([\\#])/g, '$1');
}

/** `name # SKIP reason` → name and directive; `\#` is an escaped hash belonging to the name. */
function splitTapTitle(title: string): { name: string; directive: 'SKIP' | 'TODO' | undefined } {
  const match = /^(.*?)(?<!\\) # (SKIP|TODO)\b.*$/i.exec(title);
  if (!match) return { name: unescapeTap(title), directive: undefined };
  return { name: unescapeTap(match[1]!), directive: match[2]!.toUpperCase() as 'SKIP' | 'TODO' };
}

export function parseNodeTestLog(log: string | Uint8Array): TestStatusMap {
  const statuses: TestStatusMap = new Map();
  const specAncestors: string[] = [];
  const tapAncestors: string[] = [];
  let inSpecRecap = false;
  let yamlIndent: number | undefined;

  for (const line of logLines(log)) {
    const indent = line.length - line.trimStart().length;
    const body = line.trimStart();

    if (yamlIndent !== undefined) {
      if (indent === yamlIndent && body === '...') yamlIndent = undefined;
      continue;
    }

    // TAP
    if (body === '---' && indent >= 2) {
      yamlIndent = indent;
      continue;
    }
    const subtest = /^# Subtest: (.*)$/.exec(body);
    if (subtest && indent % 4 === 0) {
      tapAncestors.length = indent / 4;
      tapAncestors.push(unescapeTap(subtest[1]!));
      continue;
    }
    const tapResult = /^(not ok|ok) \d+(?: - (.*))?$/.exec(body);
    if (tapResult && indent % 4 === 0) {
      const { name, directive } = splitTapTitle(tapResult[2] ?? '');
      let status: TestStatus = tapResult[1] === 'ok' ? 'PASSED' : 'FAILED';
      if (directive) status = 'SKIPPED';
      recordStatus(statuses, fullName(tapAncestors, indent / 4, name), status);
      continue;
    }

    // spec
    if (SPEC_FAILURE_RECAP.test(line)) inSpecRecap = true;
    if (inSpecRecap || indent % 2 !== 0) continue;
    const symbol = body.charAt(0);
    if (body.charAt(1) !== ' ') continue;
    const depth = indent / 2;
    const { name, annotation } = splitSpecTitle(body.slice(2));
    if (symbol === SPEC_GROUP) {
      specAncestors.length = depth;
      specAncestors.push(name);
    } else if (symbol === SPEC_PASS || symbol === SPEC_FAIL) {
      // A trailing `# reason` on a pass or fail line marks a todo test.
      const status: TestStatus = annotation !== undefined ? 'SKIPPED' : symbol === SPEC_PASS ? 'PASSED' : 'FAILED';
      recordStatus(statuses, fullName(specAncestors, depth, name), status);
    } else if (symbol === SPEC_SKIP) {
      recordStatus(statuses, fullName(specAncestors, depth, name), 'SKIPPED');
    }
  }
  return statuses;
}

export const nodeTestLogParser: LogParser = {
  name: 'node-test',
  parse: parseNodeTestLog,
  normalizeTestName: (name) => name.trim(),
};
