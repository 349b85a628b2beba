/**
 * pydicom-1458 and sqlfluff-2386 of ../shared/data/sweagent/swe-bench-dev-easy.json, graded as
 * SWE-bench grades them, on logs pytest writes for test files made to have their FAIL_TO_PASS and
 * PASS_TO_PASS ids (their sources are not needed). Both instances list ids SWE-bench's parser cut
 * at a space (`test_unpack[` for the parameter b' ', `test_content_count[\n` for a docstring
 * snippet); pydicom's also hold absolute paths of the machine that recorded them.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInstances, type Instance } from '../../src/eval/instances.js';
import { SWEBENCH_REPO_PARSERS } from '../../src/eval/log-parsers/index.js';
import { hostPytestUnavailable, runShell, writeTree } from './helpers/run-on-host.js';
import { evidenceFrom, gradeLog } from './helpers/swebench-grading.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { testDirectives } from '../../src/eval/patch-files.js';

const SHARED = ['sweagent', 'swe-bench-dev-easy.json'] as const;
const skip = skipUnlessShared(...SHARED) || hostPytestUnavailable();

/** Python's unicode_escape decoding: what pytest escaped into an id (`\x00`, `\n`, `\\`) back to characters. */
function unescapePytestId(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\\nrt'"])/g, (_, code: string) => {
    if (code.startsWith('x') || code.startsWith('u') || code.startsWith('U')) return String.fromCodePoint(Number.parseInt(code.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[code] ?? code;
  });
}

interface TestFunction {
  /** The ids pytest must print in the brackets, as it escapes them; none for a plain test. */
  params: string[];
}

/**
 * Python test files whose node ids, as pytest prints them, are `ids`. An id cut inside its
 * parameters (SWE-bench's parser stored it up to a space) gets a parameter that continues after a
 * space, so pytest prints an id whose first token is the cut id.
 */
function testFilesFor(ids: string[]): Record<string, string> {
  const files = new Map<string, Map<string, Map<string, TestFunction>>>();
  for (const id of ids) {
    const [path, ...names] = id.split('::');
    const last = names.pop()!;
    const bracket = last.indexOf('[');
    const name = bracket === -1 ? last : last.slice(0, bracket);
    const cls = names.join('::');
    const classes = files.get(path!) ?? new Map<string, Map<string, TestFunction>>();
    files.set(path!, classes);
    const functions = classes.get(cls) ?? new Map<string, TestFunction>();
    classes.set(cls, functions);
    const fn = functions.get(name) ?? { params: [] };
    functions.set(name, fn);
    if (bracket !== -1) {
      const param = last.slice(bracket + 1);
      fn.params.push(param.endsWith(']') ? param.slice(0, -1) : `${param} continued-after-a-space`);
    }
  }
  const sources: Record<string, string> = { 'pytest.ini': '[pytest]\n' };
  for (const [path, classes] of files) {
    const lines = ['import pytest', ''];
    for (const [cls, functions] of classes) {
      const indent = cls === '' ? '' : '    ';
      if (cls !== '') lines.push(`class ${cls}:`);
      for (const [name, fn] of functions) {
        const self = cls === '' ? '' : 'self, ';
        if (fn.params.length === 0) {
          lines.push(`${indent}def ${name}(${self.replace(', ', '')}):`, `${indent}    pass`, '');
          continue;
        }
        const ids = fn.params.map((param) => JSON.stringify(unescapePytestId(param)));
        lines.push(`${indent}@pytest.mark.parametrize("case", range(${fn.params.length}), ids=[${ids.join(', ')}])`, `${indent}def ${name}(${self}case):`, `${indent}    pass`, '');
      }
    }
    sources[path] = `${lines.join('\n')}\n`;
  }
  return sources;
}

let instances: Instance[] = [];
before(async () => {
  if (skip) return;
  instances = await loadInstances(sharedDataPath(...SHARED)!);
});

for (const instanceId of ['pydicom__pydicom-1458', 'sqlfluff__sqlfluff-2386']) {
  test(`${instanceId}'s gold state resolves, as SWE-bench grades it, on a log pytest writes for its ids`, { skip }, (t) => {
    const instance = instances.find((candidate) => candidate.instance_id === instanceId)!;
    const ids = [...instance.FAIL_TO_PASS, ...instance.PASS_TO_PASS];
    const tree = writeTree(testFilesFor(ids));
    t.after(() => tree.cleanup());
    // SWE-bench's command for both repositories (pytest -rA) on the test patch's files.
    const directives = testDirectives(instance.test_patch);
    const run = runShell(`python3 -m pytest -rA -p no:cacheprovider ${directives.join(' ')}`, tree.dir, { PYTEST_ADDOPTS: `--junitxml=${join(tree.dir, 'junit.xml')}` });
    assert.equal(run.exitCode, 0, run.text);
    const parser = SWEBENCH_REPO_PARSERS[instance.repo]!;

    const verdict = gradeLog(run.text, parser, instance, { exitCode: run.exitCode });
    assert.deepEqual(verdict.grade.testsStatus.FAIL_TO_PASS.failure, []);
    assert.deepEqual(verdict.grade.testsStatus.PASS_TO_PASS.failure, []);
    assert.equal(verdict.grade.resolved, true);
    const checked = gradeLog(run.text, parser, instance, { evidence: evidenceFrom(parser, join(tree.dir, 'junit.xml'), run.exitCode) });
    assert.equal(checked.grade.resolved, true, checked.checked.issues.join('\n'));
    assert.deepEqual(checked.checked.issues, []);

    if (parser === 'swebench-pytest-options') {
      // This row's ids hold the recording machine's paths, which SWE-bench compares as listed.
      assert.ok(ids.some((id) => id.includes('[/n/fs/')));
      assert.equal(gradeLog(run.text, parser, instance, { exitCode: 0, policy: { normalizeExpectedIds: false } }).grade.resolved, false);
    }
    // Without the cut-id fallback's prefix rule these could not all resolve: check one is there.
    assert.ok(ids.some((id) => (id.match(/\[/g) ?? []).length > (id.match(/\]/g) ?? []).length), 'the instance lists a cut id');
    // One FAIL_TO_PASS test failing makes it unresolved.
    const broken = run.text.replace(`PASSED ${instance.FAIL_TO_PASS[0]}`, `FAILED ${instance.FAIL_TO_PASS[0]}`);
    assert.equal(gradeLog(broken, parser, instance, { exitCode: 1 }).grade.resolved, false);
  });
}
