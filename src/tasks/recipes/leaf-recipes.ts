/**
 * Recipes that call nothing else in the package. Each marks the sites its bug kinds may take and
 * brings cases chosen so that those bugs show: a boundary value equal to a limit (off-by-one), an
 * `extra` field that differs from the one read (wrong key), a mean that does not come out round
 * (wrong rounding constant), a run that is not the last one (wrong variable).
 */
import { pyFloat, type PyValue } from '../code/python-values.js';
import { distinctUnits, makeRecords, makeSeries } from '../templates/vocabulary.js';
import { dedent, fieldValues, fill, pickNames, type Recipe } from './recipe.js';

const floats = (values: readonly number[]): PyValue[] => values.map((value) => pyFloat(value));

export const weightedTotal: Recipe = {
  id: 'weighted-total',
  role: 'records',
  callees: [],
  names: (v) => [v.total.id, `compute_${v.total.id}`, `get_${v.total.id}`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], rec: [v.one, 'row', 'entry'], total: ['total', 'result', 'acc', 'running'], amount: ['n', 'amount', 'how_many', 'quantity'] });
    const source = fill(
      dedent(`
        def $fn($records):
            """The $noun of the $many: $countNoun times $unitNoun, summed."""
            $total = 0
            for $rec in $records:
                $amount = $rec[⟦key:"$Fcount"|"$Fextra"⟧]
                $total ⟦op:+=⟧ $amount ⟦op:*⟧ $rec[⟦key:"$Funit"|"$Fextra"⟧]
            ⟦ret:return $total⟧
      `),
      { ...fieldValues(v), ...n, fn: context.name, noun: v.total.noun, countNoun: v.fields.count.noun, unitNoun: v.fields.unit.noun },
    );
    const r = context.random;
    return {
      recipe: this.id,
      name: context.name,
      params: [n.records],
      source,
      constants: [],
      constantNames: [],
      phrase: v.total.noun,
      resultNoun: `the ${v.total.noun}`,
      calls: [],
      cases: [
        { label: 'several', args: [makeRecords(v, r, 3)] },
        { label: 'single', args: [makeRecords(v, r, 1)] },
        { label: 'with_zero_count', args: [makeRecords(v, r, 2, [{ count: 0 }])] },
        { label: 'empty', args: [[]] },
      ],
    };
  },
};

export const countAtLeast: Recipe = {
  id: 'count-at-least',
  role: 'records',
  callees: [],
  names: (v) => [`count_${v.many}_at_least`, `count_${v.fields.unit.id}_at_least`, `${v.many}_at_or_above`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], limit: ['limit', 'threshold', 'minimum', 'floor_value'], rec: [v.one, 'row', 'entry'], count: ['count', 'hits', 'matches', 'found'] });
    const phrase = `with ${v.fields.unit.noun} at or above`;
    const source = fill(
      dedent(`
        def $fn($records, $limit):
            """Number of $many $phrase $limit."""
            $count = 0
            for $rec in $records:
                if ⟦cond:$rec[⟦key:"$Funit"|"$Fextra"⟧] ⟦obo,op:>=⟧ $limit⟧:
                    $count += 1
            ⟦ret:return ⟦var:$count|$limit⟧⟧
      `),
      { ...fieldValues(v), ...n, fn: context.name, phrase },
    );
    const r = context.random;
    const units = distinctUnits(v, r, 4).sort((a, b) => a - b);
    const records = makeRecords(v, r, 4, units.map((unit) => ({ unit })));
    const shuffled = r.shuffle(records);
    return {
      recipe: this.id,
      name: context.name,
      params: [n.records, n.limit],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the number of ${v.many} ${phrase} the limit`,
      calls: [],
      cases: [
        { label: 'limit_equal_to_one', args: [shuffled, pyFloat(units[1]!)] },
        { label: 'limit_between', args: [shuffled.slice(0, 3), pyFloat((units[2]! + units[3]!) / 2)] },
        { label: 'none_reach', args: [records.slice(0, 2), pyFloat(units[3]! + 1)] },
        { label: 'empty', args: [[], pyFloat(units[0]!)] },
      ],
    };
  },
};

export const groupSum: Recipe = {
  id: 'group-sum',
  role: 'records',
  callees: [],
  names: (v) => [`${v.fields.count.id}_by_${v.fields.group.id}`, `total_per_${v.fields.group.id}`, `sum_by_${v.fields.group.id}`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], totals: ['totals', 'sums', 'by_group', 'result'], rec: [v.one, 'row', 'entry'], group: ['key', 'group', 'bucket', 'name'] });
    const phrase = `${v.fields.count.noun} per ${v.fields.group.noun}`;
    const source = fill(
      dedent(`
        def $fn($records):
            """Total $phrase, as a dict."""
            $totals = {}
            for $rec in $records:
                $group = $rec[⟦key:"$Fgroup"|"$Flabel"⟧]
                $totals[$group] = $totals.get(⟦swap:$group, 0⟧) ⟦op:+⟧ $rec["$Fcount"]
            ⟦ret:return $totals⟧
      `),
      { ...fieldValues(v), ...n, fn: context.name, phrase },
    );
    const r = context.random;
    const [a, b, c] = r.sample(v.domain.values.groups, 3) as [string, string, string];
    return {
      recipe: this.id,
      name: context.name,
      params: [n.records],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the total ${phrase}`,
      calls: [],
      cases: [
        { label: 'repeated_groups', args: [makeRecords(v, r, 4, [{ group: a }, { group: b }, { group: a }, { group: c }])] },
        { label: 'one_group', args: [makeRecords(v, r, 2, [{ group: b }, { group: b }])] },
        { label: 'empty', args: [[]] },
      ],
    };
  },
};

