/** The recipe catalogue, and what each recipe offers a bug of each kind (how many distinct lines). */
import type { BugKind } from '../bugs/bug-kinds.js';
import { parseMarkup, renderMarkup } from '../code/markup.js';
import { Random } from '../random.js';
import { DOMAINS } from '../templates/domains.js';
import { chooseVocabulary } from '../templates/vocabulary.js';
import { COMPOSITE_RECIPES, OVERVIEW_PARTS } from './composite-recipes.js';
import { LEAF_RECIPES } from './leaf-recipes.js';
import type { BuiltFunction, Recipe } from './recipe.js';

export { LEAF_RECIPES } from './leaf-recipes.js';
export { COMPOSITE_RECIPES, OVERVIEW_PARTS } from './composite-recipes.js';
export type { BuiltFunction, FunctionCase, ModuleRole, Recipe, RecipeContext } from './recipe.js';

export const RECIPES: readonly Recipe[] = [...LEAF_RECIPES, ...COMPOSITE_RECIPES];

export function recipeById(id: string): Recipe {
  const recipe = RECIPES.find((candidate) => candidate.id === id);
  if (!recipe) throw new Error(`no recipe ${id}`);
  return recipe;
}

export interface MarkedSite {
  kinds: BugKind[];
  /** 1-based line within the function's marked text (constants first, then the def). */
  line: number;
  /** Site index within that text. */
  index: number;
}

/** The function's constants and def as one marked text, the unit bug sites are counted in. */
export function functionMarkup(fn: BuiltFunction): string {
  return [...fn.constants, ...(fn.constants.length > 0 ? [''] : []), fn.source].join('\n');
}

export function sitesOf(fn: BuiltFunction): MarkedSite[] {
  const parsed = parseMarkup(functionMarkup(fn));
  const { siteLines } = renderMarkup(parsed);
  return parsed.sites.map((site) => ({ kinds: site.kinds, line: siteLines.get(site.index)!, index: site.index }));
}

/** Distinct lines of a function where a bug of `kind` can go. */
export function linesFor(fn: BuiltFunction, kind: BugKind): number[] {
  return [...new Set(sitesOf(fn).filter((site) => site.kinds.includes(kind)).map((site) => site.line))];
}

let profiles: Map<string, Map<BugKind, number>> | undefined;

/**
 * For each recipe, how many distinct lines accept each bug kind. Sites are fixed by the recipe's
 * code, not by the words a domain gives it, so one build per recipe tells.
 */
export function siteProfiles(): Map<string, Map<BugKind, number>> {
  if (profiles) return profiles;
  profiles = new Map();
  const vocabulary = chooseVocabulary(DOMAINS[0]!, new Random('profile'));
  const built = new Map<string, BuiltFunction>();
  const build = (recipe: Recipe, callees: string[]): BuiltFunction => {
    const fn = recipe.build({
      random: new Random('profile', recipe.id),
      vocabulary,
      name: recipe.id.replace(/-/g, '_'),
      moduleNames: new Set(),
      callees: callees.map((id) => built.get(id) ?? build(recipeById(id), recipeById(id).callees as string[])),
    });
    built.set(recipe.id, fn);
    return fn;
  };
  for (const recipe of RECIPES) {
    const fn = build(recipe, recipe.id === 'overview' ? [OVERVIEW_PARTS[0], OVERVIEW_PARTS[1]] : [...recipe.callees]);
    const counts = new Map<BugKind, number>();
    for (const site of sitesOf(fn)) for (const kind of site.kinds) counts.set(kind, linesFor(fn, kind).length);
    profiles.set(recipe.id, counts);
  }
  return profiles;
}
