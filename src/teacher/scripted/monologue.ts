/**
 * The scripted teacher's `<think>` monologue: why it takes each step, worded with variety. Each
 * step's text is put together from a few slots (what the last observation showed, what that means,
 * what to do next), each picked from several phrasings by the episode's seeded random source, and
 * filled with the task's own names and the observation's own figures. Two episodes of one task with
 * different seeds read differently; the reasons stay the same.
 */
import type { Random } from '../../tasks/random.js';
import type { TeacherRecord } from '../../tasks/task-records.js';
import type { TestRunOutcome } from './observations.js';

type Site = TeacherRecord['sites'][number];

const code = (text: string) => `\`${text.trim()}\``;

function join(...parts: Array<string | undefined | false>): string {
  return parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join(' ');
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export class Monologue {
  constructor(
    private readonly random: Random,
    private readonly record: TeacherRecord,
  ) {}

  private pick(...variants: string[]): string {
    return this.random.pick(variants);
  }

  private get symptom(): string {
    return code(this.record.symptom.function);
  }

  explore(): string {
    const tierHint =
      this.record.tier === 'easy'
        ? this.pick(`The issue names ${this.symptom} directly, so this should be quick to locate.`, `At least the report points at ${this.symptom} by name.`)
        : this.record.tier === 'medium'
          ? this.pick('The report only describes the symptom, not the function behind it, so I need a picture of the code first.', 'Nothing in the issue says which module is at fault; I have to find that out.')
          : this.pick(`${this.symptom} is where the wrong value shows up, but that does not mean the bug lives there.`, `The symptom surfaces in ${this.symptom}; the cause could sit further down the call chain.`);
    return join(
      this.pick(
        'Before touching anything I want to see how this repository is laid out.',
        'First, a look around the repository: which package, which modules, where the tests live.',
        "Let me get my bearings in the repository before I go after the bug.",
        'I do not know this codebase yet, so I will start by listing what is in it.',
      ),
      tierHint,
    );
  }

  search(query: string, kind: 'symbol' | 'phrase', previousFiles: readonly string[], purpose: 'symptom' | Site): string {
    if (kind === 'phrase') {
      return join(
        this.pick('The issue quotes some wording from the output.', 'There is a distinctive phrase in the report.', 'The report repeats text the package itself produces.'),
        this.pick(`Searching for "${query}" should lead me to the code that builds it.`, `If I grep for "${query}" I should find where that text comes from.`, `"${query}" is a good handle: whatever prints it is close to the bug.`),
      );
    }
    if (purpose === 'symptom') {
      return join(
        previousFiles.length > 0
          ? this.pick(`Among those files, ${list(previousFiles.slice(0, 4).map(code))} look relevant.`, `That gives me the candidate modules (${list(previousFiles.slice(0, 3).map(code))}).`)
          : undefined,
        this.pick(
          `Now I look for ${this.symptom} itself: its definition and who calls it.`,
          `Where is ${this.symptom} defined? A recursive grep will tell me, together with its callers and tests.`,
          `I will search the repository for ${this.symptom} to find its definition.`,
        ),
      );
    }
    const namesake = this.record.namesakes.some((other) => other.function === purpose.function);
    return join(
      this.pick(
        `${this.symptom} hands part of its work to ${code(purpose.function)}, so the wrong value may come from there.`,
        `The code of ${this.symptom} looks plausible on its own; it relies on ${code(purpose.function)}, which I have not read yet.`,
        `Next suspect: ${code(purpose.function)}, which ${this.symptom} calls.`,
      ),
      namesake
        ? this.pick('I have to be careful, since a name like that may be defined more than once.', 'There might be several functions of that name; I need the one actually imported.')
        : this.pick('Let me find its definition.', 'A grep will show where it is defined.'),
    );
  }

  view(file: string, foundIn: readonly string[], definitionLine: number | undefined, purpose: 'symptom' | Site): string {
    const target = purpose === 'symptom' ? this.record.symptom.function : purpose.function;
    const sources = foundIn.filter((path) => path.endsWith('.py') && !/(^|\/)tests?\//.test(path) && !/(^|\/)test_/.test(path));
    const others = this.record.namesakes.filter((other) => other.function === target && other.file !== file).map((other) => other.file);
    const found = join(
      sources.length > 1
        ? this.pick(`The search hits ${list(sources.map(code))}, callers included.`, `${code(target)} appears in ${sources.length} source files: ${list(sources.map(code))}.`)
        : this.pick(`The definition is in ${code(file)}.`, `Only ${code(file)} defines it.`, `Good, ${code(file)} is the place.`),
      definitionLine !== undefined ? this.pick(`Its definition in ${code(file)} starts at line ${definitionLine}.`, `${code(`def ${target}`)} is on line ${definitionLine} of ${code(file)}.`) : undefined,
    );
    const namesakeNote =
      others.length > 0
        ? this.pick(
            `${list(others.map(code))} also has a ${code(target)}, but that one is a different function that only shares the name; the caller imports the one in ${code(file)}.`,
            `Careful: ${list(others.map(code))} defines its own ${code(target)}. The import path of the caller says the one that matters is in ${code(file)}.`,
          )
        : undefined;
    return join(
      found,
      namesakeNote,
      this.pick(`Let me read ${code(file)} to see what ${code(target)} actually does.`, `I will open ${code(file)} and read ${code(target)} closely.`, `Time to read the code of ${code(target)} in ${code(file)}.`),
    );
  }

  reproduce(first: boolean, seen: boolean): string {
    const { expected_output: expected, actual_output: actual } = this.record.reproduce;
    if (first) {
      return join(
        seen
          ? this.pick('I have seen the relevant code now.', 'I have read the code; now the behaviour.', 'Before changing anything, the failure itself.')
          : this.pick('Before reading code, I want to see the failure with my own eyes.', 'First I want to confirm the report.'),
        this.pick(
          `I will run the example from the issue: it should print ${code(expected)}, and the report says it gives ${code(actual)}.`,
          `Let me reproduce the example from the issue; the expected result is ${code(expected)}.`,
          `Running the issue's example tells me whether I see the same wrong result (${code(actual)}) in this checkout.`,
        ),
      );
    }
    return join(
      this.pick('The edit is in.', 'That change is made.', 'The fix is applied.'),
      this.pick(`Running the example again: it should now print ${code(expected)}.`, `Let me rerun the example from the issue and check that it prints ${code(expected)}.`, `The example from the issue should give ${code(expected)} now; let me check.`),
    );
  }

  reproduced(output: string): string {
    const expected = this.record.reproduce.expected_output;
    return output.trim() === expected.trim()
      ? this.pick(`It prints ${code(output)}, which is what the issue expects.`, `Now the output is ${code(output)}, as it should be.`)
      : this.pick(`It prints ${code(output || 'nothing')} instead of ${code(expected)}: the bug is real.`, `I get ${code(output || 'nothing')}, not ${code(expected)}, the same failure the issue reports.`, `Confirmed: the result is ${code(output || 'nothing')} while ${code(expected)} is expected.`);
  }

  edit(site: Site | undefined, editIndex: number, edits: number, reproducedOutput: string | undefined): string {
    const why = site ? this.explainSite(site) : this.pick('This line is what makes the result wrong.', 'Here is the faulty line.');
    const before = editIndex === 0 && reproducedOutput !== undefined ? this.reproduced(reproducedOutput) : undefined;
    const more =
      edits > 1
        ? editIndex === 0
          ? this.pick('This is not the only problem, though: one fix alone will not make every case pass.', 'There is a second fault as well; I will fix this one first.')
          : this.pick('Now the second fault.', 'And the other one, which the first fix alone leaves broken.', 'That leaves the second site.')
        : undefined;
    return join(before, editIndex > 0 ? more : undefined, why, editIndex === 0 ? more : undefined, this.pick('I will replace that line.', 'A one-line str_replace fixes it.', 'Let me make the minimal edit.'));
  }

  private explainSite(site: Site): string {
    const where = `${code(site.function)} (${code(site.file)}, line ${site.line})`;
    const wrong = site.buggy_line === null ? '' : code(site.buggy_line);
    const right = code(site.fixed_line);
    switch (site.bug_kind) {
      case 'flipped-operator':
        return this.pick(`In ${where} the operator is the wrong one: ${wrong} should read ${right}.`, `${where} computes with the opposite operator; ${wrong} must become ${right}.`);
      case 'off-by-one':
        return this.pick(`${where} is off by one: ${wrong} misses the boundary, ${right} includes it correctly.`, `The bound in ${where} is off by one. ${wrong} should be ${right}.`);
      case 'wrong-constant':
        return this.pick(`${where} uses the wrong constant: ${wrong}; the documented behaviour needs ${right}.`, `The constant in ${wrong} (${where}) does not match what the function promises; it should be ${right}.`);
      case 'swapped-arguments':
        return this.pick(`${where} passes its arguments in the wrong order: ${wrong} should be ${right}.`, `The two arguments in ${wrong} are swapped; ${where} needs ${right}.`);
      case 'missing-return':
        return this.pick(`${where} computes its result but never returns it, so the caller gets None; it needs ${right}.`, `There is no return in ${where}: the value is built and then dropped. Adding ${right} fixes it.`);
      case 'inverted-condition':
        return this.pick(`The condition in ${where} is inverted: ${wrong} takes the branch exactly when it should not. It should be ${right}.`, `${wrong} in ${where} tests the opposite of what the docstring says; ${right} is the intended check.`);
      case 'wrong-key':
        return this.pick(`${where} reads the wrong key: ${wrong} should look up ${right}.`, `The dictionary key in ${wrong} (${where}) is not the field this function is about; ${right} is.`);
      case 'wrong-variable':
        return this.pick(`${where} uses the wrong variable: ${wrong} should be ${right}.`, `In ${where}, ${wrong} refers to another variable than the one meant; it should read ${right}.`);
    }
  }

  editResult(observation: string): string | undefined {
    return /has been edited/.test(observation) ? undefined : this.pick('The edit did not apply cleanly.', 'Hmm, the replacement was refused.');
  }

  tests(output: string | undefined): string {
    return join(
      output !== undefined ? this.reproduced(output) : undefined,
      this.pick(
        `The example alone is not enough; let me run the tests of the modules I touched (${code(this.record.test_command)}).`,
        'Next, the existing tests, to check the fix and make sure nothing else broke.',
        'Let me run the relevant test files to see that everything passes.',
      ),
    );
  }

  submit(outcome: TestRunOutcome): string {
    return join(
      outcome.passed
        ? this.pick(`The tests pass (${outcome.summary}).`, `All green: ${outcome.summary}.`, `The test run ends with ${code(outcome.summary)}.`)
        : this.pick(`The test run reports ${code(outcome.summary)}, so not everything passes yet.`, `Not everything passes (${outcome.summary}).`),
      outcome.passed
        ? this.pick('The fix is minimal and the example behaves as the issue expects, so I will submit.', 'I am confident in the change; submitting.', 'Nothing else needs to change. Submitting the patch.')
        : this.pick('I have no better fix than this one; I will submit it and let the evaluation judge.', 'Submitting what I have; the evaluation will say whether it resolves the issue.'),
    );
  }
}
