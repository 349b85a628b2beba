/**
 * One candidate task, from its seed to a verdict. `draftCandidate` plans a package, picks the bug
 * site(s) and renders every variant the probe must run (working, buggy, and for two-site bugs the
 * state after each single edit). `judgeCandidate` reads the probe's results as SWE-smith does: a
 * bug that breaks no test is dropped; the tests it breaks become FAIL_TO_PASS (the test patch adds
 * them), the others stay in the repository as PASS_TO_PASS.
 */
import { transformSite, type BugKind } from './bugs/bug-kinds.js';
import { plainText, renderMarkup, type SiteNode } from './code/markup.js';
import { pyLiteral } from './code/python-values.js';
import { editBetween, type StrReplaceEdit } from './edits.js';
import type { CallOutcome, ProbeRequest, ProbeResults, VariantOutcome } from './probe/probe.js';
import { distractorFiles, packageInitFiles } from './package/distractors.js';
import { functionAt, markModule, type MarkedModule } from './package/modules.js';
import { planPackage, type PackagePlan, type Tier } from './package/plan.js';
import { argumentTuple, renderTestFile, testCases, testFileOf, type TestCaseRef } from './package/test-files.js';
import { writeProblemStatement, type Outcome, type SymptomExample } from './problem-statement.js';
import { Random } from './random.js';
import type { BuiltFunction } from './recipes/index.js';
import type { Domain } from './templates/domains.js';

export interface ChosenSite {
  marked: MarkedModule;
  site: SiteNode;
  fn: BuiltFunction;
  kind: BugKind;
  original: string;
  replacement: string;
  /** Line of the site in the working file. */
  workingLine: number;
}

export interface CandidateDraft {
  index: number;
  instanceId: string;
  plan: PackagePlan;
  marked: MarkedModule[];
  /** In the order the fix edits them: by file, then line. */
  sites: ChosenSite[];
  /** Module files of each variant: `working`, `buggy`, then `after-edit-<n>` for two-site bugs. */
  variants: Map<string, Map<string, string>>;
  /** `__init__.py` files and everything else that is not a module with functions. */
  packageFiles: Map<string, string>;
  cases: TestCaseRef[];
  random: Random;
}

export type DropReason =
  | 'no_site'
  | 'template_error'
  | 'breaks_import'
  | 'hangs'
  | 'no_test_breaks'
  | 'symptom_not_visible'
  | 'one_edit_suffices'
  | 'fail_to_pass_passed_before'
  | 'gold_patch_does_not_resolve'
  | 'pass_to_pass_failed_before'
  | 'one_edit_resolves';

export const DROP_REASONS: Record<DropReason, string> = {
  no_site: 'the planned package has too few lines for this bug kind',
  template_error: 'the working code failed a case (a generator bug)',
  breaks_import: 'the bug stops the package from importing',
  hangs: 'the bug makes a call run forever',
  no_test_breaks: 'the bug breaks no test (SWE-smith keeps only bugs that do)',
  symptom_not_visible: 'the function the problem describes still passes its tests',
  one_edit_suffices: 'a two-edit task that one edit already fixes (probe)',
  fail_to_pass_passed_before: 'validation: a FAIL_TO_PASS test passed before the gold patch',
  gold_patch_does_not_resolve: 'validation: the gold patch does not resolve the task',
  pass_to_pass_failed_before: 'validation: a PASS_TO_PASS test failed before the gold patch',
  one_edit_resolves: 'validation: a single edit of a two-edit fix resolves the task',
};

export interface TaskFiles {
  base: Map<string, string>;
  fixed: Map<string, string>;
  tested: Map<string, string>;
  /** Base files with only edit n applied (two-edit tasks), for checking both edits are needed. */
  singleEdits: Array<Map<string, string>>;
}

export interface JudgedTask {
  draft: CandidateDraft;
  files: TaskFiles;
  failToPass: string[];
  passToPass: string[];
  problemStatement: string;
  edits: StrReplaceEdit[];
  examples: SymptomExample[];
  /** Test files the test patch touches that exist at the base commit. */
  visibleTestFiles: string[];
  testPatchFiles: string[];
  reproduce: { command: string; expectedOutput: string; actualOutput: string };
}

export type Judgement = { accepted: true; task: JudgedTask } | { accepted: false; reason: DropReason; detail: string };

export interface CandidateSpec {
  seed: number;
  split: string;
  tier: Tier;
  index: number;
  domain: Domain;
  bugKind: BugKind;
  instanceId: string;
}

function renderAll(marked: readonly MarkedModule[], replacements: ReadonlyMap<MarkedModule, ReadonlyMap<number, string>>): Map<string, string> {
  const files = new Map<string, string>();
  for (const module of marked) files.set(module.module.path, renderMarkup(module.parsed, replacements.get(module) ?? new Map()).text);
  return files;
}

function replacementsFor(sites: readonly ChosenSite[]): Map<MarkedModule, Map<number, string>> {
  const map = new Map<MarkedModule, Map<number, string>>();
  for (const chosen of sites) {
    if (!map.has(chosen.marked)) map.set(chosen.marked, new Map());
    map.get(chosen.marked)!.set(chosen.site.index, chosen.replacement);
  }
  return map;
}

