/**
 * SWE-bench's sympy parser on a log shaped like sympy's own runner's (`bin/test -C --verbose`),
 * which is not installed here: one line per test, a `[OK]`/`[FAIL]` tag closing each file, and a
 * traceback header per failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweBenchSympyLog } from '../../../src/eval/log-parsers/index.js';
import { gradeLog, instanceWith } from '../helpers/swebench-grading.js';

const LOG = `============================= test process starts ==============================
executable:         /opt/miniconda3/envs/testbed/bin/python  (3.9.19-final-0) [CPython]
architecture:       64-bit
cache:              no
ground types:       python 
numpy:              None
random seed:        94630510
hash randomization: on (PYTHONHASHSEED=3255623807)

sympy/physics/quantum/tests/test_dagger.py[4] 
test_scalars ok
test_matrix ok
test_numpy_dagger numpy not installed. s
test_eval_adjoint ok                                                        [OK]

sympy/codegen/tests/test_rewriting.py[4] 
test_log2_opt ok
test_create_expand_pow_optimization F
test_raises E
test_last_in_file ok                                                      [FAIL]


________________________________________________________________________________
__ sympy/codegen/tests/test_rewriting.py:test_create_expand_pow_optimization ___
Traceback (most recent call last):
  File "/testbed/sympy/codegen/tests/test_rewriting.py", line 269, in test_create_expand_pow_optimization
    assert cc(-x**4) == '-(x*x*x*x)'
AssertionError
________________________________________________________________________________
______________ sympy/codegen/tests/test_rewriting.py:test_raises _______________
ValueError: nope

 tests finished: 5 passed, 1 failed, 1 skipped, 1 exceptions, in 0.32 seconds 
DO *NOT* COMMIT!
`;

test('sympy: `name ok|F|E` lines and traceback headers; a line closed by a file tag is not read', () => {
  assert.deepEqual(Object.fromEntries(parseSweBenchSympyLog(LOG)), {
    'sympy/codegen/tests/test_rewriting.py:test_create_expand_pow_optimization': 'FAILED',
    'sympy/codegen/tests/test_rewriting.py:test_raises': 'FAILED',
    test_scalars: 'PASSED',
    test_matrix: 'PASSED',
    test_log2_opt: 'PASSED',
    test_create_expand_pow_optimization: 'FAILED',
    test_raises: 'ERROR',
  });
});

test('grading a sympy log: skips and the tagged last tests are missing, as SWE-bench has them', () => {
  const grade = (FAIL_TO_PASS: string[]) => gradeLog(LOG, 'swebench-sympy', instanceWith({ FAIL_TO_PASS }, 'sympy/sympy'), { exitCode: 1 }).grade.resolved;
  assert.equal(grade(['test_scalars', 'test_log2_opt']), true);
  assert.equal(grade(['test_eval_adjoint']), false);
  assert.equal(grade(['test_numpy_dagger']), false);
  assert.equal(grade(['test_create_expand_pow_optimization']), false);
});

test('a sympy run that exits non-zero with nothing failed in its log has no results', () => {
  const clean = LOG.replace(/^test_create.*\n|^test_raises E\n|^_.*\n|^__ .*\n/gm, '');
  const verdict = gradeLog(clean, 'swebench-sympy', instanceWith({ FAIL_TO_PASS: ['test_scalars'] }, 'sympy/sympy'), { exitCode: 1 });
  assert.equal(verdict.found, false);
  assert.match(verdict.reason!, /exited with 1 but no test failed/);
});
