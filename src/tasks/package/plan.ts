/**
 * The plan of one generated package: which functions it has (a target with sites for the chosen
 * bug kind, what that target needs, some unrelated functions), which modules hold them, its layout
 * and test framework. Tiers shape the plan:
 *   easy   one module; the symptom is the buggy function itself;
 *   medium several modules; the symptom is the buggy function, described without its name;
 *   hard   the symptom is a function one call above the bug, the bug has two sites, and a module of
 *          deprecated helpers defines functions with the targets' names.
 */
import type { BugKind } from '../bugs/bug-kinds.js';
import { Random } from '../random.js';
import { OVERVIEW_PARTS, RECIPES, LEAF_RECIPES, linesFor, recipeById, siteProfiles, type BuiltFunction, type ModuleRole, type Recipe } from '../recipes/index.js';
import type { Domain } from '../templates/domains.js';
import { chooseVocabulary, type Vocabulary } from '../templates/vocabulary.js';

export const TIERS = ['easy', 'medium', 'hard'] as const;
export type Tier = (typeof TIERS)[number];

export const TEST_FRAMEWORKS = ['pytest', 'unittest'] as const;
export type TestFramework = (typeof TEST_FRAMEWORKS)[number];

export type ModuleKind = ModuleRole | 'legacy';

export interface PlannedModule {
  kind: ModuleKind;
  /** File path in the repository: `depot/core/stock.py`. */
  path: string;
  /** Import path: `depot.core.stock`. */
  dotted: string;
  functions: BuiltFunction[];
}

export interface PackagePlan {
  template: string;
  tier: Tier;
  bugKind: BugKind;
  vocabulary: Vocabulary;
  packageName: string;
  framework: TestFramework;
  testsDir: string;
  modules: PlannedModule[];
  /** The function whose behaviour the problem statement describes. */
  symptom: BuiltFunction;
  /** Functions where the bug may go: the symptom itself, or (hard) the functions it calls. */
  targets: BuiltFunction[];
  /** Hard tier: functions that share a target's name, elsewhere. */
  namesakes: BuiltFunction[];
  /** Two sites (hard) or one. */
  siteCount: number;
  /** Absolute imports (`from depot.stock import x`) or relative ones (`from .stock import x`). */
  relativeImports: boolean;
}

const TOP_MODULE_NAMES = ['dashboard', 'digest', 'cli_report'];
const SUBPACKAGES = ['core', 'lib', 'engine'];

/** Recipes whose own code has a site for `kind` (any tier's symptom in easy and medium). */
function ownSiteRecipes(kind: BugKind): Recipe[] {
  const profiles = siteProfiles();
  return RECIPES.filter((recipe) => recipe.id !== 'overview' && (profiles.get(recipe.id)?.get(kind) ?? 0) >= 1);
}

/** Composites whose direct callees offer `kind` on at least two distinct lines between them. */
function hardSymptomRecipes(kind: BugKind): Recipe[] {
  const profiles = siteProfiles();
  const lines = (id: string) => profiles.get(id)?.get(kind) ?? 0;
  return RECIPES.filter((recipe) => {
    if (recipe.id === 'overview') return kind === 'swapped-arguments';
    if (recipe.callees.length === 0) return false;
    return recipe.callees.reduce((sum, id) => sum + lines(id), 0) >= 2;
  });
}

/** The recipes a symptom can be built from for this tier and bug kind; none means the pair is impossible. */
export function symptomRecipes(tier: Tier, kind: BugKind): Recipe[] {
  return tier === 'hard' ? hardSymptomRecipes(kind) : ownSiteRecipes(kind);
}

function closure(ids: readonly string[], parts: readonly string[]): string[] {
  const seen: string[] = [];
  const visit = (id: string) => {
    if (seen.includes(id)) return;
    const callees = id === 'overview' ? parts : recipeById(id).callees;
    for (const callee of callees) visit(callee);
    seen.push(id);
  };
  for (const id of ids) visit(id);
  return seen;
}

function uniqueName(options: readonly string[], taken: Set<string>, random: Random): string {
  const name = random.pickFresh(options, taken);
  taken.add(name);
  return name;
}

function moduleFile(packageName: string, dirs: readonly string[], name: string): { path: string; dotted: string } {
  return { path: [packageName, ...dirs, `${name}.py`].join('/'), dotted: [packageName, ...dirs, name].join('.') };
}

/**
 * Plans a package for (domain, tier, kind), or undefined when the kind has no site in this tier
 * (callers check `symptomRecipes` first). Every choice comes from `random`.
 */
