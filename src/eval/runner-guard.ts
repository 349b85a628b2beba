/**
 * The runner guard: a trusted piece of every Python test run that watches what the patched source
 * files do to the test runner from inside its process. Resetting the runner's own files (conftest,
 * test packages, configuration: see source-only-patch.ts) keeps the patch out of how tests are
 * collected and reported, but a patched module the tests import still runs in the runner's process
 * and could rewrite the runner there (`unittest.TestCase.assertEqual = no-op`, a
 * `pytest_runtest_makereport` hookwrapper registered through the plugin manager, the JUnit file
 * rewritten at exit). The guard is one file loaded before any code of the repository (as
 * `usercustomize`, found first on PYTHONPATH, and by pytest with `-p usercustomize`) and reports to
 * a file in the harness's private directory. "Patched code" below means a frame of a file the patch changed.
 *
 *  - The runner's modules (unittest, _pytest, pytest, pluggy) refuse, and report, an attribute
 *    replaced while patched code is on the call stack.
 *  - An audit hook (PEP 578; Python code cannot remove one) refuses and reports: file access in the
 *    private directory with patched code on the stack; and, called from patched code, the ways to
 *    reach the runner's objects from elsewhere (gc.get_objects and its kin, sys._getframe, frame
 *    attributes of tracebacks and generators, ctypes, tracing hooks), and replacing the code of a
 *    runner function.
 *  - The watched classes (TestCase, TestResult, TestReport, the JUnit writer…) are compared at the
 *    end with how they were before any repository code ran; a method replaced by anything but a
 *    trusted file of the repository (a test, a base conftest) is reported. (Python does not report
 *    class attribute writes as they happen.)
 *  - Under pytest, every plugin registration is checked as it happens and every hook implementation
 *    at the end of the session: one whose code lives in a patched file is reported; and the
 *    end-of-session check writes a line of its own, so a session cut short before it (`os._exit`
 *    after forging) is reported too.
 *
 * Any report makes the whole run untrusted (cross-check.ts): no test passes. What it cannot stop:
 * patched code that writes into the interpreter's memory through a library's ctypes helpers, that
 * runs a subprocess which rewrites files the runner already wrote, or a repository that is itself
 * the test runner (pytest's own), where the guard stands aside and says so.
 */
import { ReadBackLimitError, SandboxFileError } from '../errors.js';
import { singleQuote } from '../util/shell-quote.js';

