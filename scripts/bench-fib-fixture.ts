/**
 * The small pytest repository the evaluation benchmarks run on (a fibonacci with a bug, the fix,
 * a test patch adding FAIL_TO_PASS tests), as `repos/bench__fib` and an environment spec, with N
 * instances on it, each predicting the fix.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { Instance } from '../src/eval/instances.js';
import type { Prediction } from '../src/eval/predictions.js';

const SOURCE = `def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a\n    return a\n`;
const FIXED = SOURCE.replace('a, b = b, a\n', 'a, b = b, a + b\n');
const TESTS = `from fib import fibonacci\n\n\ndef test_zero():\n    assert fibonacci(0) == 0\n`;
const NEW_TESTS = `${TESTS}\n\ndef test_ten():\n    assert fibonacci(10) == 55\n\n\ndef test_twenty():\n    assert fibonacci(20) == 6765\n`;

export interface FibFixture {
  instances: Instance[];
  predictions: Prediction[];
  reposDir: string;
  environmentsDir: string;
  /** The fix, as a patch. */
  fix: string;
}

async function diffOf(repo: string, path: string, content: string): Promise<string> {
  const git = simpleGit(repo);
  await writeFile(join(repo, path), content);
  const patch = await git.raw(['diff']);
  await git.raw(['checkout', '--', path]);
  return patch;
}

export async function createFibFixture(root: string, instanceCount: number): Promise<FibFixture> {
  const reposDir = join(root, 'repos');
  const repo = join(reposDir, 'bench__fib');
  await mkdir(join(repo, 'tests'), { recursive: true });
  await writeFile(join(repo, 'fib.py'), SOURCE);
  await writeFile(join(repo, 'tests', 'test_fib.py'), TESTS);
  await writeFile(join(repo, 'tests', '__init__.py'), '');
  await writeFile(join(repo, '.gitignore'), '__pycache__/\n');
  const git = simpleGit(repo);
  await git.raw(['init', '-q', '-b', 'main']);
  await git.raw(['-c', 'user.name=bench', '-c', 'user.email=bench@swe-srl.invalid', 'add', '-A']);
  await git.raw(['-c', 'user.name=bench', '-c', 'user.email=bench@swe-srl.invalid', 'commit', '-qm', 'base']);
  const commit = (await git.raw(['rev-parse', 'HEAD'])).trim();
  const testPatch = await diffOf(repo, 'tests/test_fib.py', NEW_TESTS);
  const fix = await diffOf(repo, 'fib.py', FIXED);
  const environmentsDir = join(root, 'environments');
  await mkdir(environmentsDir);
  await writeFile(
    join(environmentsDir, 'bench.yaml'),
    'name: bench-fib\nrepo: bench/fib\nenv:\n  PYTEST_ADDOPTS: "-p no:cacheprovider"\ntest_cmd: python3 -m pytest -rA\nlog_parser: pytest\ntimeout: 120\n',
  );
  const instances: Instance[] = Array.from({ length: instanceCount }, (_, index) => ({
    instance_id: `bench__fib-${index + 1}`,
    repo: 'bench/fib',
    base_commit: commit,
    problem_statement: 'fibonacci() is wrong for n > 1',
    patch: fix,
    test_patch: testPatch,
    FAIL_TO_PASS: ['tests/test_fib.py::test_ten', 'tests/test_fib.py::test_twenty'],
    PASS_TO_PASS: ['tests/test_fib.py::test_zero'],
  }));
  const predictions = instances.map((instance) => ({ instance_id: instance.instance_id, model_name_or_path: 'bench', model_patch: fix }));
  return { instances, predictions, reposDir, environmentsDir, fix };
}
