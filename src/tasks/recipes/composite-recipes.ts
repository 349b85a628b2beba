/**
 * Recipes that call other functions of the package. Their symptoms show a callee's bug one call
 * away (the hard tier's premise), and their calls are where arguments can be swapped. Cases reuse
 * the callees' cases where the arguments line up, so the boundaries those were chosen for still
 * reach the callee.
 */
import { pyFloat, type PyValue } from '../code/python-values.js';
import { makeRecords } from '../templates/vocabulary.js';
import { dedent, fieldValues, fill, pickNames, type BuiltFunction, type FunctionCase, type Recipe, type RecipeContext } from './recipe.js';

function callee(context: RecipeContext, index: number): BuiltFunction {
  const found = context.callees[index];
  if (!found) throw new Error(`composite ${context.name} is missing callee ${index}`);
  return found;
}

function composite(context: RecipeContext, recipe: string, fields: Omit<BuiltFunction, 'recipe' | 'name' | 'constants' | 'constantNames'>): BuiltFunction {
  return { recipe, name: context.name, constants: [], constantNames: [], ...fields };
}

export const netTotal: Recipe = {
  id: 'net-total',
  role: 'reports',
  callees: ['weighted-total', 'apply-rate'],
  names: (v) => [`net_${v.total.id}`, `${v.total.id}_after_${v.rate.id}`, `final_${v.total.id}`],
  build(context) {
    const v = context.vocabulary;
    const [total, rate] = [callee(context, 0), callee(context, 1)];
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], rate: ['rate', v.rate.id, 'fraction'], subtotal: ['subtotal', 'gross', 'before'] });
    const phrase = `${v.total.noun} after the ${v.rate.noun}`;
    const source = fill(
      dedent(`
        def $fn($records, $rate):
            """The $phrase, for the $many."""
            $subtotal = $total($records)
            return $apply(⟦swap:$subtotal, $rate⟧)
      `),
      { ...fieldValues(v), ...n, fn: context.name, phrase, total: total.name, apply: rate.name },
    );
    return composite(context, this.id, {
      params: [n.records, n.rate],
      source,
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [total, rate],
      cases: [
        { label: 'tenth_off', args: [total.cases[0]!.args[0]!, pyFloat(0.1)] },
        { label: 'quarter_off', args: [total.cases[2]!.args[0]!, pyFloat(0.25)] },
        { label: 'nothing', args: [[], pyFloat(0.5)] },
      ],
    });
  },
};

export const limitSummary: Recipe = {
  id: 'summary',
  role: 'reports',
  callees: ['count-at-least', 'percentage'],
  names: (v) => [`${v.many}_summary`, `summarize_${v.many}`, 'limit_report'],
  build(context) {
    const v = context.vocabulary;
    const [count, percent] = [callee(context, 0), callee(context, 1)];
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], limit: ['limit', 'threshold', 'minimum'], hits: ['hits', 'reached', 'matching'] });
    const keys = { count: context.random.pick(['count', 'matching', 'reached']), share: context.random.pick(['percent', 'share', 'percentage']) };
    const phrase = `share of ${v.many} reaching`;
    const source = fill(
      dedent(`
        def $fn($records, $limit):
            """How many $many reach $limit, and the $phrase it in percent."""
            $hits = $count($records, $limit)
            return {"$kCount": $hits, "$kShare": $percent(⟦swap:$hits, len($records)⟧)}
      `),
      { ...n, fn: context.name, phrase, many: v.many, count: count.name, percent: percent.name, kCount: keys.count, kShare: keys.share },
    );
    return composite(context, this.id, {
      params: [n.records, n.limit],
      source,
      phrase,
      resultNoun: `the ${phrase} the limit`,
      calls: [count, percent],
      cases: count.cases.map((item) => ({ label: item.label, args: item.args })),
    });
  },
};

