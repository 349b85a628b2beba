/**
 * Problem statements written the way issues are: a title, the symptom, an example, the expected and
 * the actual value. Never the cause or the fix. The easy and hard tiers name the function the
 * reporter called (in hard, the bug is in something it calls); the medium tier describes only what
 * goes wrong, in the domain's words. Wording is drawn from pools so statements do not share one
 * template a policy could key on.
 */
import { isRecordList, multilineLiteral, pyLiteral, type PyValue } from './code/python-values.js';
import type { PackagePlan, PlannedModule } from './package/plan.js';
import { callSource } from './package/test-files.js';
import type { Random } from './random.js';
import type { BuiltFunction } from './recipes/index.js';

/** What a call gave: its value as Python's repr and str show it, or the exception line. */
export type Outcome = { repr: string; str: string } | { error: string };

export interface SymptomExample {
  fn: BuiltFunction;
  module: PlannedModule;
  args: readonly PyValue[];
  /** The working code's value, as Python's repr shows it. */
  expected: string;
  actual: Outcome;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function actualText(actual: Outcome): string {
  return 'repr' in actual ? `\`${actual.repr}\`` : `an exception: \`${actual.error}\``;
}

/** What `print(...)` shows. */
function printedText(actual: Outcome): string {
  return 'str' in actual ? `\`${actual.str}\`` : `an exception: \`${actual.error}\``;
}

/** The REPL transcript of a call, as reporters paste them. */
function replExample(example: SymptomExample): string {
  const { setup, call } = callSource(example.fn, example.args, '');
  const lines = [`>>> from ${example.module.dotted} import ${example.fn.name}`];
  for (const line of setup) {
    const [first, ...rest] = line.split('\n');
    lines.push(`>>> ${first}`, ...rest.map((more) => `... ${more}`));
  }
  lines.push(`>>> ${call}`);
  if ('repr' in example.actual) lines.push(example.actual.repr);
  else lines.push('Traceback (most recent call last):', '  ...', example.actual.error);
  return ['```python', ...lines, '```'].join('\n');
}

function scriptExample(example: SymptomExample): string {
  const { setup, call } = callSource(example.fn, example.args, '');
  return ['```python', `from ${example.module.dotted} import ${example.fn.name}`, '', ...setup, `print(${call})`, '```'].join('\n');
}

/** The inputs without the call: for statements that must not name the function. */
function inputsWithoutCall(example: SymptomExample, plan: PackagePlan): string {
  const parts: string[] = [];
  example.args.forEach((arg, index) => {
    const name = example.fn.params[index] ?? `argument ${index + 1}`;
    if (isRecordList(arg)) parts.push(`these ${plan.vocabulary.many}:\n\n\`\`\`python\n${multilineLiteral(arg, '')}\n\`\`\``);
    else parts.push(`\`${name}\` = \`${pyLiteral(arg)}\``);
  });
  if (parts.length === 1) return parts[0]!;
  return parts.map((part) => `- ${part}`).join('\n');
}

const EASY_TITLES = ['`{fn}` returns the wrong result', 'Wrong value from `{fn}()`', '`{fn}` gives an unexpected answer', 'Bug in `{module}.{fn}`'];
const ERROR_TITLES = ['`{fn}` raises {errorName}', '{errorName} from `{fn}()`', '`{fn}` crashes on ordinary input'];
const MEDIUM_TITLES = ['{Noun} is wrong', 'Wrong {noun}', 'Incorrect {noun} for some {many}', '{Noun} does not add up'];
const MEDIUM_ERROR_TITLES = ['Computing the {noun} crashes', '{errorName} when asking for the {noun}', 'Cannot get the {noun}'];

const INTROS_NAMED = [
  'I ran into this while using `{fn}`:',
  'Calling `{fn}` from `{module}` gives a result that does not match its docstring.',
  'Here is a small reproduction with `{fn}`.',
  '`{module}.{fn}` misbehaves on this input:',
];
const INTROS_SYMPTOM = [
  'The {noun} that the package computes is not right for {input}',
  'I asked the package for the {noun} of {input}',
  'When I compute the {noun} for {input}',
];
const EXPECT_LINES = [
  'Expected `{expected}`, but got {actual}.',
  'I expected `{expected}` here; it gives {actual} instead.',
  'It should be `{expected}`. The actual result is {actual}.',
  '**Expected:** `{expected}`\n**Actual:** {actual}',
];
const SYMPTOM_RESULTS = ['the result is {actual}, but it should be `{expected}`.', 'I get {actual} instead of `{expected}`.', 'it comes out as {actual}; the right answer is `{expected}`.'];
const CLOSINGS = ['', '', 'Could you take a look?', 'This breaks our nightly report.', 'Happy to provide more examples if needed.', 'Seen on the current main branch.'];
const SECOND_EXAMPLES = ['A second case that looks wrong too:', 'It is not the only input affected:', 'Also:'];

function errorName(outcome: Outcome): string {
  return 'error' in outcome ? outcome.error.split(':')[0]! : '';
}

export function writeProblemStatement(plan: PackagePlan, examples: readonly SymptomExample[], random: Random): string {
  const [main, second] = examples;
  if (!main) throw new Error('a problem statement needs an example');
  const fn = main.fn;
  const values = {
    fn: fn.name,
    module: main.module.dotted,
    noun: fn.resultNoun.replace(/^the /, ''),
    Noun: capitalize(fn.resultNoun.replace(/^the /, '')),
    many: plan.vocabulary.many,
    errorName: errorName(main.actual),
    expected: main.expected,
    actual: actualText(main.actual),
  };
  const parts: string[] = [];
  const crashed = 'error' in main.actual;
  if (plan.tier === 'medium') {
    parts.push(`# ${fill(random.pick(crashed ? MEDIUM_ERROR_TITLES : MEDIUM_TITLES), values)}`);
    const input = inputsWithoutCall(main, plan);
    const intro = fill(random.pick(INTROS_SYMPTOM), { ...values, input: input.includes('\n') ? 'the input below' : input });
    parts.push(input.includes('\n') ? `${intro}:\n\n${input}` : `${intro}.`);
    parts.push(capitalize(fill(random.pick(SYMPTOM_RESULTS), values)));
  } else {
    parts.push(`# ${fill(random.pick(crashed ? ERROR_TITLES : EASY_TITLES), values)}`);
    parts.push(fill(random.pick(INTROS_NAMED), values));
    parts.push(random.chance(0.5) ? replExample(main) : `${scriptExample(main)}\n\n${'error' in main.actual ? 'raises' : 'prints'} ${'error' in main.actual ? `\`${main.actual.error}\`` : printedText(main.actual)}.`);
    parts.push(fill(random.pick(EXPECT_LINES), values));
  }
  if (second) {
    const secondValues = { ...values, expected: second.expected, actual: actualText(second.actual) };
    parts.push(random.pick(SECOND_EXAMPLES));
    parts.push(plan.tier === 'medium' ? `${inputsWithoutCall(second, plan)}\n\n${capitalize(fill(random.pick(SYMPTOM_RESULTS), secondValues))}` : `${replExample(second)}\n\n${fill(random.pick(EXPECT_LINES), secondValues)}`);
  }
  const closing = random.pick(CLOSINGS);
  if (closing) parts.push(closing);
  return `${parts.join('\n\n')}\n`;
}