const GUARD_MODULE = String.raw`"""swe-srl's runner guard, written by its evaluator (src/eval/runner-guard.ts).

PYTEST_DONT_REWRITE: pytest loads this module with -p after Python already has (no rewrite warning).
"""
import os as _os
import sys as _sys
import types as _types

# Classes and modules whose behaviour decides a verdict, and the attributes of each that are watched.
_UNITTEST_CLASSES = {
    'unittest.case': {'TestCase': None, '_Outcome': None},
    'unittest.result': {'TestResult': None},
    'unittest.runner': {'TextTestResult': None, 'TextTestRunner': None},
    'unittest.suite': {'TestSuite': None, 'BaseTestSuite': None},
}
_PYTEST_CLASSES = {
    '_pytest.reports': {'TestReport': None, 'BaseReport': None, 'CollectReport': None},
    '_pytest.runner': {'CallInfo': None},
    '_pytest.junitxml': {'LogXML': None, '_NodeReporter': None},
    '_pytest.terminal': {'TerminalReporter': None},
    '_pytest.python': {'Function': None},
    '_pytest.unittest': {'TestCaseFunction': None},
}


def _install(config):
    import posix

    realpath = _os.path.realpath
    workdir = realpath(config['workdir'])
    untrusted = frozenset(realpath(path) for path in config['untrusted'])
    private = realpath(config['privateDir']) + _os.sep
    report = _os.open(config['report'], _os.O_WRONLY | _os.O_APPEND | _os.O_CREAT, 0o600)
    write = posix.write
    getframe = _sys._getframe
    getcwd = _os.getcwd
    join = _os.path.join
    runner_prefixes = ('unittest', '_pytest', 'pytest', 'pluggy', 'doctest')
    path_events = frozenset(('open', 'os.truncate', 'os.remove', 'os.rename', 'os.replace', 'os.chmod', 'os.link', 'os.symlink', 'os.utime', 'os.listdir', 'os.scandir', 'shutil.rmtree', 'shutil.copyfile', 'shutil.move'))
    # Ways to reach the runner's objects (and ours) from elsewhere than their own code.
    reach_events = frozenset(('gc.get_objects', 'gc.get_referrers', 'gc.get_referents', 'sys._getframe', 'sys._current_frames', 'sys.setprofile', 'sys.settrace', 'sys.addaudithook'))
    frame_attributes = frozenset(('tb_frame', 'gi_frame', 'cr_frame', 'ag_frame', 'f_back'))
    resolved = {}
    state = {'busy': False, 'passive': False, 'emitted': set()}
    snapshots = {}

    def emit(kind, text):
        line = '%s %d %s' % (kind, _os.getpid(), text.replace('\n', ' '))
        if line in state['emitted']:
            return
        state['emitted'].add(line)
        try:
            write(report, (line + '\n').encode('utf-8', 'replace'))
        except OSError:
            pass

    def resolve(name):
        path = resolved.get(name)
        if path is None:
            try:
                path = realpath(join(getcwd(), name))
            except Exception:
                path = name
            resolved[name] = path
        return path

    def untrusted_on_stack(depth, whole_stack):
        frame = getframe(depth)
        while frame is not None:
            path = resolve(frame.f_code.co_filename)
            if path in untrusted:
                return path
            if not whole_stack:
                return None
            frame = frame.f_back
        return None

    def caught(culprit, what):
        emit('tamper', '%s: %s' % (culprit, what))
        return RuntimeError('swe-srl: code under test may not change the test runner or its report (%s)' % what)

    def as_path(value):
        if isinstance(value, bytes):
            value = value.decode('utf-8', 'replace')
        if not isinstance(value, str):
            return None
        try:
            return realpath(join(getcwd(), value))
        except Exception:
            return None

    def hook(event, args):
        if state['busy'] or state['passive']:
            return
        if event in path_events:
            path = as_path(args[0]) if args else None
            if path is None or not (path + _os.sep).startswith(private):
                return
            what, whole = "%s on the harness's private files (%s)" % (event, path), True
        elif event in reach_events or event.startswith('ctypes.'):
            what, whole = 'uses %s' % event, False
        elif event == 'object.__getattr__' and len(args) > 1 and args[1] in frame_attributes:
            what, whole = 'reads %s' % args[1], False
        elif event == 'object.__setattr__' and len(args) > 1 and args[1] == '__code__':
            module = getattr(args[0], '__module__', None)
            if not (isinstance(module, str) and module.split('.')[0] in runner_prefixes):
                return
            what, whole = 'replaces the code of %s.%s' % (module, getattr(args[0], '__qualname__', '?')), True
        else:
            return
        state['busy'] = True
        try:
            # Seen from untrusted_on_stack: 0 is itself, 1 this hook, 2 the code that raised the event.
            culprit = untrusted_on_stack(2, whole)
        finally:
            state['busy'] = False
        if culprit is not None:
            raise caught(culprit, what)

    class GuardedModule(_types.ModuleType):
        """A runner module whose attributes only its own code and trusted code may replace."""

        def __setattr__(self, name, value):
            culprit = None if state['passive'] else untrusted_on_stack(2, True)
            if culprit is not None:
                raise caught(culprit, 'replaces %s.%s' % (self.__name__, name))
            _types.ModuleType.__setattr__(self, name, value)

        def __delattr__(self, name):
            culprit = None if state['passive'] else untrusted_on_stack(2, True)
            if culprit is not None:
                raise caught(culprit, 'deletes %s.%s' % (self.__name__, name))
            _types.ModuleType.__delattr__(self, name)

    def guard_modules(prefixes):
        for name, module in list(_sys.modules.items()):
            if isinstance(module, _types.ModuleType) and type(module) is _types.ModuleType and name.split('.')[0] in prefixes:
                try:
                    module.__class__ = GuardedModule
                except TypeError:
                    pass

    def code_file(value):
        function = getattr(value, '__func__', value)
        function = getattr(function, '__wrapped__', function)
        code = getattr(function, '__code__', None)
        return resolve(code.co_filename) if code is not None else None

    def take_snapshot(table):
        for module_name, classes in table.items():
            module = _sys.modules.get(module_name)
            if module is None:
                continue
            snapshots[(module_name, None)] = {key: value for key, value in vars(module).items() if callable(value)}
            for class_name in classes:
                cls = getattr(module, class_name, None)
                if isinstance(cls, type):
                    snapshots[(module_name, class_name)] = dict(vars(cls))

    def compare_snapshots():
        for (module_name, class_name), before in snapshots.items():
            module = _sys.modules.get(module_name)
            holder = module if class_name is None else getattr(module, class_name, None)
            if holder is None:
                continue
            now = vars(holder)
            for key, value in before.items():
                current = now.get(key)
                if current is value:
                    continue
                where = code_file(current)
                # A trusted file of the repository (a test, a base conftest) may patch the runner; nothing else may.
                if where is not None and where not in untrusted and (where + _os.sep).startswith(workdir + _os.sep):
                    continue
                label = module_name + ('.' + class_name if class_name else '') + '.' + key
                emit('tamper', '%s: %s was replaced during the run' % (where or 'code outside the repository', label))

    def watch_unittest():
        import unittest, unittest.case, unittest.result, unittest.runner, unittest.suite  # noqa: F401
        guard_modules(('unittest',))
        take_snapshot(_UNITTEST_CLASSES)

    def watch_pytest(config):
        import _pytest
        if (resolve(_pytest.__file__) + _os.sep).startswith(workdir + _os.sep):
            # The repository is the runner (pytest's own): its code is both, so the guard stands aside.
            state['passive'] = True
            emit('note', 'the test runner is part of the repository under test; the runner guard stands aside')
            return None
        manager = config.pluginmanager
        session = '%d:%d' % (_os.getpid(), id(config))
        emit('configured', session)
        original_register = manager.register

        def register(plugin, name=None):
            for attribute in dir(plugin):
                if attribute.startswith('pytest_') and code_file(getattr(plugin, attribute, None)) in untrusted:
                    emit('tamper', '%s: registers a pytest plugin (%s)' % (code_file(getattr(plugin, attribute)), name or type(plugin).__name__))
                    break
            return original_register(plugin, name)

        manager.register = register

        def scan():
            for hook_name in dir(manager.hook):
                get = getattr(getattr(manager.hook, hook_name, None), 'get_hookimpls', None)
                if get is None:
                    continue
                for implementation in get():
                    where = code_file(getattr(implementation, 'function', None))
                    if where in untrusted:
                        emit('tamper', '%s: implements the pytest hook %s' % (where, hook_name))
            compare_snapshots()
            emit('scanned', session)

        return scan

    def prepare_pytest():
        guard_modules(('_pytest', 'pytest', 'pluggy'))
        take_snapshot(_PYTEST_CLASSES)

    watch_unittest()
    import atexit
    atexit.register(compare_snapshots)
    _sys.addaudithook(hook)
    return prepare_pytest, watch_pytest


_prepare_pytest = _watch_pytest = None
if _os.environ.get('SWE_SRL_RUNNER_GUARD') == '1':
    import json as _json
    _prepare_pytest, _watch_pytest = _install(_json.loads(_CONFIG))
`;

