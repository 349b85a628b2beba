/**
 * Reads the `<testcase>` elements of a JUnit XML report, as pytest's `--junitxml` writes it. Only
 * what grading needs: classname, name and the verdict. A small tolerant reader rather than a full
 * XML parser: the file is machine-written by the runner, and a malformed one yields what it can.
 */
import { decodeLog } from '../decode-log.js';
import { recordStatus, type TestStatus } from '../test-status.js';

export interface JunitTestCase {
  classname: string;
  name: string;
  status: TestStatus;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

function readAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes.set(match[1]!, decodeXmlEntities(match[2] ?? match[3] ?? ''));
  }
  return attributes;
}

function verdict(body: string): TestStatus {
  // A test can carry both a failure (the call) and an error (teardown): the worst wins.
  if (/<error[\s>/]/.test(body)) return 'ERROR';
  if (/<failure[\s>/]/.test(body)) return 'FAILED';
  const skipped = /<skipped([^>]*)>/.exec(body);
  if (skipped) {
    // pytest reports an expected failure as a skip of type pytest.xfail; SWE-bench counts it a pass.
    return readAttributes(skipped[1]!).get('type') === 'pytest.xfail' ? 'PASSED' : 'SKIPPED';
  }
  return 'PASSED';
}

export function parseJunitXml(xml: string | Uint8Array): JunitTestCase[] {
  const text = decodeLog(xml);
  const cases: JunitTestCase[] = [];
  for (const match of text.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attributes = readAttributes(match[1]!);
    const name = attributes.get('name');
    if (name === undefined) continue;
    cases.push({ classname: attributes.get('classname') ?? '', name, status: verdict(match[2] ?? '') });
  }
  return cases;
}

/**
 * The (classname, name) pytest's junit writer derives from a node id: the file path loses `.py`
 * and takes dots for slashes, the last `::` part is the name, parameters stay with the name.
 */
export function pytestNodeIdToJunitKey(nodeId: string): string {
  const bracket = nodeId.indexOf('[');
  const path = bracket === -1 ? nodeId : nodeId.slice(0, bracket);
  const params = bracket === -1 ? '' : nodeId.slice(bracket);
  const names = path.split('::');
  names[0] = names[0]!.replace(/\//g, '.').replace(/\.py$/, '');
  names[names.length - 1] += params;
  const name = names.pop()!;
  return junitKey(names.join('.'), name);
}

export function junitKey(classname: string, name: string): string {
  return `${classname}\u0000${name}`;
}

/** Verdicts by junit key, a test reported twice keeping its worst verdict. */
export function junitStatusesByKey(cases: JunitTestCase[]): Map<string, TestStatus> {
  const statuses = new Map<string, TestStatus>();
  for (const testCase of cases) recordStatus(statuses, junitKey(testCase.classname, testCase.name), testCase.status);
  return statuses;
}