/** Plans the package and picks the bug; undefined when this candidate's choices leave no site. */
export function draftCandidate(spec: CandidateSpec): CandidateDraft | undefined {
  const random = new Random('swe-srl tasks', spec.seed, spec.split, spec.tier, spec.index);
  const plan = planPackage(random.fork('plan'), spec.domain, spec.tier, spec.bugKind);
  if (!plan) return undefined;
  const layout = random.fork('layout');
  const marked = plan.modules.map((module) => markModule(plan, module, layout));

  // Candidate sites: in a target function, accepting the kind, one per line.
  const byLine = new Map<string, ChosenSite[]>();
  for (const module of marked) {
    const working = renderMarkup(module.parsed);
    for (const site of module.parsed.sites) {
      if (!site.kinds.includes(plan.bugKind)) continue;
      const fn = functionAt(module, site.offset);
      if (!plan.targets.includes(fn)) continue;
      const line = working.siteLines.get(site.index)!;
      const key = `${module.module.path}:${line}`;
      const original = plainText(site.body);
      const alternative = site.alternative ? plainText(site.alternative) : undefined;
      const replacement = transformSite(plan.bugKind, original, alternative, random.fork(`site:${key}:${site.index}`));
      if (!byLine.has(key)) byLine.set(key, []);
      byLine.get(key)!.push({ marked: module, site, fn, kind: plan.bugKind, original, replacement, workingLine: line });
    }
  }
  const lines = random.shuffle([...byLine.keys()].sort());
  if (lines.length < plan.siteCount) return undefined;
  const sites = lines
    .slice(0, plan.siteCount)
    .map((key) => random.pick(byLine.get(key)!))
    .sort((a, b) => (a.marked.module.path === b.marked.module.path ? a.workingLine - b.workingLine : a.marked.module.path < b.marked.module.path ? -1 : 1));

  const variants = new Map<string, Map<string, string>>();
  variants.set('working', renderAll(marked, new Map()));
  variants.set('buggy', renderAll(marked, replacementsFor(sites)));
  if (sites.length > 1) {
    sites.forEach((_, fixed) => variants.set(`after-edit-${fixed + 1}`, renderAll(marked, replacementsFor(sites.filter((__, other) => other !== fixed)))));
  }
  return {
    index: spec.index,
    instanceId: spec.instanceId,
    plan,
    marked,
    sites,
    variants,
    packageFiles: packageInitFiles(plan, random.fork('init')),
    cases: testCases(plan),
    random,
  };
}

export function probeRequestOf(draft: CandidateDraft): ProbeRequest {
  const variants: Record<string, Record<string, string>> = {};
  for (const [name, files] of draft.variants) variants[name] = Object.fromEntries([...draft.packageFiles, ...files]);
  return {
    id: draft.instanceId,
    variants,
    order: [...draft.variants.keys()],
    calls: draft.cases.map((ref) => ({ id: ref.callId, module: ref.module.dotted, function: ref.fn.name, args: argumentTuple(ref.case) })),
  };
}

function callsOf(outcome: VariantOutcome | undefined): Record<string, CallOutcome> | undefined {
  return outcome && 'calls' in outcome ? outcome.calls : undefined;
}

function outcomeOf(call: CallOutcome): Outcome {
  return call.ok && call.repr !== undefined ? { repr: call.repr, str: call.str ?? call.repr } : { error: call.error ?? 'error' };
}

function drop(reason: DropReason, detail: string): Judgement {
  return { accepted: false, reason, detail };
}