/**
 * The rest of the one file the guard is: loaded by Python at start-up (as usercustomize, first on
 * PYTHONPATH) and by pytest (with -p usercustomize, before any conftest), so one file holds the
 * guard, its pytest hooks and the chain to any other usercustomize.
 */
const PYTEST_HOOKS_AND_CHAIN = String.raw`
_scans = {}
_prepared = []


def pytest_plugin_registered(plugin, manager):
    # Called as soon as -p registers this module, before any conftest: the runner's modules are loaded.
    if _prepare_pytest is not None and not _prepared:
        _prepared.append(True)
        _prepare_pytest()


def pytest_configure(config):
    if _watch_pytest is not None:
        scan = _watch_pytest(config)
        if scan is not None:
            _scans[id(config)] = scan


def pytest_unconfigure(config):
    scan = _scans.pop(id(config), None)
    if scan is not None:
        scan()


def _swe_srl_chain():
    import importlib.machinery, importlib.util
    here = _os.path.dirname(_os.path.abspath(__file__))
    entries = [_os.path.abspath(p or '.') for p in _sys.path]
    rest = _sys.path[entries.index(here) + 1:] if here in entries else []
    spec = importlib.machinery.PathFinder.find_spec('usercustomize', rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


_swe_srl_chain()
`;

