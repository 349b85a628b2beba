/**
 * The Python side of the probe: for each candidate, one fresh interpreter imports each variant of
 * its package in turn (the working code, the buggy code, the code after each single edit; the
 * package's modules are dropped from sys.modules between variants) and calls every test case's
 * function, and reports what came back. The working variant's values become the tests' expected
 * values; the others are compared with them exactly as the tests will compare (`==`), so "this
 * test fails on the buggy code" is decided by Python, not guessed.
 */
export const PROBE_SCRIPT = String.raw`
import ast
import json
import os
import signal
import subprocess
import sys
import tempfile

CALL_SECONDS = 2
CANDIDATE_SECONDS = 120
MARKER = "@@swe-srl-probe@@"


def literal(value):
    """Source text for a value, with double-quoted strings as the test files write them."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(literal(item) for item in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(literal(k) + ": " + literal(v) for k, v in value.items()) + "}"
    raise TypeError("no literal for " + type(value).__name__)


def same_shape(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_shape(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_shape(a[k], b[k]) for k in a)
    return a == b


def on_alarm(*_):
    raise TimeoutError("call timed out")


def call_all(calls, expected):
    import importlib

    results = {}
    for call in calls:
        entry = {}
        try:
            function = getattr(importlib.import_module(call["module"]), call["function"])
            args = ast.literal_eval(call["args"])
            signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
            try:
                value = function(*args)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            entry = {"ok": True, "str": str(value), "repr": repr(value)}
            try:
                text = literal(value)
                entry["literal"] = text
                entry["roundtrips"] = same_shape(ast.literal_eval(text), value)
            except Exception:
                entry["roundtrips"] = False
            if expected is not None and call["id"] in expected:
                entry["passes"] = bool(value == ast.literal_eval(expected[call["id"]]))
        except TimeoutError:
            entry = {"ok": False, "timeout": True, "error": "TimeoutError: call timed out", "passes": False}
        except BaseException as error:
            message = str(error).splitlines()[0] if str(error) else ""
            entry = {"ok": False, "error": type(error).__name__ + (": " + message if message else ""), "passes": False}
        results[call["id"]] = entry
    return results


def child(candidate_path):
    """All variants of one candidate, each imported afresh from its own directory."""
    signal.signal(signal.SIGALRM, on_alarm)
    with open(candidate_path) as handle:
        candidate = json.load(handle)
    work = os.path.dirname(candidate_path)
    outcomes = {}
    expected = None
    for number, name in enumerate(candidate["order"]):
        root = os.path.join(work, "variant-%d" % number)
        packages = set()
        for path, content in candidate["variants"][name].items():
            packages.add(path.split("/")[0])
            target = os.path.join(root, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w") as handle:
                handle.write(content)
        for module in list(sys.modules):
            if module.split(".")[0] in packages:
                del sys.modules[module]
        sys.path.insert(0, root)
        try:
            calls = call_all(candidate["calls"], expected)
        finally:
            sys.path.remove(root)
        outcomes[name] = {"calls": calls}
        if expected is None:
            expected = {k: v["literal"] for k, v in calls.items() if v.get("ok") and v.get("roundtrips")}
    sys.stdout.write("\n" + MARKER + json.dumps(outcomes) + "\n")


def run_candidate(script, candidate):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "candidate.json")
        with open(path, "w") as handle:
            json.dump(candidate, handle)
        try:
            done = subprocess.run(
                [sys.executable, script, "--child", path],
                capture_output=True, text=True, timeout=CANDIDATE_SECONDS, env=env, cwd=work,
            )
        except subprocess.TimeoutExpired:
            return {"crashed": "the candidate ran past %d s" % CANDIDATE_SECONDS}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    return {"crashed": "exit %s: %s" % (done.returncode, done.stderr.strip()[-400:])}


def main(input_path, output_path):
    with open(input_path) as handle:
        request = json.load(handle)
    script = os.path.abspath(__file__)
    output = {}
    for candidate in request["candidates"]:
        outcome = run_candidate(script, candidate)
        # A crash is the candidate's, not one variant's: every variant reports it.
        output[candidate["id"]] = {name: outcome for name in candidate["order"]} if "crashed" in outcome else outcome
    with open(output_path, "w") as handle:
        json.dump(output, handle)


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main(sys.argv[1], sys.argv[2])
`;
