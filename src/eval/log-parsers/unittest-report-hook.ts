/**
 * A `sitecustomize` module the evaluator puts on PYTHONPATH for unittest runs. unittest has no option
 * to write a machine-readable report, so this hook adds one: it wraps the TextTestRunner's result to
 * record each test's outcome, and writes them (atomically, only once the whole run has finished) to
 * the path in SWE_SRL_UNITTEST_REPORT. A project's or distribution's own sitecustomize still runs.
 */
export const UNITTEST_SITECUSTOMIZE = String.raw`# Written by swe-srl's evaluator (src/eval/log-parsers/unittest-report-hook.ts).
import os as _os

def _swe_srl_install(report_path):
    import json, sys, unittest.runner as runner

    original_run = runner.TextTestRunner.run
    original_make_result = runner.TextTestRunner._makeResult
    severity = {'PASSED': 0, 'SKIPPED': 1, 'FAILED': 2, 'ERROR': 3}
    outcomes = {}
    # Also keyed as a verbose runner prints the test (Django's, SWE-bench's key): the docstring's
    # first line when there is one, else str(test).
    described = {}

    def keep_worst(table, name, status):
        previous = table.get(name)
        if previous is None or severity[status] > severity[previous]:
            table[name] = status

    def record(test, status):
        try:
            name = test.id()
        except Exception:
            name = str(test)
        keep_worst(outcomes, name, status)
        try:
            description = test.shortDescription() or str(test)
        except Exception:
            description = str(test)
        keep_worst(described, description, status)

    def make_result(self):
        result = original_make_result(self)
        def wrap(method_name, status_of):
            original = getattr(result, method_name)
            def wrapper(test, *args):
                status = status_of(*args)
                if status is not None:
                    record(test, status)
                return original(test, *args)
            setattr(result, method_name, wrapper)
        wrap('addSuccess', lambda: 'PASSED')
        wrap('addFailure', lambda err: 'FAILED')
        wrap('addError', lambda err: 'ERROR')
        wrap('addSkip', lambda reason: 'SKIPPED')
        wrap('addExpectedFailure', lambda err: 'PASSED')
        wrap('addUnexpectedSuccess', lambda: 'FAILED')
        wrap('addSubTest', lambda subtest, err: None if err is None else ('FAILED' if issubclass(err[0], subtest.failureException) else 'ERROR'))
        return result

    def run(self, test):
        result = original_run(self, test)
        # Written only once the whole run has finished, and atomically: a run cut short leaves no file.
        temporary = report_path + '.partial'
        with open(temporary, 'w', encoding='utf-8') as handle:
            json.dump({'tests': outcomes, 'described': described, 'testsRun': result.testsRun}, handle)
        _os.replace(temporary, report_path)
        return result

    runner.TextTestRunner._makeResult = make_result
    runner.TextTestRunner.run = run

_swe_srl_report = _os.environ.get('SWE_SRL_UNITTEST_REPORT')
if _swe_srl_report:
    try:
        _swe_srl_install(_swe_srl_report)
    except Exception:
        pass

def _swe_srl_chain():
    # Another sitecustomize further down the path (a distribution's, a project's) still runs.
    import importlib.machinery, importlib.util, sys
    here = _os.path.dirname(_os.path.abspath(__file__))
    rest = [p for p in sys.path if _os.path.abspath(p or '.') != here]
    spec = importlib.machinery.PathFinder.find_spec('sitecustomize', rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)

_swe_srl_chain()
`;