/** Shell command that prints what the example call returns, for the teacher to reproduce with. */
function reproduceCommand(example: SymptomExample): string {
  const args = example.args.map(pyLiteral).join(', ');
  const script = `from ${example.module.dotted} import ${example.fn.name}; print(${example.fn.name}(${args}))`;
  return `python3 -c '${script.replaceAll("'", `'\\''`)}'`;
}

export function judgeCandidate(draft: CandidateDraft, results: ProbeResults): Judgement {
  const outcomes = results[draft.instanceId] ?? {};
  const buggyOutcome = outcomes.buggy;
  // The probe's interpreter itself did not finish (every variant reports the same crash).
  if (buggyOutcome && 'crashed' in buggyOutcome && /past \d+ s/.test(buggyOutcome.crashed)) return drop('hangs', buggyOutcome.crashed);
  const working = callsOf(outcomes.working);
  if (!working) return drop('template_error', `the working code did not run: ${JSON.stringify(outcomes.working ?? 'no result')}`);
  for (const ref of draft.cases) {
    const call = working[ref.callId];
    if (!call?.ok || !call.roundtrips) return drop('template_error', `${ref.callId}: ${call?.error ?? 'no literal for the value'}`);
  }
  const buggy = callsOf(buggyOutcome);
  if (!buggy) return drop('breaks_import', `the buggy code did not run: ${JSON.stringify(buggyOutcome ?? 'no result')}`);
  const failing = (calls: Record<string, CallOutcome>) => draft.cases.filter((ref) => calls[ref.callId]?.passes !== true);
  if (Object.values(buggy).some((call) => call.timeout)) return drop('hangs', 'a call timed out on the buggy code');
  if (Object.values(buggy).some((call) => /^(ImportError|SyntaxError|ModuleNotFoundError|IndentationError|NameError)\b/.test(call.error ?? ''))) {
    return drop('breaks_import', 'the buggy package does not import');
  }
  const broken = failing(buggy);
  if (broken.length === 0) return drop('no_test_breaks', 'every test passes on the buggy code');
  const plan = draft.plan;
  const symptomBroken = broken.filter((ref) => ref.fn === plan.symptom);
  if (symptomBroken.length === 0) return drop('symptom_not_visible', `${plan.symptom.name} passes all its cases`);
  const afterEdits = draft.sites.length > 1 ? draft.sites.map((_, index) => callsOf(outcomes[`after-edit-${index + 1}`])) : [];
  for (const [index, calls] of afterEdits.entries()) {
    if (!calls || failing(calls).length === 0) return drop('one_edit_suffices', `edit ${index + 1} alone makes every test pass`);
  }

  const expected = new Map(draft.cases.map((ref) => [ref.callId, working[ref.callId]!.literal!]));
  const hidden = new Set(broken.map((ref) => ref.callId));
  const all = new Set(draft.cases.map((ref) => ref.callId));
  const visible = new Set([...all].filter((id) => !hidden.has(id)));

  // Files: buggy modules, tests without the broken cases, and the package's other files.
  const common = new Map([...draft.packageFiles, ...distractorFiles(plan, draft.random.fork('distractors'))]);
  const testFiles = (included: ReadonlySet<string>) => {
    const files = new Map<string, string>();
    for (const module of plan.modules) {
      const text = renderTestFile(plan, module, included, expected);
      if (text !== undefined) files.set(testFileOf(plan, module), text);
    }
    return files;
  };
  const base = new Map([...common, ...draft.variants.get('buggy')!, ...testFiles(visible)]);
  const fixed = new Map([...base, ...draft.variants.get('working')!]);
  const tested = new Map([...base, ...testFiles(all)]);
  const singleEdits = draft.sites.length > 1 ? draft.sites.map((_, index) => new Map([...base, ...draft.variants.get(`after-edit-${index + 1}`)!])) : [];

  // One str_replace per site, in order: each state is the buggy code with the sites so far fixed.
  const edits: StrReplaceEdit[] = [];
  draft.sites.forEach((site, index) => {
    const path = site.marked.module.path;
    const remainingBefore = draft.sites.slice(index);
    const remainingAfter = draft.sites.slice(index + 1);
    const before = renderMarkup(site.marked.parsed, replacementsFor(remainingBefore).get(site.marked) ?? new Map()).text;
    const after = renderMarkup(site.marked.parsed, replacementsFor(remainingAfter).get(site.marked) ?? new Map()).text;
    edits.push(editBetween(path, before, after));
  });

  const testPatchFiles = [...new Set(broken.map((ref) => ref.file))].sort();
  const passToPass = draft.cases.filter((ref) => visible.has(ref.callId) && testPatchFiles.includes(ref.file)).map((ref) => ref.testId);
  const failToPass = broken.map((ref) => ref.testId);

  // The example: the symptom's shortest failing case; for two edits, also one still failing after the first.
  const length = (ref: TestCaseRef) => argumentTuple(ref.case).length;
  const exampleOf = (ref: TestCaseRef, calls: Record<string, CallOutcome>): SymptomExample => ({
    fn: ref.fn,
    module: ref.module,
    args: ref.case.args,
    expected: working[ref.callId]!.repr ?? expected.get(ref.callId)!,
    actual: outcomeOf(calls[ref.callId]!),
  });
  const mainRef = [...symptomBroken].sort((a, b) => length(a) - length(b))[0]!;
  const examples = [exampleOf(mainRef, buggy)];
  const afterFirst = afterEdits[0];
  if (afterFirst) {
    const stillBroken = failing(afterFirst).filter((ref) => ref.fn === plan.symptom && ref !== mainRef);
    if (stillBroken.length > 0) examples.push(exampleOf(stillBroken.sort((a, b) => length(a) - length(b))[0]!, buggy));
  }
  const problemStatement = writeProblemStatement(plan, examples, draft.random.fork('problem'));
  const main = examples[0]!;
  const buggyMain = buggy[mainRef.callId]!;
  const workingMain = working[mainRef.callId]!;
  return {
    accepted: true,
    task: {
      draft,
      files: { base, fixed, tested, singleEdits },
      failToPass,
      passToPass,
      problemStatement,
      edits,
      examples,
      visibleTestFiles: testPatchFiles.filter((file) => base.has(file)),
      testPatchFiles,
      reproduce: {
        command: reproduceCommand(main),
        expectedOutput: workingMain.str ?? '',
        actualOutput: buggyMain.ok ? (buggyMain.str ?? '') : (buggyMain.error ?? ''),
      },
    },
  };
}

