/**
 * Test files of a generated package, one per module, in pytest or unittest style. Each case of each
 * function is one test asserting the value the working code returns (the probe's literal). The same
 * file is written twice: with every test (what the test patch brings) and with only the tests the
 * bug does not break (what the repository holds at its base commit).
 */
import { isRecordList, multilineLiteral, pyLiteral, type PyValue } from '../code/python-values.js';
import type { BuiltFunction, FunctionCase } from '../recipes/index.js';
import type { PackagePlan, PlannedModule, TestFramework } from './plan.js';

export interface TestCaseRef {
  module: PlannedModule;
  fn: BuiltFunction;
  case: FunctionCase;
  /** Names the call in probe requests and results. */
  callId: string;
  /** The file holding the test. */
  file: string;
  /** The test's id as the log parser reports it: FAIL_TO_PASS / PASS_TO_PASS entries. */
  testId: string;
}

function camel(name: string): string {
  return name
    .split('_')
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function testFileOf(plan: PackagePlan, module: PlannedModule): string {
  return `${plan.testsDir}/test_${module.dotted.split('.').pop()}.py`;
}

function testIdOf(framework: TestFramework, file: string, fn: BuiltFunction, label: string): string {
  if (framework === 'pytest') return `${file}::test_${fn.name}_${label}`;
  return `${file.replace(/\.py$/, '').replace(/\//g, '.')}.Test${camel(fn.name)}.test_${label}`;
}

/** Every test case of the package, in file order. */
export function testCases(plan: PackagePlan): TestCaseRef[] {
  return plan.modules.flatMap((module) => {
    const file = testFileOf(plan, module);
    return module.functions.flatMap((fn) =>
      fn.cases.map((item) => ({
        module,
        fn,
        case: item,
        callId: `${module.dotted}:${fn.name}:${item.label}`,
        file,
        testId: testIdOf(plan.framework, file, fn, item.label),
      })),
    );
  });
}

/** Python source of a case's argument tuple, for the probe. */
export function argumentTuple(item: FunctionCase): string {
  return `(${item.args.map(pyLiteral).join(', ')},)`;
}

/** `fn(args)` with record lists bound to the parameter's name first (lines for the body, then the call). */
export function callSource(fn: BuiltFunction, args: readonly PyValue[], indent: string): { setup: string[]; call: string } {
  const setup: string[] = [];
  const rendered = args.map((arg, index) => {
    if (!isRecordList(arg)) return pyLiteral(arg);
    const name = fn.params[index] ?? `arg${index}`;
    setup.push(`${indent}${name} = ${multilineLiteral(arg, indent)}`);
    return name;
  });
  return { setup, call: `${fn.name}(${rendered.join(', ')})` };
}

/**
 * The test file for `module` holding `included` of its cases (in case order), with the expected
 * literal of each call.
 */
export function renderTestFile(plan: PackagePlan, module: PlannedModule, included: ReadonlySet<string>, expected: ReadonlyMap<string, string>): string | undefined {
  const cases = testCases(plan).filter((ref) => ref.module === module && included.has(ref.callId));
  if (cases.length === 0) return undefined;
  const imported = [...new Set(cases.map((ref) => ref.fn.name))].sort();
  const expectedOf = (ref: TestCaseRef) => {
    const value = expected.get(ref.callId);
    if (value === undefined) throw new Error(`no expected value for ${ref.callId}`);
    return value;
  };
  const lines: string[] = [];
  if (plan.framework === 'pytest') {
    lines.push(`from ${module.dotted} import ${imported.join(', ')}`);
    for (const ref of cases) {
      const { setup, call } = callSource(ref.fn, ref.case.args, '    ');
      lines.push('', '', `def test_${ref.fn.name}_${ref.case.label}():`, ...setup, `    assert ${call} == ${expectedOf(ref)}`);
    }
  } else {
    lines.push('import unittest', '', `from ${module.dotted} import ${imported.join(', ')}`);
    let currentClass: BuiltFunction | undefined;
    for (const ref of cases) {
      if (ref.fn !== currentClass) {
        currentClass = ref.fn;
        lines.push('', '', `class Test${camel(ref.fn.name)}(unittest.TestCase):`);
      } else {
        lines.push('');
      }
      const { setup, call } = callSource(ref.fn, ref.case.args, '        ');
      lines.push(`    def test_${ref.case.label}(self):`, ...setup, `        self.assertEqual(${call}, ${expectedOf(ref)})`);
    }
    lines.push('', '', 'if __name__ == "__main__":', '    unittest.main()');
  }
  return `${lines.join('\n')}\n`;
}
