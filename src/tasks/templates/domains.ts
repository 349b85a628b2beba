/**
 * Repository templates: the domains a generated package is about. A domain gives the words (package,
 * module, field and function names, the nouns problem statements use) and the sample values; the
 * recipes give the code. Every list is a pool the seed picks from, so two tasks of one domain still
 * differ in their names and layout.
 */

/** A field of the records a package works on: the key in the dicts, and how prose names it. */
export interface FieldWord {
  id: string;
  noun: string;
}

/** Something the domain computes: identifiers for code, a noun for prose. */
export interface Concept {
  ids: readonly string[];
  noun: string;
}

export interface Domain {
  id: string;
  /** What the package is for, in the README. */
  title: string;
  packages: readonly string[];
  records: ReadonlyArray<{ one: string; many: string }>;
  fields: {
    /** A string naming the record. */
    label: readonly FieldWord[];
    /** A whole-number multiplier. */
    count: readonly FieldWord[];
    /** A per-unit amount (a float). */
    unit: readonly FieldWord[];
    /** Another whole number on each record (what a wrong key reads instead). */
    extra: readonly FieldWord[];
    /** A category the records group by. */
    group: readonly FieldWord[];
  };
  /** Weighted total: count times unit, summed. */
  total: Concept;
  /** A list of daily numbers (averages, streaks, ranges). */
  series: Concept & { one: string };
  /** A fraction taken off an amount. */
  rate: Concept;
  /** A charge per day after some free days. */
  fee: Concept & { days: readonly string[]; perDay: readonly string[] };
  /** Named bands of a unit amount, highest first. */
  tier: Concept & { labels: readonly [string, string, string] };
  /** A running balance after each change. */
  running: Concept & { changes: readonly string[]; start: readonly string[] };
  values: {
    labels: readonly string[];
    groups: readonly string[];
    /** Unit amounts: binary fractions, so sums print exactly. */
    units: readonly number[];
    /** Range of the daily numbers. */
    series: readonly [number, number];
  };
  modules: {
    records: readonly string[];
    numbers: readonly string[];
    timeline: readonly string[];
    reports: readonly string[];
    legacy: readonly string[];
  };
}

const f = (id: string, noun: string): FieldWord => ({ id, noun });