export const topN: Recipe = {
  id: 'top-n',
  role: 'records',
  callees: [],
  names: (v) => [`top_${v.many}`, `top_by_${v.fields.unit.id}`, `leading_${v.many}`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { records: [v.many, 'rows', 'entries'], n: ['n', 'how_many', 'limit', 'size'], ranked: ['ranked', 'ordered', 'by_value'], r: ['r', 'x', 'rec'] });
    const phrase = `with the highest ${v.fields.unit.noun}`;
    const source = fill(
      dedent(`
        def $fn($records, $n):
            """The $labelNoun of the $n $many $phrase, highest first."""
            $ranked = sorted($records, key=lambda $r: $r[⟦key:"$Funit"|"$Fcount"⟧], reverse=True)
            return [$r["$Flabel"] for $r in $ranked[:⟦obo:$n⟧]]
      `),
      { ...fieldValues(v), ...n, fn: context.name, phrase, labelNoun: `${v.fields.label.noun}s` },
    );
    const r = context.random;
    const units = distinctUnits(v, r, 5);
    // Counts run against the units, so sorting by the wrong key gives another order.
    const sortedUnits = [...units].sort((x, y) => x - y);
    const records = makeRecords(v, r, 5, units.map((unit) => ({ unit, count: 9 - sortedUnits.indexOf(unit) })));
    return {
      recipe: this.id,
      name: context.name,
      params: [n.records, n.n],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the ${v.fields.label.noun}s of the ${v.many} ${phrase}`,
      calls: [],
      cases: [
        { label: 'top_two', args: [records, 2] },
        { label: 'top_three', args: [records.slice(0, 4), 3] },
        { label: 'zero', args: [records.slice(0, 3), 0] },
      ],
    };
  },
};

export const mean: Recipe = {
  id: 'mean',
  role: 'numbers',
  callees: [],
  names: (v) => [`average_${v.series.id}`, `mean_${v.series.id}`, `${v.series.id}_average`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { values: [v.series.id, 'values', 'numbers', 'data'] });
    const phrase = `average ${v.series.noun}`;
    const source = fill(
      dedent(`
        def $fn($values):
            """The $phrase, rounded to two decimals; 0.0 when there is no data."""
            if ⟦cond:not $values⟧:
                return 0.0
            ⟦ret:return round(sum($values) ⟦op:/⟧ len($values), ⟦const:2⟧)⟧
      `),
      { ...n, fn: context.name, phrase },
    );
    const r = context.random;
    // A sum that 3 does not divide makes a mean with more than two decimals.
    let three = makeSeries(v, r, 3);
    if (three.reduce((x, y) => x + y, 0) % 3 === 0) three = [three[0]! + 1, three[1]!, three[2]!];
    return {
      recipe: this.id,
      name: context.name,
      params: [n.values],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [],
      cases: [
        { label: 'uneven', args: [three] },
        { label: 'four_days', args: [makeSeries(v, r, 4)] },
        { label: 'single', args: [makeSeries(v, r, 1)] },
        { label: 'empty', args: [[]] },
      ],
    };
  },
};

export const percentage: Recipe = {
  id: 'percentage',
  role: 'numbers',
  callees: [],
  names: () => ['percentage', 'percent_of', 'share_percent', 'as_percent'],
  build(context) {
    const n = pickNames(context, { part: ['part', 'portion', 'amount', 'count'], whole: ['whole', 'total', 'base', 'out_of'] });
    const phrase = 'as a percentage of';
    const source = fill(
      dedent(`
        def $fn($part, $whole):
            """$part $phrase $whole, to one decimal place; 0.0 when $whole is 0."""
            if ⟦cond:$whole == 0⟧:
                return 0.0
            ⟦ret:return round(⟦const:100⟧ * $part ⟦op:/⟧ $whole, ⟦const:1⟧)⟧
      `),
      { ...n, fn: context.name, phrase },
    );
    const r = context.random;
    const whole = r.pick([3, 6, 7, 9]);
    return {
      recipe: this.id,
      name: context.name,
      params: [n.part, n.whole],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the part ${phrase} the whole`,
      calls: [],
      cases: [
        { label: 'repeating', args: [1, whole] },
        { label: 'quarter', args: [r.pick([1, 3]), 4] },
        { label: 'zero_part', args: [0, 5] },
        { label: 'zero_whole', args: [2, 0] },
      ],
    };
  },
};

