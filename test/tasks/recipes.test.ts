import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { BUG_KINDS } from '../../src/tasks/bugs/bug-kinds.js';
import { draftCandidate } from '../../src/tasks/candidate.js';
import { symptomRecipes, TIERS } from '../../src/tasks/package/plan.js';
import { RECIPES } from '../../src/tasks/recipes/index.js';
import { DOMAINS } from '../../src/tasks/templates/domains.js';
import { preferSystemPython } from './helpers/system-python.js';

preferSystemPython();

/** Which of the sources fail to parse as Python, by their key. */
function unparsable(sources: Record<string, string>): string[] {
  const script = 'import ast, json, sys\nbad = []\nfor key, source in json.load(sys.stdin).items():\n    try:\n        ast.parse(source)\n    except SyntaxError as error:\n        bad.append(key + ": " + str(error))\nprint(json.dumps(bad))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(sources) }).toString()) as string[];
}

test('every bug kind can be made in every tier', () => {
  for (const tier of TIERS) for (const kind of BUG_KINDS) assert.ok(symptomRecipes(tier, kind).length > 0, `${tier} ${kind}`);
});

test('every domain, tier and bug kind gives a package whose every variant is valid Python', () => {
  const sources: Record<string, string> = {};
  for (const domain of DOMAINS) {
    for (const tier of TIERS) {
      for (const [k, kind] of BUG_KINDS.entries()) {
        const draft = draftCandidate({ seed: 17, split: 'train', tier, index: k, domain, bugKind: kind, instanceId: `${domain.id}-${tier}-${kind}` });
        assert.ok(draft, `${domain.id} ${tier} ${kind} has a draft`);
        assert.equal(draft.sites.length, tier === 'hard' ? 2 : 1);
        assert.ok(draft.sites.every((site) => site.kind === kind && site.replacement !== site.original));
        for (const [variant, files] of draft.variants) for (const [path, text] of files) sources[`${draft.instanceId}/${variant}/${path}`] = text;
      }
    }
  }
  assert.deepEqual(unparsable(sources), []);
});

test('tiers shape the package: one module in easy, several in medium and hard, namesakes and a symptom above the bug in hard', () => {
  for (const [index, kind] of BUG_KINDS.entries()) {
    const domain = DOMAINS[index % DOMAINS.length]!;
    const draft = (tier: (typeof TIERS)[number]) => draftCandidate({ seed: 5, split: 'train', tier, index, domain, bugKind: kind, instanceId: 'x' })!;
    const easy = draft('easy');
    assert.equal(easy.plan.modules.length, 1);
    assert.deepEqual(easy.plan.targets, [easy.plan.symptom]);
    const medium = draft('medium');
    assert.ok(medium.plan.modules.length >= 3, `${kind}: ${medium.plan.modules.length} modules`);
    const hard = draft('hard');
    assert.ok(hard.plan.modules.length >= 3);
    assert.ok(hard.sites.every((site) => hard.plan.symptom.calls.includes(site.fn)), `${kind}: the bug is one call below the symptom`);
    assert.ok(hard.sites.every((site) => site.fn !== hard.plan.symptom));
    assert.equal(new Set(hard.sites.map((site) => `${site.marked.module.path}:${site.workingLine}`)).size, 2, 'two sites on different lines');
    const siteNames = new Set(hard.sites.map((site) => site.fn.name));
    const namesakeModules = hard.plan.modules.filter((module) => module.kind === 'legacy');
    assert.equal(namesakeModules.length, 1);
    assert.ok([...siteNames].every((name) => namesakeModules[0]!.functions.some((fn) => fn.name === name)), 'a function elsewhere shares each target name');
  }
});

test('names, layout and domain vary with the seed', () => {
  const packages = new Set<string>();
  const functions = new Set<string>();
  const files = new Set<string>();
  for (let seed = 0; seed < 12; seed++) {
    const draft = draftCandidate({ seed, split: 'train', tier: 'medium', index: 0, domain: DOMAINS[seed % DOMAINS.length]!, bugKind: 'off-by-one', instanceId: 'x' })!;
    packages.add(draft.plan.packageName);
    functions.add(draft.plan.symptom.name);
    for (const module of draft.plan.modules) files.add(module.path);
  }
  assert.ok(packages.size >= 8, `${packages.size} package names`);
  assert.ok(functions.size >= 5, `${functions.size} symptom names`);
  assert.ok(files.size >= 20, `${files.size} module paths`);
});

test("each function's descriptive phrase is in its docstring and in what a statement calls its result", () => {
  const seen = new Set<string>();
  for (const domain of DOMAINS) {
    for (const tier of TIERS) {
      for (const [k, kind] of BUG_KINDS.entries()) {
        const draft = draftCandidate({ seed: 3, split: 'train', tier, index: k, domain, bugKind: kind, instanceId: 'x' })!;
        for (const fn of draft.plan.modules.flatMap((module) => module.functions)) {
          seen.add(fn.recipe);
          const docstring = fn.source.split('"""')[1]!;
          assert.ok(docstring.includes(fn.phrase), `${fn.recipe}: "${fn.phrase}" in ${docstring}`);
          assert.ok(fn.resultNoun.includes(fn.phrase), `${fn.recipe}: "${fn.phrase}" in "${fn.resultNoun}"`);
        }
      }
    }
  }
  assert.deepEqual([...seen].sort(), RECIPES.map((recipe) => recipe.id).sort());
});
