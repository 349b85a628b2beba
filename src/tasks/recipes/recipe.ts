/**
 * Recipes: the functions a generated package is made of. A recipe is code with marked bug sites
 * (see code/markup.ts) plus test cases, written once and dressed in a domain's words: the same
 * "weighted total" is `stock_value(items)` in one repository and `weighted_score(entries)` in
 * another. Composite recipes call other recipes' functions, which is what gives a bug a distance
 * from its symptom.
 */
import type { PyValue } from '../code/python-values.js';
import type { Random } from '../random.js';
import type { Vocabulary } from '../templates/vocabulary.js';

/** Which module of a package a function belongs in. */
export type ModuleRole = 'records' | 'numbers' | 'timeline' | 'reports' | 'top';

export interface FunctionCase {
  /** Names the test: `test_<function>_<label>`. */
  label: string;
  args: PyValue[];
}

export interface BuiltFunction {
  recipe: string;
  name: string;
  params: string[];
  /** Marked source of the whole `def`, docstring included. */
  source: string;
  /** Marked module-level lines the function needs (its constants). */
  constants: string[];
  /** Names those lines define, so other functions of the module avoid them. */
  constantNames: string[];
  /**
   * Words of its docstring that a problem statement can use to describe it without naming it;
   * a search for them finds the function.
   */
  phrase: string;
  /** How a problem statement refers to what the function returns ("the stock value"). */
  resultNoun: string;
  /** Functions of the package it calls. */
  calls: BuiltFunction[];
  cases: FunctionCase[];
}

export interface RecipeContext {
  random: Random;
  vocabulary: Vocabulary;
  /** The function's name, chosen by the package plan from `names`. */
  name: string;
  /** Module-level names (functions, constants) that parameters and locals must not shadow. */
  moduleNames: ReadonlySet<string>;
  /** The functions it calls, in the order of the recipe's `callees`. */
  callees: BuiltFunction[];
}

export interface Recipe {
  id: string;
  role: ModuleRole;
  /** Recipes whose functions it calls; `overview` takes two record composites chosen per package. */
  callees: readonly string[];
  names(vocabulary: Vocabulary): string[];
  build(context: RecipeContext): BuiltFunction;
}

// Never used as a parameter or local: they are builtins the templates call, or keywords.
const RESERVED = new Set([
  'sum', 'len', 'max', 'min', 'round', 'sorted', 'dict', 'list', 'range', 'abs', 'int', 'float', 'str', 'type', 'id', 'map', 'filter',
  'and', 'or', 'not', 'in', 'is', 'if', 'else', 'for', 'return', 'lambda', 'def', 'class', 'True', 'False', 'None', 'import', 'from', 'pass',
]);

/**
 * Picks one name per role, each distinct, none shadowing a module-level name: `{ total: ['total',
 * 'acc'] }` → `{ total: 'acc' }`. Roles are filled in the order given.
 */
export function pickNames<Role extends string>(context: RecipeContext, pools: Record<Role, readonly string[]>): Record<Role, string> {
  const taken = new Set<string>([...RESERVED, ...context.moduleNames, context.name]);
  const chosen = {} as Record<Role, string>;
  for (const role of Object.keys(pools) as Role[]) {
    const name = context.random.pickFresh(pools[role], taken);
    taken.add(name);
    chosen[role] = name;
  }
  return chosen;
}

/** Fills `$name` placeholders; a placeholder without a value is a template bug. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template placeholder $${key} has no value`);
    return value;
  });
}

/** Removes the common indentation of a template literal and its first and last blank lines. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.match(/^ */)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** The field placeholders every record recipe uses: `$Fcount` is the key of the count field. */
export function fieldValues(vocabulary: Vocabulary): Record<string, string> {
  const { fields } = vocabulary;
  return {
    Flabel: fields.label.id,
    Fcount: fields.count.id,
    Funit: fields.unit.id,
    Fextra: fields.extra.id,
    Fgroup: fields.group.id,
    one: vocabulary.one,
    many: vocabulary.many,
  };
}
