/**
 * The lint gate on Python edits. SWE-agent runs
 * `flake8 --isolated --select=F821,F822,F831,E111,E112,E113,E999,E902` on the edited file and refuses
 * the edit when it introduced new errors. We do the same inside the sandbox: flake8 when the image
 * has it, otherwise Python's own parser, which reports the syntax and indentation errors (E999)
 * that the gate exists to catch. Without python3 in the image the gate lets every edit through.
 */
import type { Sandbox } from '../../sandbox/types.js';
import { runHelper } from '../sandbox-files.js';
import { shellQuote } from '../../util/shell-quote.js';

export interface LintError {
  line: number;
  column: number;
  /** `CODE message`, e.g. `E999 SyntaxError: unmatched ')'`. */
  problem: string;
}

export const FLAKE8_SELECTION = 'F821,F822,F831,E111,E112,E113,E999,E902';

/**
 * Prints flake8-style lines `path:line:col: CODE message`. The fallback parses with
 * `ast.PyCF_ONLY_AST`, as flake8 does, so compiler-stage errors (e.g. `return` outside a function)
 * are not reported as syntax errors.
 */
const LINT_SCRIPT = String.raw`
import ast, importlib.util, subprocess, sys
path = sys.argv[1]
if importlib.util.find_spec("flake8") is not None:
    out = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=${FLAKE8_SELECTION}", path],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sys.stdout.write(out.stdout.decode("utf-8", "replace"))
    sys.exit(0)
try:
    with open(path, "rb") as handle:
        source = handle.read()
    compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
except SyntaxError as error:
    row = error.lineno or 1
    col = error.offset or 1
    print("%s:%d:%d: E999 %s: %s" % (path, row, col, type(error).__name__, error.args[0] if error.args else ""))
except (ValueError, OSError) as error:
    print("%s:1:1: E902 %s: %s" % (path, type(error).__name__, error))
`;

export interface LintRunner {
  /** Lints one Python file inside the sandbox; an empty list when clean or when no Python is there. */
  lint(absolutePath: string): Promise<LintError[]>;
}

export function createPythonLinter(sandbox: Sandbox, timeoutMs: number): LintRunner {
  return {
    async lint(absolutePath) {
      const script = `if command -v python3 >/dev/null 2>&1; then python3 -c ${shellQuote(LINT_SCRIPT)} ${shellQuote(absolutePath)}; fi`;
      const result = await runHelper(sandbox, script, timeoutMs);
      if (result.timedOut) return [];
      return parseLintOutput(result.output);
    },
  };
}

/** Parses flake8's `path:line:col: problem` lines; lines that do not fit are ignored. */
export function parseLintOutput(output: string): LintError[] {
  const errors: LintError[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const separator = line.indexOf(': ');
    if (separator === -1) continue;
    const prefix = line.slice(0, separator).split(':');
    if (prefix.length < 3) continue;
    const lineNumber = Number.parseInt(prefix[prefix.length - 2]!, 10);
    const column = Number.parseInt(prefix[prefix.length - 1]!, 10);
    if (Number.isNaN(lineNumber) || Number.isNaN(column)) continue;
    errors.push({ line: lineNumber, column, problem: line.slice(separator + 2) });
  }
  return errors;
}

/**
 * Keeps only the errors an edit introduced: errors that existed before, moved by the number of
 * lines the edit added, are dropped, and so are errors above the edited lines (SWE-agent's rule).
 * `window` is the 1-based inclusive range of replaced lines; `replacementLineCount` how many replaced them.
 */
export function newLintErrors(
  after: LintError[],
  before: LintError[],
  window: { first: number; last: number },
  replacementLineCount: number,
): LintError[] {
  const linesAdded = replacementLineCount - (window.last - window.first + 1);
  const shifted: LintError[] = [];
  for (const error of before) {
    if (error.line < window.first) shifted.push(error);
    else if (error.line > window.last) shifted.push({ ...error, line: error.line + linesAdded });
  }
  const isOld = (error: LintError) =>
    shifted.some((old) => old.line === error.line && old.column === error.column && old.problem === error.problem);
  return after.filter((error) => !isOld(error) && (before.length === 0 || error.line >= window.first));
}

/** SWE-agent's rendering of lint errors in the observation: `- E999 SyntaxError: …` per line. */
export function formatLintErrors(errors: LintError[]): string {
  return errors.map((error) => `- ${error.problem}`).join('\n');
}