export function planPackage(random: Random, domain: Domain, tier: Tier, bugKind: BugKind): PackagePlan | undefined {
  const symptoms = symptomRecipes(tier, bugKind);
  if (symptoms.length === 0) return undefined;
  const vocabulary = chooseVocabulary(domain, random.fork('vocabulary'));
  const symptomRecipe = random.pick(symptoms);
  const parts = symptomRecipe.id === 'overview' ? random.sample(OVERVIEW_PARTS, 2) : [];
  const core = closure([symptomRecipe.id], parts);

  // Unrelated functions: what a reader must tell apart from the target.
  const spare = random.shuffle(LEAF_RECIPES.filter((recipe) => !core.includes(recipe.id)));
  const extraCount = tier === 'easy' ? random.int(1, 2) : random.int(2, 3);
  const extras = spare.slice(0, extraCount).map((recipe) => recipe.id);
  let ids = closure([...core, ...extras], parts);
  if (tier !== 'easy') {
    const roles = () => new Set(ids.map((id) => recipeById(id).role));
    for (const recipe of spare.slice(extraCount)) {
      if (roles().size >= 3) break;
      if (!roles().has(recipe.role)) ids = [...ids, recipe.id];
    }
  }

  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const id of ids) names.set(id, uniqueName(recipeById(id).names(vocabulary), taken, random));

  // Build in dependency order (closure lists callees first); names are all known up front.
  const moduleNames = new Set(taken);
  const built = new Map<string, BuiltFunction>();
  for (const id of ids) {
    const recipe = recipeById(id);
    const calleeIds = id === 'overview' ? parts : recipe.callees;
    built.set(
      id,
      recipe.build({ random: random.fork(`build:${id}`), vocabulary, name: names.get(id)!, moduleNames, callees: calleeIds.map((callee) => built.get(callee)!) }),
    );
  }
  const symptom = built.get(symptomRecipe.id)!;
  const targets = tier === 'hard' ? symptom.calls.filter((fn) => linesFor(fn, bugKind).length > 0) : [symptom];

  // Hard: a deprecated module with functions named like the targets (other code, other signatures).
  const namesakes: BuiltFunction[] = [];
  if (tier === 'hard') {
    const unused = random.shuffle(LEAF_RECIPES.filter((recipe) => !ids.includes(recipe.id)));
    targets.forEach((target, index) => {
      const recipe = unused[index % unused.length]!;
      namesakes.push(recipe.build({ random: random.fork(`namesake:${index}`), vocabulary, name: target.name, moduleNames, callees: [] }));
    });
  }

  const packageName = random.pick(domain.packages);
  const nested = tier !== 'easy' && random.chance(0.5);
  const subpackage = random.pick(SUBPACKAGES);
  const modules: PlannedModule[] = [];
  if (tier === 'easy') {
    const name = random.pick(domain.modules[symptomRecipe.role === 'top' ? 'reports' : symptomRecipe.role]);
    modules.push({ kind: symptomRecipe.role, ...moduleFile(packageName, [], name), functions: random.shuffle([...built.values()]) });
  } else {
    const roles: ModuleRole[] = ['records', 'numbers', 'timeline', 'reports', 'top'];
    const usedModuleNames = new Set<string>();
    for (const role of roles) {
      const functions = ids.map((id) => built.get(id)!).filter((fn) => recipeById(fn.recipe).role === role);
      if (functions.length === 0) continue;
      const pool = role === 'top' ? TOP_MODULE_NAMES : domain.modules[role];
      const name = uniqueName(pool, usedModuleNames, random);
      const dirs = nested && role !== 'reports' && role !== 'top' ? [subpackage] : [];
      modules.push({ kind: role, ...moduleFile(packageName, dirs, name), functions });
    }
    if (namesakes.length > 0) {
      modules.push({ kind: 'legacy', ...moduleFile(packageName, [], uniqueName(domain.modules.legacy, usedModuleNames, random)), functions: namesakes });
    }
  }

  return {
    template: domain.id,
    tier,
    bugKind,
    vocabulary,
    packageName,
    framework: random.chance(0.5) ? 'pytest' : 'unittest',
    testsDir: random.chance(0.7) ? 'tests' : 'test',
    modules,
    symptom,
    targets,
    namesakes,
    siteCount: tier === 'hard' ? 2 : 1,
    relativeImports: random.chance(0.5),
  };
}

/** The module holding a function (by identity: namesakes share names with targets). */
export function moduleOf(plan: PackagePlan, fn: BuiltFunction): PlannedModule {
  const found = plan.modules.find((module) => module.functions.includes(fn));
  if (!found) throw new Error(`${fn.name} is in no module of the plan`);
  return found;
}