export const clamp: Recipe = {
  id: 'clamp',
  role: 'numbers',
  callees: [],
  names: (v) => ['clamp', 'clamp_value', 'keep_within', `bounded_${v.fields.unit.id}`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { value: ['value', 'x', 'amount'], low: ['low', 'lower', 'floor', 'minimum'], high: ['high', 'upper', 'ceiling', 'maximum'] });
    const phrase = 'limited to the range';
    const source = fill(
      dedent(`
        def $fn($value, $low, $high):
            """$value $phrase [$low, $high]."""
            if ⟦cond:$value ⟦op:<⟧ $low⟧:
                return ⟦var:$low|$high⟧
            if $value ⟦op:>⟧ $high:
                return ⟦var:$high|$low⟧
            ⟦ret:return $value⟧
      `),
      { ...n, fn: context.name, phrase },
    );
    const units = [...distinctUnits(v, context.random, 5)].sort((a, b) => a - b);
    const [u0, u1, u2, u3, u4] = floats(units);
    return {
      recipe: this.id,
      name: context.name,
      params: [n.value, n.low, n.high],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the value ${phrase}`,
      calls: [],
      cases: [
        { label: 'below', args: [u0!, u1!, u3!] },
        { label: 'above', args: [u4!, u1!, u3!] },
        { label: 'inside', args: [u2!, u1!, u3!] },
        { label: 'at_low', args: [u1!, u1!, u3!] },
      ],
    };
  },
};

export const tierLabel: Recipe = {
  id: 'tier-label',
  role: 'numbers',
  callees: [],
  names: (v) => [v.tier.id, `${v.tier.id}_for`, `classify_${v.fields.unit.id}`],
  build(context) {
    const v = context.vocabulary;
    const r = context.random;
    const constantsNames = pickNames(context, { high: ['HIGH_MARK', 'UPPER_BOUND', 'TOP_LIMIT'], low: ['LOW_MARK', 'LOWER_BOUND', 'BOTTOM_LIMIT'] });
    const n = pickNames({ ...context, moduleNames: new Set([...context.moduleNames, constantsNames.high, constantsNames.low]) }, { amount: ['amount', 'value', v.fields.unit.id] });
    const units = [...distinctUnits(v, r, 5)].sort((a, b) => a - b);
    const [below, low, between, high, above] = units as [number, number, number, number, number];
    const [top, middle, bottom] = v.tier.labels;
    const phrase = v.tier.noun;
    const source = fill(
      dedent(`
        def $fn($amount):
            """The $phrase for a $unitNoun: "$top" from $HIGH, "$middle" from $LOW, else "$bottom"."""
            if $amount ⟦obo:>=⟧ $HIGH:
                return "$top"
            if $amount ⟦obo:>=⟧ $LOW:
                return "$middle"
            return "$bottom"
      `),
      { ...n, fn: context.name, phrase, unitNoun: v.fields.unit.noun, top, middle, bottom, HIGH: constantsNames.high, LOW: constantsNames.low },
    );
    const literal = (value: number) => (Number.isInteger(value) ? `${value}.0` : String(value));
    return {
      recipe: this.id,
      name: context.name,
      params: [n.amount],
      source,
      constants: [`${constantsNames.high} = ⟦const:${literal(high)}⟧`, `${constantsNames.low} = ⟦const:${literal(low)}⟧`],
      constantNames: [constantsNames.high, constantsNames.low],
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [],
      cases: [
        { label: 'at_high', args: [pyFloat(high)] },
        { label: 'at_low', args: [pyFloat(low)] },
        { label: 'above', args: [pyFloat(above)] },
        { label: 'between', args: [pyFloat(between)] },
        { label: 'below', args: [pyFloat(below)] },
      ],
    };
  },
};

export const feeAfterGrace: Recipe = {
  id: 'fee',
  role: 'timeline',
  callees: [],
  names: (v) => [v.fee.id, `compute_${v.fee.id}`, `${v.fee.id}_for`],
  build(context) {
    const v = context.vocabulary;
    const r = context.random;
    const constant = pickNames(context, { grace: ['FREE_DAYS', 'GRACE_DAYS', 'ALLOWANCE_DAYS'] }).grace;
    const n = pickNames({ ...context, moduleNames: new Set([...context.moduleNames, constant]) }, { days: [v.fee.days, 'days', 'day_count'], perDay: [v.fee.perDay, 'per_day', 'rate'] });
    const grace = r.int(2, 5);
    const phrase = v.fee.noun;
    const source = fill(
      dedent(`
        def $fn($days, $perDay):
            """The $phrase: $perDay for each day after the first $GRACE days."""
            if ⟦cond:$days <= $GRACE⟧:
                return 0
            return ($days ⟦op:-⟧ ⟦obo:$GRACE⟧) * $perDay
      `),
      { ...n, fn: context.name, phrase, GRACE: constant },
    );
    const rate = pyFloat(r.pick(v.domain.values.units));
    return {
      recipe: this.id,
      name: context.name,
      params: [n.days, n.perDay],
      source,
      constants: [`${constant} = ⟦const:${grace}⟧`],
      constantNames: [constant],
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [],
      cases: [
        { label: 'one_day_over', args: [grace + 1, rate] },
        { label: 'well_over', args: [grace + r.int(3, 6), rate] },
        { label: 'within_free_days', args: [grace - 1, rate] },
        { label: 'exactly_free_days', args: [grace, rate] },
      ],
    };
  },
};

export const paginate: Recipe = {
  id: 'paginate',
  role: 'timeline',
  callees: [],
  names: (v) => [`page_of_${v.many}`, 'paginate', `${v.many}_page`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { items: [v.many, 'rows', 'entries'], page: ['page', 'page_number', 'number'], size: ['size', 'per_page', 'page_size'], start: ['start', 'first', 'offset'] });
    const phrase = `one page of ${v.many}`;
    const source = fill(
      dedent(`
        def $fn($items, $page, $size):
            """Return $phrase: the $items on page $page, $size per page (pages count from 1)."""
            $start = ($page ⟦op:-⟧ ⟦obo:1⟧) * $size
            return $items[$start:⟦obo:$start + $size⟧]
      `),
      { ...n, fn: context.name, phrase },
    );
    const labels = context.random.sample(v.domain.values.labels, 7);
    return {
      recipe: this.id,
      name: context.name,
      params: [n.items, n.page, n.size],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: phrase,
      calls: [],
      cases: [
        { label: 'first_page', args: [labels, 1, 3] },
        { label: 'second_page', args: [labels, 2, 3] },
        { label: 'last_partial_page', args: [labels, 3, 3] },
        { label: 'past_the_end', args: [labels.slice(0, 4), 3, 2] },
      ],
    };
  },
};

export const runningTotal: Recipe = {
  id: 'running-total',
  role: 'timeline',
  callees: [],
  names: (v) => [v.running.id, `compute_${v.running.id}`, `track_${v.running.id}`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { start: [v.running.start, 'start', 'initial'], changes: [v.running.changes, 'changes', 'deltas'], balance: ['balance', 'level', 'current'], history: ['history', 'levels', 'after'], change: ['change', 'delta', 'step'] });
    const phrase = v.running.noun;
    const source = fill(
      dedent(`
        def $fn($start, $changes):
            """The $phrase, starting from $start."""
            $balance = $start
            $history = []
            for $change in $changes:
                $balance ⟦op:+=⟧ $change
                $history.append($balance)
            ⟦ret:return ⟦var:$history|$changes⟧⟧
      `),
      { ...n, fn: context.name, phrase },
    );
    const r = context.random;
    const start = r.int(5, 20);
    return {
      recipe: this.id,
      name: context.name,
      params: [n.start, n.changes],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the ${phrase}`,
      calls: [],
      cases: [
        { label: 'mixed', args: [start, [r.int(1, 9), -r.int(1, 4), r.int(1, 5)]] },
        { label: 'down_to_zero', args: [4, [-4]] },
        { label: 'no_changes', args: [start, []] },
      ],
    };
  },
};

