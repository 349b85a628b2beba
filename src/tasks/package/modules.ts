/**
 * The source of each module of a planned package, still marked with bug sites: a docstring, the
 * imports its composites need, the constants, then the functions. Each function's span in the
 * marked text is kept, so a site can be traced to the function it belongs to.
 */
import { parseMarkup, type ParsedMarkup } from '../code/markup.js';
import type { Random } from '../random.js';
import type { BuiltFunction } from '../recipes/index.js';
import { moduleOf, type ModuleKind, type PackagePlan, type PlannedModule } from './plan.js';

export interface FunctionSpan {
  fn: BuiltFunction;
  start: number;
  end: number;
}

export interface MarkedModule {
  module: PlannedModule;
  markup: string;
  parsed: ParsedMarkup;
  spans: FunctionSpan[];
}

const DOCSTRINGS: Record<ModuleKind, readonly string[]> = {
  records: ['Calculations over lists of $many.', 'Working with $many as dicts.', 'Totals and counts for $many.'],
  numbers: ['Small numeric helpers.', 'Arithmetic shared by the other modules.', 'Number crunching helpers.'],
  timeline: ['Day-by-day calculations.', 'Running figures over time.', 'Helpers for sequences of days.'],
  reports: ['Reports built from the other modules.', 'Summaries for $domain.', 'Higher-level figures for $domain.'],
  top: ['Combined reports for the command line.', 'Everything a dashboard shows at once.'],
  legacy: [
    'Deprecated helpers kept for scripts written against version 0.x; new code should not use them.',
    'Old implementations kept for backwards compatibility. Do not use in new code.',
  ],
};

/** `from .stock import x` between modules of one package, or the absolute form. */
export function importStatement(from: PlannedModule, to: PlannedModule, names: readonly string[], relative: boolean): string {
  const list = [...names].sort().join(', ');
  if (!relative) return `from ${to.dotted} import ${list}`;
  const fromPackage = from.dotted.split('.').slice(0, -1);
  const target = to.dotted.split('.');
  let common = 0;
  while (common < fromPackage.length && common < target.length - 1 && fromPackage[common] === target[common]) common++;
  const dots = '.'.repeat(fromPackage.length - common + 1);
  return `from ${dots}${target.slice(common).join('.')} import ${list}`;
}

export function markModule(plan: PackagePlan, module: PlannedModule, random: Random): MarkedModule {
  const docstring = random
    .pick(DOCSTRINGS[module.kind])
    .replace('$many', plan.vocabulary.many)
    .replace('$domain', plan.vocabulary.domain.title);
  const imports = new Map<PlannedModule, Set<string>>();
  for (const fn of module.functions) {
    for (const callee of fn.calls) {
      const home = moduleOf(plan, callee);
      if (home === module) continue;
      if (!imports.has(home)) imports.set(home, new Set());
      imports.get(home)!.add(callee.name);
    }
  }
  const importLines = [...imports.entries()]
    .sort(([a], [b]) => (a.dotted < b.dotted ? -1 : 1))
    .map(([home, names]) => importStatement(module, home, [...names], plan.relativeImports));
  const constants = module.functions.flatMap((fn) => fn.constants);

  let markup = `"""${docstring}"""\n`;
  if (importLines.length > 0) markup += `\n${importLines.join('\n')}\n`;
  // Constants are attributed to their function's span, so a constant site belongs to it.
  const spans: FunctionSpan[] = [];
  if (constants.length > 0) {
    markup += '\n';
    for (const fn of module.functions) {
      if (fn.constants.length === 0) continue;
      const start = markup.length;
      markup += `${fn.constants.join('\n')}\n`;
      spans.push({ fn, start, end: markup.length });
    }
  }
  for (const fn of module.functions) {
    markup += '\n\n';
    const start = markup.length;
    markup += `${fn.source}\n`;
    spans.push({ fn, start, end: markup.length });
  }
  return { module, markup, parsed: parseMarkup(markup), spans };
}

/** The function a site of the module belongs to. */
export function functionAt(marked: MarkedModule, offset: number): BuiltFunction {
  const span = marked.spans.find((candidate) => offset >= candidate.start && offset < candidate.end);
  if (!span) throw new Error(`no function at offset ${offset} of ${marked.module.path}`);
  return span.fn;
}
