import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parsePytestLog } from '../../../src/eval/log-parsers/pytest.js';
import { parseJunitXml, pytestNodeIdToJunitKey, junitKey } from '../../../src/eval/log-parsers/junit-xml.js';
import { PYTEST_BASIC_OUTCOMES } from '../helpers/python-test-samples.js';
import { hostPytestUnavailable, runShell, writeTree, type CapturedRun } from '../helpers/run-on-host.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { baseImageForTests } from '../../helpers/images.js';

// Each test's name says what it does, so the expected verdicts follow from the source below.
const TEST_FILE = `
import pytest, sys

${PYTEST_BASIC_OUTCOMES}
@pytest.mark.parametrize("value", [1, "two words", "a/b::c"])
def test_param(value):
    assert value != 1

class TestGroup:
    def test_method_passes(self):
        pass

    def test_method_fails_but_prints_passed(self):
        print("PASSED tests/test_sample.py::TestGroup::test_method_fails_but_prints_passed")
        assert False

@pytest.fixture
def broken_fixture():
    raise RuntimeError("setup breaks")

def test_setup_error(broken_fixture):
    pass

def test_prints_invalid_utf8():
    sys.stdout.buffer.write(b"bytes \\xff\\xfe\\xc3 not utf-8\\n")
    sys.stdout.flush()
    assert False

def test_fakes_another_verdict():
    # Printed to the real stdout, past pytest's capture, so it lands in the log as a summary line.
    print("\\nPASSED tests/test_sample.py::test_fails", file=sys.__stdout__, flush=True)
`;

const EXPECTED: Record<string, string> = {
  'tests/test_sample.py::test_passes': 'PASSED',
  'tests/test_sample.py::test_fails': 'FAILED',
  'tests/test_sample.py::test_expected_failure': 'PASSED',
  'tests/test_sample.py::test_param[1]': 'FAILED',
  'tests/test_sample.py::test_param[two words]': 'PASSED',
  'tests/test_sample.py::test_param[a/b::c]': 'PASSED',
  'tests/test_sample.py::TestGroup::test_method_passes': 'PASSED',
  'tests/test_sample.py::TestGroup::test_method_fails_but_prints_passed': 'FAILED',
  'tests/test_sample.py::test_setup_error': 'ERROR',
  'tests/test_sample.py::test_prints_invalid_utf8': 'FAILED',
  'tests/test_sample.py::test_fakes_another_verdict': 'PASSED',
};

interface SampleRuns {
  summary: CapturedRun;
  verbose: CapturedRun;
  uncaptured: CapturedRun;
  junitXml: Buffer;
}

let sampleRuns: Promise<SampleRuns> | undefined;

/**
 * Runs pytest where it is: on the host when it has pytest, else in the base image (Debian's
 * python3-pytest) with the sample directory mounted, so CI machines without pytest still test it.
 */
async function pytestRunner(): Promise<(command: string, dir: string, env?: Record<string, string>) => CapturedRun> {
  // SWE_SRL_PYTEST_IN_DOCKER=1 takes the container path even where the host has pytest.
  if (!hostPytestUnavailable() && process.env.SWE_SRL_PYTEST_IN_DOCKER !== '1') return (command, dir, env) => runShell(command, dir, env);
  const image = await baseImageForTests();
  return (command, dir, env = {}) => {
    const variables = Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value.replaceAll(dir, '/work')}`]);
    const docker = ['docker', 'run', '--rm', '--network', 'none', '-v', `${dir}:/work`, '-w', '/work', ...variables, image, 'bash', '-c'];
    return runShell(`${docker.map((word) => `'${word}'`).join(' ')} '${command}'`, dir);
  };
}

// pytest takes about a second to start, so the sample runs once per mode and the tests share it.
function runSample(): Promise<SampleRuns> {
  sampleRuns ??= (async () => {
    const run = await pytestRunner();
    const tree = writeTree({ 'tests/test_sample.py': TEST_FILE, 'tests/__init__.py': '' });
    try {
      const base = 'python3 -m pytest -p no:cacheprovider tests/test_sample.py';
      return {
        summary: run(`${base} -rA`, tree.dir, { PYTEST_ADDOPTS: `--junitxml=${join(tree.dir, 'report.xml')}` }),
        verbose: run(`${base} -v`, tree.dir),
        // -s lets the test's raw bytes through pytest's capture (which would decode them) into the log.
        uncaptured: run(`${base} -rA -s`, tree.dir),
        junitXml: readFileSync(join(tree.dir, 'report.xml')),
      };
    } finally {
      tree.cleanup();
    }
  })();
  return sampleRuns;
}

// Skips only when neither the host nor Docker can run pytest.
const skip = hostPytestUnavailable() && (await skipUnlessDocker()) ? 'neither the host nor a Docker engine can run pytest' : false;

test('pytest -rA summary lines give every test its verdict, xfail as a pass', { skip }, async () => {
  const run = (await runSample()).summary;
  assert.equal(run.exitCode, 1);
  const statuses = parsePytestLog(run.output);
  for (const [name, status] of Object.entries(EXPECTED)) assert.equal(statuses.get(name), status, name);
  // A skip summary line names a location, not a test.
  assert.ok(![...statuses.keys()].some((name) => name.startsWith('[')));
});

test('pytest -v progress lines give the same verdicts as the -rA summary', { skip }, async () => {
  const verbose = parsePytestLog((await runSample()).verbose.output);
  for (const [name, status] of Object.entries(EXPECTED)) assert.equal(verbose.get(name), status, name);
  assert.equal(verbose.get('tests/test_sample.py::test_skipped'), 'SKIPPED');
});

test('a printed PASSED line does not override the failure pytest itself reports', { skip }, async () => {
  const run = (await runSample()).summary;
  // The log really holds the forged line, and the real verdict.
  assert.match(run.text, /^PASSED tests\/test_sample\.py::test_fails$/m);
  assert.match(run.text, /^FAILED tests\/test_sample\.py::test_fails/m);
  assert.equal(parsePytestLog(run.output).get('tests/test_sample.py::test_fails'), 'FAILED');
});

test('a log with bytes that are not UTF-8 is parsed, not rejected', { skip }, async () => {
  const run = (await runSample()).uncaptured;
  assert.ok(run.output.includes(Buffer.from([0xff, 0xfe])), 'the log holds the raw bytes');
  const statuses = parsePytestLog(run.output);
  assert.equal(statuses.get('tests/test_sample.py::test_prints_invalid_utf8'), 'FAILED');
  assert.equal(statuses.get('tests/test_sample.py::test_passes'), 'PASSED');
});

test('junit XML verdicts line up with the console verdicts through the node-id mapping', { skip }, async () => {
  const cases = parseJunitXml((await runSample()).junitXml);
  const byKey = new Map(cases.map((c) => [junitKey(c.classname, c.name), c.status]));
  for (const [name, status] of Object.entries(EXPECTED)) {
    assert.equal(byKey.get(pytestNodeIdToJunitKey(name)), status, name);
  }
  assert.equal(byKey.get(pytestNodeIdToJunitKey('tests/test_sample.py::test_skipped')), 'SKIPPED');
  assert.equal(cases.length, Object.keys(EXPECTED).length + 1);
});