export interface RunnerGuardSetup {
  files: Array<{ path: string; content: string }>;
  /** Shell statements for the test command's subshell. */
  shell: string;
  reportPath: string;
}

/**
 * The guard's files and environment for one run: `untrusted` are the files the patch changed that
 * the tests may import (absolute paths in the sandbox), `privateDir` the harness's directory.
 */
export function prepareRunnerGuard(privateDir: string, workdir: string, untrusted: readonly string[], runner: 'pytest' | 'python'): RunnerGuardSetup {
  // The private directory itself goes on PYTHONPATH: it holds no other Python module.
  const guardDir = privateDir;
  const reportPath = `${privateDir}/runner-guard.log`;
  const config = JSON.stringify({ workdir, untrusted, privateDir, report: reportPath });
  const statements = [
    `export PYTHONPATH=${singleQuote(guardDir)}"\${PYTHONPATH:+:$PYTHONPATH}"`,
    'export SWE_SRL_RUNNER_GUARD=1',
  ];
  if (runner === 'pytest') statements.push(`export PYTEST_ADDOPTS="\${PYTEST_ADDOPTS:+$PYTEST_ADDOPTS }-p usercustomize"`);
  // One file, so a run costs one write more: the configuration travels inside it, as a Python string.
  const module = GUARD_MODULE.replace('import types as _types\n', `import types as _types\n\n_CONFIG = ${JSON.stringify(config)}\n`);
  return {
    files: [{ path: `${guardDir}/usercustomize.py`, content: module + PYTEST_HOOKS_AND_CHAIN }],
    shell: statements.join('; '),
    reportPath,
  };
}

/** What the guard saw: tampering lines, and pytest sessions whose end-of-run check never ran. */
export interface GuardFindings {
  tampering: string[];
  notes: string[];
}

export function parseGuardReport(text: string): GuardFindings {
  const tampering: string[] = [];
  const notes: string[] = [];
  const configured = new Set<string>();
  const scanned = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^(tamper|note|configured|scanned) (\d+) (.*)$/.exec(line);
    if (!match) continue;
    const [, kind, , rest] = match;
    if (kind === 'tamper') tampering.push(rest!);
    else if (kind === 'note') notes.push(rest!);
    else if (kind === 'configured') configured.add(rest!);
    else scanned.add(rest!);
  }
  const cutShort = [...configured].filter((session) => !scanned.has(session));
  if (cutShort.length > 0) tampering.push(`a pytest session ended before the runner guard's end-of-run check (${cutShort.length} session(s)): something cut it short`);
  return { tampering: [...new Set(tampering)], notes: [...new Set(notes)] };
}

/** Reads the guard's report back (bounded: the code under test may have inflated it too); none written is nothing seen. */
export async function readGuardFindings(readFile: (path: string) => Promise<Buffer>, setup: RunnerGuardSetup): Promise<GuardFindings> {
  let content: Buffer;
  try {
    content = await readFile(setup.reportPath);
  } catch (error) {
    if (error instanceof SandboxFileError && !(error instanceof ReadBackLimitError) && error.reason === 'no such file') return { tampering: [], notes: [] };
    throw error;
  }
  return parseGuardReport(content.toString('utf8'));
}
