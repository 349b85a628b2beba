import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNodeTestLog } from '../../../src/eval/log-parsers/node-test.js';
import { runShell, writeTree, type CapturedRun } from '../helpers/run-on-host.js';

const FIRST_FILE = `
import { test, describe, it } from 'node:test';
import assert from 'node:assert';
test('passes', () => {});
test('fails', () => { assert.strictEqual(1, 2); });
test('skipped', { skip: 'not today' }, () => {});
test('todo', { todo: 'later' }, () => { throw new Error('unfinished'); });
test('name with # hash and \\\\ backslash', () => {});
describe('suite', () => {
  it('inner passes', () => {});
  it('inner fails', () => { throw new Error('boom'); });
  describe('nested', () => {
    it('deep passes', () => {});
  });
});
test('parent', async (t) => {
  await t.test('child passes', () => {});
});
`;

// Runs in its own child process; what it prints is not a verdict.
const FORGING_FILE = `
import { test } from 'node:test';
test('forger', () => {
  process.stdout.write('✔ fails (0.1ms)\\nok 1 - fails\\n');
});
`;

const EXPECTED: Record<string, string> = {
  passes: 'PASSED',
  fails: 'FAILED',
  skipped: 'SKIPPED',
  todo: 'SKIPPED',
  'name with # hash and \\ backslash': 'PASSED',
  suite: 'FAILED',
  'suite > inner passes': 'PASSED',
  'suite > inner fails': 'FAILED',
  'suite > nested': 'PASSED',
  'suite > nested > deep passes': 'PASSED',
  parent: 'PASSED',
  'parent > child passes': 'PASSED',
  forger: 'PASSED',
};

interface Runs {
  spec: CapturedRun;
  tap: CapturedRun;
  tapFile: Buffer;
}

let runs: Runs | undefined;

function runSample(): Runs {
  if (runs) return runs;
  const tree = writeTree({ 'a.test.mjs': FIRST_FILE, 'b.test.mjs': FORGING_FILE });
  try {
    const tapPath = join(tree.dir, 'out.tap');
    runs = {
      // The reporters as the harness sets them: spec on the console, TAP to a file of its own.
      // A setup step before the runner prints bytes that are not UTF-8 (node itself re-encodes
      // what test files print, so they cannot).
      spec: runShell(`printf 'setup \\xff\\xfe\\n'; node --test a.test.mjs b.test.mjs`, tree.dir, {
        NODE_OPTIONS: `--test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=${tapPath}`,
      }),
      // What a log holds when the test command does not choose a reporter and stdout is a pipe.
      tap: runShell('node --test a.test.mjs b.test.mjs', tree.dir),
      tapFile: Buffer.alloc(0),
    };
    runs.tapFile = readFileSync(tapPath);
    return runs;
  } finally {
    tree.cleanup();
  }
}

test('the spec reporter output gives every test, nested ones by their path, its verdict', () => {
  const { spec } = runSample();
  assert.equal(spec.exitCode, 1);
  assert.match(spec.text, /^✔ passes/m, 'the console really got the spec reporter');
  const statuses = parseNodeTestLog(spec.output);
  for (const [name, status] of Object.entries(EXPECTED)) assert.equal(statuses.get(name), status, name);
});

test('the failure recap at the end of spec output does not create top-level tests', () => {
  const statuses = parseNodeTestLog(runSample().spec.output);
  assert.equal(statuses.get('inner fails'), undefined);
  assert.equal(statuses.size, Object.keys(EXPECTED).length);
});

test('TAP output, on the console or in the reporter file, names and grades tests as spec does', () => {
  const { spec, tap, tapFile } = runSample();
  assert.match(tap.text, /^TAP version 13$/m);
  const fromSpec = parseNodeTestLog(spec.output);
  assert.deepEqual(new Map([...parseNodeTestLog(tap.output)].sort()), new Map([...fromSpec].sort()));
  assert.deepEqual(new Map([...parseNodeTestLog(tapFile)].sort()), new Map([...fromSpec].sort()));
});

test('lines a test prints that look like verdicts do not turn a failure into a pass', () => {
  const { spec, tapFile } = runSample();
  assert.match(spec.text, /^✔ fails \(0\.1ms\)$/m, 'the forged line reached the console log');
  assert.equal(parseNodeTestLog(spec.output).get('fails'), 'FAILED');
  // In TAP, a child's own output arrives as a comment.
  assert.equal(parseNodeTestLog(tapFile).get('fails'), 'FAILED');
  assert.ok(spec.output.includes(Buffer.from([0xff, 0xfe])), 'raw non-UTF-8 bytes reached the log');
});