export const DOMAINS: readonly Domain[] = [
  {
    id: 'inventory',
    title: 'warehouse stock keeping',
    packages: ['stockroom', 'depot', 'storekeeper', 'shelfwise', 'binkeeper', 'larder'],
    records: [
      { one: 'item', many: 'items' },
      { one: 'product', many: 'products' },
    ],
    fields: {
      label: [f('sku', 'SKU'), f('code', 'code'), f('name', 'name')],
      count: [f('qty', 'quantity'), f('quantity', 'quantity'), f('on_hand', 'quantity on hand')],
      unit: [f('price', 'price'), f('unit_price', 'unit price'), f('unit_cost', 'unit cost')],
      extra: [f('reserved', 'reserved count'), f('damaged', 'damaged count'), f('on_order', 'quantity on order')],
      group: [f('aisle', 'aisle'), f('category', 'category'), f('shelf', 'shelf')],
    },
    total: { ids: ['stock_value', 'inventory_value', 'shelf_value'], noun: 'stock value' },
    series: { ids: ['daily_sales', 'sales', 'units_sold'], noun: 'daily sales', one: 'day' },
    rate: { ids: ['markdown', 'discount', 'reduction'], noun: 'markdown' },
    fee: { ids: ['storage_fee', 'holding_charge', 'storage_charge'], noun: 'storage fee', days: ['days', 'days_stored', 'nights'], perDay: ['daily_rate', 'per_day', 'rate'] },
    tier: { ids: ['price_band', 'band', 'price_class'], noun: 'price band', labels: ['premium', 'standard', 'budget'] },
    running: { ids: ['stock_levels', 'levels_after', 'stock_history'], noun: 'stock level after each movement', changes: ['movements', 'changes', 'deltas'], start: ['opening', 'start', 'initial'] },
    values: { labels: ['bolt', 'nut', 'washer', 'hinge', 'spring', 'gear', 'bracket'], groups: ['A', 'B', 'C'], units: [0.5, 1.25, 2.5, 3.75, 4.0, 6.5, 8.0], series: [0, 20] },
    modules: { records: ['stock', 'items', 'catalog'], numbers: ['mathutil', 'numbers', 'calc'], timeline: ['history', 'ledger', 'movements'], reports: ['reports', 'summary', 'overview'], legacy: ['legacy', 'compat', 'old_stock'] },
  },
  {
    id: 'gradebook',
    title: 'course marks and grades',
    packages: ['gradebook', 'markbook', 'coursework', 'rollcall', 'transcript', 'scorecard'],
    records: [
      { one: 'assignment', many: 'assignments' },
      { one: 'entry', many: 'entries' },
    ],
    fields: {
      label: [f('title', 'title'), f('name', 'name'), f('task', 'task')],
      count: [f('weight', 'weight'), f('credits', 'credits'), f('points', 'points')],
      unit: [f('score', 'score'), f('mark', 'mark'), f('grade', 'grade')],
      extra: [f('attempts', 'number of attempts'), f('late_days', 'late days'), f('bonus', 'bonus')],
      group: [f('unit', 'unit'), f('topic', 'topic'), f('term', 'term')],
    },
    total: { ids: ['weighted_score', 'weighted_points', 'total_marks'], noun: 'weighted score' },
    series: { ids: ['attendance', 'daily_attendance', 'present'], noun: 'daily attendance', one: 'day' },
    rate: { ids: ['penalty', 'late_penalty', 'deduction'], noun: 'late penalty' },
    fee: { ids: ['late_deduction', 'lateness_cost', 'late_charge'], noun: 'lateness deduction', days: ['days_late', 'days', 'delay'], perDay: ['per_day', 'daily_cost', 'step'] },
    tier: { ids: ['letter', 'grade_band', 'classification'], noun: 'grade band', labels: ['distinction', 'pass', 'fail'] },
    running: { ids: ['running_marks', 'marks_after', 'cumulative_marks'], noun: 'mark total after each adjustment', changes: ['adjustments', 'changes', 'corrections'], start: ['base', 'start', 'initial'] },
    values: { labels: ['essay', 'quiz', 'lab', 'exam', 'project', 'report', 'poster'], groups: ['algebra', 'geometry', 'logic'], units: [2.5, 4.5, 6.0, 7.25, 8.5, 9.0, 10.0], series: [0, 30] },
    modules: { records: ['marks', 'assessments', 'records'], numbers: ['stats', 'mathutil', 'numeric'], timeline: ['attendance', 'timeline', 'term'], reports: ['reports', 'transcripts', 'summary'], legacy: ['legacy', 'compat', 'old_marks'] },
  },
  {
    id: 'billing',
    title: 'invoices for hourly work',
    packages: ['invoicer', 'billpay', 'timesheet', 'ledgerly', 'feebook', 'tallyho'],
    records: [
      { one: 'line', many: 'lines' },
      { one: 'charge', many: 'charges' },
    ],
    fields: {
      label: [f('description', 'description'), f('service', 'service'), f('item', 'item')],
      count: [f('hours', 'hours'), f('units', 'units'), f('qty', 'quantity')],
      unit: [f('rate', 'rate'), f('hourly_rate', 'hourly rate'), f('unit_price', 'unit price')],
      extra: [f('travel', 'travel hours'), f('overtime', 'overtime hours'), f('breaks', 'break count')],
      group: [f('client', 'client'), f('project', 'project'), f('department', 'department')],
    },
    total: { ids: ['invoice_total', 'subtotal', 'amount_due'], noun: 'invoice subtotal' },
    series: { ids: ['daily_hours', 'hours_logged', 'billable'], noun: 'billable hours per day', one: 'day' },
    rate: { ids: ['discount', 'rebate', 'reduction'], noun: 'discount' },
    fee: { ids: ['late_fee', 'overdue_fee', 'penalty_fee'], noun: 'late fee', days: ['days_overdue', 'days', 'overdue'], perDay: ['per_day', 'daily_fee', 'rate'] },
    tier: { ids: ['rate_class', 'seniority', 'rate_band'], noun: 'rate class', labels: ['senior', 'regular', 'junior'] },
    running: { ids: ['balances', 'running_balance', 'account_history'], noun: 'account balance after each payment', changes: ['payments', 'entries', 'transactions'], start: ['opening_balance', 'start', 'initial'] },
    values: { labels: ['design', 'review', 'support', 'hosting', 'training', 'audit', 'setup'], groups: ['acme', 'globex', 'initech'], units: [12.5, 20.0, 35.5, 42.25, 50.0, 64.0, 80.5], series: [0, 12] },
    modules: { records: ['invoices', 'lines', 'charges'], numbers: ['money', 'mathutil', 'amounts'], timeline: ['accounts', 'ledger', 'payments'], reports: ['reports', 'statements', 'summary'], legacy: ['legacy', 'compat', 'old_invoices'] },
  },
  {
    id: 'fitness',
    title: 'a training log',
    packages: ['trainlog', 'fitbook', 'workout', 'pacekeeper', 'gymnote', 'stridelog'],
    records: [
      { one: 'session', many: 'sessions' },
      { one: 'workout', many: 'workouts' },
    ],
    fields: {
      label: [f('activity', 'activity'), f('name', 'name'), f('sport', 'sport')],
      count: [f('laps', 'laps'), f('sets', 'sets'), f('rounds', 'rounds')],
      unit: [f('distance', 'distance per lap'), f('km', 'kilometres per lap'), f('length', 'lap length')],
      extra: [f('rest', 'rest minutes'), f('warmup', 'warm-up minutes'), f('effort', 'effort')],
      group: [f('week', 'week'), f('coach', 'coach'), f('venue', 'venue')],
    },
    total: { ids: ['total_distance', 'distance_covered', 'volume'], noun: 'total distance' },
    series: { ids: ['daily_steps', 'steps', 'step_counts'], noun: 'daily step count', one: 'day' },
    rate: { ids: ['handicap', 'allowance', 'reduction'], noun: 'handicap' },
    fee: { ids: ['missed_penalty', 'catch_up', 'makeup_minutes'], noun: 'catch-up minutes', days: ['days_missed', 'days', 'gap'], perDay: ['per_day', 'minutes_per_day', 'rate'] },
    tier: { ids: ['intensity', 'effort_band', 'zone'], noun: 'intensity zone', labels: ['hard', 'steady', 'easy'] },
    running: { ids: ['weight_log', 'weights_after', 'body_weight'], noun: 'body weight after each weigh-in', changes: ['changes', 'deltas', 'weigh_ins'], start: ['start_weight', 'start', 'initial'] },
    values: { labels: ['run', 'swim', 'row', 'cycle', 'hike', 'skate', 'climb'], groups: ['w1', 'w2', 'w3'], units: [0.25, 0.4, 0.5, 1.5, 2.0, 2.5, 5.0], series: [0, 15] },
    modules: { records: ['sessions', 'workouts', 'log'], numbers: ['mathutil', 'metrics', 'calc'], timeline: ['streaks', 'history', 'calendar'], reports: ['reports', 'summary', 'dashboard'], legacy: ['legacy', 'compat', 'old_log'] },
  },
  {
    id: 'weather',
    title: 'weather station readings',
    packages: ['skywatch', 'raingauge', 'stationlog', 'barometer', 'climadata', 'windvane'],
    records: [
      { one: 'reading', many: 'readings' },
      { one: 'sample', many: 'samples' },
    ],
    fields: {
      label: [f('station', 'station'), f('site', 'site'), f('sensor', 'sensor')],
      count: [f('hours', 'hours'), f('duration', 'duration in hours'), f('periods', 'periods')],
      unit: [f('rain_rate', 'rain rate'), f('mm_per_hour', 'millimetres per hour'), f('intensity', 'intensity')],
      extra: [f('gusts', 'gust count'), f('outages', 'outages'), f('humidity', 'humidity')],
      group: [f('region', 'region'), f('county', 'county'), f('zone', 'zone')],
    },
    total: { ids: ['total_rainfall', 'rainfall', 'precipitation'], noun: 'total rainfall' },
    series: { ids: ['daily_rain', 'rain_mm', 'daily_totals'], noun: 'daily rainfall', one: 'day' },
    rate: { ids: ['evaporation', 'loss', 'runoff'], noun: 'evaporation loss' },
    fee: { ids: ['drought_index', 'dry_score', 'dryness'], noun: 'drought index', days: ['dry_days', 'days', 'spell'], perDay: ['per_day', 'weight', 'factor'] },
    tier: { ids: ['rain_class', 'severity', 'category'], noun: 'rain category', labels: ['heavy', 'moderate', 'light'] },
    running: { ids: ['reservoir_levels', 'levels', 'storage_after'], noun: 'reservoir level after each inflow or release', changes: ['flows', 'changes', 'inflows'], start: ['start_level', 'start', 'initial'] },
    values: { labels: ['north', 'harbour', 'airport', 'ridge', 'valley', 'mill', 'bridge'], groups: ['coast', 'inland', 'uplands'], units: [0.5, 1.25, 2.0, 3.5, 4.75, 6.0, 7.5], series: [0, 25] },
    modules: { records: ['readings', 'samples', 'stations'], numbers: ['mathutil', 'stats', 'units'], timeline: ['seasons', 'history', 'daily'], reports: ['reports', 'bulletin', 'summary'], legacy: ['legacy', 'compat', 'old_readings'] },
  },
  {
    id: 'shipping',
    title: 'parcel shipping',
    packages: ['parcelpost', 'shipwise', 'courier', 'freightly', 'boxtrack', 'dispatcher'],
    records: [
      { one: 'parcel', many: 'parcels' },
      { one: 'package', many: 'packages' },
    ],
    fields: {
      label: [f('tracking', 'tracking code'), f('ref', 'reference'), f('label', 'label')],
      count: [f('boxes', 'boxes'), f('pieces', 'pieces'), f('units', 'units')],
      unit: [f('weight', 'weight per box'), f('kg', 'kilograms per piece'), f('mass', 'mass per unit')],
      extra: [f('fragile', 'fragile count'), f('returns', 'returns'), f('stops', 'stops')],
      group: [f('zone', 'zone'), f('route', 'route'), f('carrier', 'carrier')],
    },
    total: { ids: ['total_weight', 'shipment_weight', 'load'], noun: 'total shipment weight' },
    series: { ids: ['daily_parcels', 'deliveries', 'dispatched'], noun: 'parcels dispatched per day', one: 'day' },
    rate: { ids: ['allowance', 'tare', 'packaging_share'], noun: 'packaging allowance' },
    fee: { ids: ['demurrage', 'holding_fee', 'late_pickup_fee'], noun: 'holding fee', days: ['days_held', 'days', 'waiting'], perDay: ['per_day', 'daily_fee', 'rate'] },
    tier: { ids: ['weight_class', 'size_band', 'tariff'], noun: 'weight class', labels: ['freight', 'standard', 'letter'] },
    running: { ids: ['van_loads', 'load_after', 'load_history'], noun: 'van load after each stop', changes: ['stops', 'changes', 'drops'], start: ['start_load', 'start', 'initial'] },
    values: { labels: ['p100', 'p204', 'p311', 'p417', 'p520', 'p633', 'p748'], groups: ['east', 'west', 'south'], units: [0.5, 0.75, 1.25, 2.5, 3.0, 4.5, 6.25], series: [0, 40] },
    modules: { records: ['parcels', 'shipments', 'manifest'], numbers: ['mathutil', 'rates', 'calc'], timeline: ['routes', 'schedule', 'daily'], reports: ['reports', 'manifests', 'summary'], legacy: ['legacy', 'compat', 'old_manifest'] },
  },
];

export const TEMPLATE_IDS = DOMAINS.map((domain) => domain.id);

export function findDomain(id: string): Domain | undefined {
  return DOMAINS.find((domain) => domain.id === id);
}