export const longestStreak: Recipe = {
  id: 'longest-streak',
  role: 'timeline',
  callees: [],
  names: (v) => ['longest_streak', `best_${v.series.id}_run`, 'longest_run_at_least'],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { values: [v.series.id, 'values', 'days'], goal: ['goal', 'target', 'minimum'], best: ['best', 'longest', 'record'], current: ['current', 'run', 'streak'], x: ['x', 'value', 'day'] });
    const phrase = `in a row with ${v.series.noun} of at least`;
    const source = fill(
      dedent(`
        def $fn($values, $goal):
            """Length of the longest run of $ones $phrase $goal."""
            $best = 0
            $current = 0
            for $x in $values:
                if ⟦cond:$x ⟦obo:>=⟧ $goal⟧:
                    $current += 1
                    $best = max($best, ⟦var:$current|$goal⟧)
                else:
                    $current = 0
            ⟦ret:return ⟦var:$best|$current⟧⟧
      `),
      { ...n, fn: context.name, phrase, ones: `${v.series.one}s` },
    );
    const r = context.random;
    const goal = r.int(5, 10);
    const above = () => goal + r.int(1, 6);
    const below = () => r.int(0, goal - 1);
    return {
      recipe: this.id,
      name: context.name,
      params: [n.values, n.goal],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the longest run of ${v.series.one}s ${phrase} the goal`,
      calls: [],
      cases: [
        // The longest run holds a day exactly at the goal and is followed by a shorter one.
        { label: 'run_touching_goal', args: [[below(), above(), goal, above(), below(), above(), below()], goal] },
        { label: 'run_at_the_end', args: [[above(), below(), above(), goal, above(), above()], goal] },
        { label: 'never_reached', args: [[below(), below()], goal] },
        { label: 'empty', args: [[], goal] },
      ],
    };
  },
};

export const spread: Recipe = {
  id: 'spread',
  role: 'numbers',
  callees: [],
  names: (v) => [`${v.series.id}_range`, 'spread', `range_of_${v.series.id}`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { values: [v.series.id, 'values', 'numbers'], lo: ['lo', 'lowest', 'smallest'], hi: ['hi', 'highest', 'largest'] });
    const phrase = 'highest minus lowest';
    const source = fill(
      dedent(`
        def $fn($values):
            """Range of the $noun: $phrase, 0 when there is no data."""
            if ⟦cond:not $values⟧:
                return 0
            $lo = min($values)
            $hi = max($values)
            return $hi ⟦op:-⟧ ⟦var:$lo|$hi⟧
      `),
      { ...n, fn: context.name, phrase, noun: v.series.noun },
    );
    const r = context.random;
    return {
      recipe: this.id,
      name: context.name,
      params: [n.values],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the range of the ${v.series.noun} (${phrase})`,
      calls: [],
      cases: [
        { label: 'several', args: [[r.int(3, 6), r.int(10, 14), r.int(0, 2), r.int(7, 9)]] },
        { label: 'single', args: [[r.int(1, 9)]] },
        { label: 'empty', args: [[]] },
      ],
    };
  },
};