export const capped: Recipe = {
  id: 'capped',
  role: 'reports',
  callees: ['clamp'],
  names: (v) => [`capped_${v.fields.unit.id}`, `clamped_${v.many}`, `${v.fields.unit.id}_within`],
  build(context) {
    const v = context.vocabulary;
    const clamp = callee(context, 0);
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], low: ['low', 'lower', 'floor'], high: ['high', 'upper', 'ceiling'], rec: [v.one, 'row', 'entry'] });
    const phrase = `of each ${v.one}, kept within`;
    const source = fill(
      dedent(`
        def $fn($records, $low, $high):
            """The $unitNoun $phrase [$low, $high]."""
            return [$clamp(⟦swap:$rec["$Funit"], $low⟧, $high) for $rec in $records]
      `),
      { ...fieldValues(v), ...n, fn: context.name, phrase, unitNoun: v.fields.unit.noun, clamp: clamp.name },
    );
    // clamp's own cases are (below, above, inside, at_low) around one [low, high].
    const values = clamp.cases.map((item) => (item.args[0] as { value: number }).value);
    const [, low, high] = clamp.cases[0]!.args as [PyValue, PyValue, PyValue];
    const records = makeRecords(v, context.random, values.length, values.map((unit) => ({ unit })));
    return composite(context, this.id, {
      params: [n.records, n.low, n.high],
      source,
      phrase,
      resultNoun: `the ${v.fields.unit.noun} ${phrase} the range`,
      calls: [clamp],
      cases: [
        { label: 'mixed', args: [records, low, high] },
        { label: 'all_above', args: [records.slice(1, 2), low, high] },
        { label: 'empty', args: [[], low, high] },
      ],
    });
  },
};

export const streakReport: Recipe = {
  id: 'streak-report',
  role: 'reports',
  callees: ['longest-streak', 'mean'],
  names: (v) => [`${v.series.id}_report`, 'streak_report', `summarize_${v.series.id}`],
  build(context) {
    const v = context.vocabulary;
    const [streak, average] = [callee(context, 0), callee(context, 1)];
    const n = pickNames(context, { values: [v.series.id, 'values', 'days'], goal: ['goal', 'target', 'minimum'] });
    const keys = { streak: context.random.pick(['longest', 'best_run', 'streak']), mean: context.random.pick(['average', 'mean']) };
    const phrase = `${v.series.noun} report`;
    const source = fill(
      dedent(`
        def $fn($values, $goal):
            """The $phrase: the longest run of $ones reaching $goal, and the average."""
            return {"$kStreak": $streak(⟦swap:$values, $goal⟧), "$kMean": $average($values)}
      `),
      { ...n, fn: context.name, phrase, ones: `${v.series.one}s`, streak: streak.name, average: average.name, kStreak: keys.streak, kMean: keys.mean },
    );
    return composite(context, this.id, {
      params: [n.values, n.goal],
      source,
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [streak, average],
      cases: streak.cases.map((item) => ({ label: item.label, args: item.args })),
    });
  },
};

export const groupShares: Recipe = {
  id: 'group-shares',
  role: 'reports',
  callees: ['group-sum', 'percentage'],
  names: (v) => [`${v.fields.group.id}_shares`, `share_by_${v.fields.group.id}`, `${v.fields.count.id}_share_by_${v.fields.group.id}`],
  build(context) {
    const v = context.vocabulary;
    const [sums, percent] = [callee(context, 0), callee(context, 1)];
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], totals: ['totals', 'sums', 'per_group'], whole: ['whole', 'grand_total', 'overall'], group: ['key', 'group', 'name'], amount: ['amount', 'subtotal', 'value'] });
    const phrase = `held by each ${v.fields.group.noun}`;
    const source = fill(
      dedent(`
        def $fn($records):
            """Share of all $countNoun $phrase, in percent."""
            $totals = $sums($records)
            $whole = sum($totals.values())
            return {$group: $percent(⟦swap:$amount, $whole⟧) for $group, $amount in $totals.items()}
      `),
      { ...n, fn: context.name, phrase, countNoun: v.fields.count.noun, sums: sums.name, percent: percent.name },
    );
    return composite(context, this.id, {
      params: [n.records],
      source,
      phrase,
      resultNoun: `the share of ${v.fields.count.noun} ${phrase}`,
      calls: [sums, percent],
      cases: sums.cases.map((item) => ({ label: item.label, args: item.args })),
    });
  },
};

export const pageValue: Recipe = {
  id: 'page-value',
  role: 'reports',
  callees: ['paginate', 'weighted-total'],
  names: (v) => [`page_${v.total.id}`, `${v.total.id}_of_page`, `paged_${v.total.id}`],
  build(context) {
    const v = context.vocabulary;
    const [page, total] = [callee(context, 0), callee(context, 1)];
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], page: ['page', 'page_number'], size: ['size', 'per_page', 'page_size'] });
    const phrase = `${v.total.noun} of one page`;
    const source = fill(
      dedent(`
        def $fn($records, $page, $size):
            """The $phrase of $many (pages count from 1)."""
            return $total($pager(⟦swap:$records, $page⟧, $size))
      `),
      { ...n, fn: context.name, phrase, many: v.many, total: total.name, pager: page.name },
    );
    const records = makeRecords(v, context.random, 5);
    return composite(context, this.id, {
      params: [n.records, n.page, n.size],
      source,
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [page, total],
      cases: [
        { label: 'first_page', args: [records, 1, 2] },
        { label: 'middle_page', args: [records, 2, 2] },
        { label: 'last_page', args: [records, 3, 2] },
        { label: 'past_the_end', args: [records, 4, 2] },
      ],
    });
  },
};

export const labelRecords: Recipe = {
  id: 'label-records',
  role: 'reports',
  callees: ['tier-label'],
  names: (v) => [`${v.tier.id}_by_${v.fields.label.id}`, `label_${v.many}`, `${v.tier.id}_of_each`],
  build(context) {
    const v = context.vocabulary;
    const tier = callee(context, 0);
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], rec: [v.one, 'row', 'entry'] });
    const phrase = `${v.tier.noun} of each ${v.one}`;
    const source = fill(
      dedent(`
        def $fn($records):
            """The $phrase, keyed by $labelNoun."""
            return {$rec["$Flabel"]: $tier($rec["$Funit"]) for $rec in $records}
      `),
      { ...fieldValues(v), ...n, fn: context.name, phrase, labelNoun: v.fields.label.noun, tier: tier.name },
    );
    // tier-label's cases sit on and around its bounds; records carry those amounts.
    const units = tier.cases.map((item) => (item.args[0] as { value: number }).value);
    const records = makeRecords(v, context.random, units.length, units.map((unit) => ({ unit })));
    return composite(context, this.id, {
      params: [n.records],
      source,
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [tier],
      cases: [
        { label: 'all_bands', args: [records] },
        { label: 'bounds_only', args: [records.slice(0, 2)] },
        { label: 'empty', args: [[]] },
      ],
    });
  },
};

/** The record composites an overview can combine: each has a call whose arguments can be swapped. */
export const OVERVIEW_PARTS = ['net-total', 'summary', 'capped', 'group-shares', 'page-value'] as const;

const OVERVIEW_KEYS: Record<string, readonly string[]> = {
  'net-total': ['net', 'net_total', 'after_rate'],
  summary: ['summary', 'reaching', 'limit'],
  capped: ['capped', 'clamped', 'within'],
  'group-shares': ['shares', 'by_group', 'split'],
  'page-value': ['page', 'page_total', 'paged'],
};

export const overview: Recipe = {
  id: 'overview',
  role: 'top',
  // Two of OVERVIEW_PARTS, chosen per package (see the plan).
  callees: [],
  names: (v) => [`${v.many}_overview`, 'overview', `build_${v.many}_report`],
  build(context) {
    const v = context.vocabulary;
    const [first, second] = [callee(context, 0), callee(context, 1)];
    const records = pickNames(context, { records: [v.many, 'rows', 'entries'] }).records;
    // Each part's extra parameters keep their names unless the other part already uses one.
    const taken = new Set([records, ...context.moduleNames, context.name]);
    const extras = (part: BuiltFunction) =>
      part.params.slice(1).map((param) => {
        const name = context.random.pickFresh([param], taken);
        taken.add(name);
        return name;
      });
    const [firstExtras, secondExtras] = [extras(first), extras(second)];
    const call = (part: BuiltFunction, names: string[]) => `${part.name}(${[records, ...names].join(', ')})`;
    const key = (part: BuiltFunction) => context.random.pick(OVERVIEW_KEYS[part.recipe] ?? [part.recipe.replace(/-/g, '_')]);
    const [firstKey, secondKey] = [key(first), key(second)];
    const phrase = `overview of the ${v.many}`;
    const source = fill(
      dedent(`
        def $fn($params):
            """An $phrase: $first and $second."""
            return {"$k1": $call1, "$k2": $call2}
      `),
      {
        fn: context.name,
        params: [records, ...firstExtras, ...secondExtras].join(', '),
        phrase,
        first: first.phrase,
        second: second.phrase,
        k1: firstKey,
        k2: secondKey === firstKey ? `${secondKey}_2` : secondKey,
        call1: call(first, firstExtras),
        call2: call(second, secondExtras),
      },
    );
    const cases: FunctionCase[] = first.cases.slice(0, 3).map((item, index) => {
      const other = second.cases[index % second.cases.length]!;
      return { label: item.label, args: [item.args[0]!, ...item.args.slice(1), ...other.args.slice(1)] };
    });
    return composite(context, this.id, {
      params: [records, ...firstExtras, ...secondExtras],
      source,
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [first, second],
      cases,
    });
  },
};

export const COMPOSITE_RECIPES: readonly Recipe[] = [netTotal, limitSummary, capped, streakReport, groupShares, pageValue, labelRecords, overview];