export const applyRate: Recipe = {
  id: 'apply-rate',
  role: 'numbers',
  callees: [],
  names: (v) => [`apply_${v.rate.id}`, `after_${v.rate.id}`, `minus_${v.rate.id}`],
  build(context) {
    const v = context.vocabulary;
    const n = pickNames(context, { amount: ['amount', 'value', 'gross'], rate: ['rate', 'fraction', 'ratio'] });
    const phrase = `after taking off a ${v.rate.noun}`;
    const source = fill(
      dedent(`
        def $fn($amount, $rate):
            """$amount $phrase of $rate (0.1 takes off 10%), to two decimals."""
            return round($amount * (1 ⟦op:-⟧ $rate), ⟦const:2⟧)
      `),
      { ...n, fn: context.name, phrase },
    );
    const r = context.random;
    const unit = r.pick(v.domain.values.units);
    return {
      recipe: this.id,
      name: context.name,
      params: [n.amount, n.rate],
      source,
      constants: [],
      constantNames: [],
      phrase,
      resultNoun: `the amount ${phrase}`,
      calls: [],
      cases: [
        { label: 'tenth', args: [pyFloat(unit * 8), pyFloat(0.1)] },
        { label: 'odd_cents', args: [pyFloat(15.5), pyFloat(r.pick([0.15, 0.35]))] },
        { label: 'no_rate', args: [pyFloat(unit * 4), pyFloat(0.0)] },
      ],
    };
  },
};

export const LEAF_RECIPES: readonly Recipe[] = [
  weightedTotal,
  countAtLeast,
  groupSum,
  topN,
  mean,
  percentage,
  clamp,
  tierLabel,
  feeAfterGrace,
  paginate,
  runningTotal,
  longestStreak,
  spread,
  applyRate,
];
