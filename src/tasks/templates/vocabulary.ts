/**
 * The words one repository uses, chosen once from its domain's pools: which record noun, which key
 * for each field, which identifiers for the things it computes. Sample records come from here too,
 * so every function of a package agrees on what a record looks like.
 */
import { pyFloat, type PyValue } from '../code/python-values.js';
import type { Random } from '../random.js';
import type { Domain, FieldWord } from './domains.js';

export interface Vocabulary {
  domain: Domain;
  one: string;
  many: string;
  fields: { label: FieldWord; count: FieldWord; unit: FieldWord; extra: FieldWord; group: FieldWord };
  total: { id: string; noun: string };
  series: { id: string; noun: string; one: string };
  rate: { id: string; noun: string };
  fee: { id: string; noun: string; days: string; perDay: string };
  tier: { id: string; noun: string; labels: readonly [string, string, string] };
  running: { id: string; noun: string; changes: string; start: string };
}

export function chooseVocabulary(domain: Domain, random: Random): Vocabulary {
  const record = random.pick(domain.records);
  const used = new Set<string>();
  const field = (pool: readonly FieldWord[]): FieldWord => {
    const choice = random.pick(pool.filter((word) => !used.has(word.id)));
    used.add(choice.id);
    return choice;
  };
  return {
    domain,
    one: record.one,
    many: record.many,
    fields: { label: field(domain.fields.label), count: field(domain.fields.count), unit: field(domain.fields.unit), extra: field(domain.fields.extra), group: field(domain.fields.group) },
    total: { id: random.pick(domain.total.ids), noun: domain.total.noun },
    series: { id: random.pick(domain.series.ids), noun: domain.series.noun, one: domain.series.one },
    rate: { id: random.pick(domain.rate.ids), noun: domain.rate.noun },
    fee: { id: random.pick(domain.fee.ids), noun: domain.fee.noun, days: random.pick(domain.fee.days), perDay: random.pick(domain.fee.perDay) },
    tier: { id: random.pick(domain.tier.ids), noun: domain.tier.noun, labels: domain.tier.labels },
    running: { id: random.pick(domain.running.ids), noun: domain.running.noun, changes: random.pick(domain.running.changes), start: random.pick(domain.running.start) },
  };
}

export type PyRecord = { [key: string]: PyValue };

export interface RecordOverrides {
  label?: string;
  count?: number;
  unit?: number;
  extra?: number;
  group?: string;
}

/** One sample record; `extra` never equals `count`, so reading the wrong one shows. */
export function makeRecord(vocabulary: Vocabulary, random: Random, overrides: RecordOverrides = {}): PyRecord {
  const { fields, domain } = vocabulary;
  const count = overrides.count ?? random.int(1, 9);
  let extra = overrides.extra ?? random.int(0, 6);
  if (overrides.extra === undefined && extra === count) extra = (count + 3) % 7;
  return {
    [fields.label.id]: overrides.label ?? random.pick(domain.values.labels),
    [fields.count.id]: count,
    [fields.unit.id]: pyFloat(overrides.unit ?? random.pick(domain.values.units)),
    [fields.extra.id]: extra,
    [fields.group.id]: overrides.group ?? random.pick(domain.values.groups),
  };
}

/** `size` records with distinct labels (sorting and grouping stay unambiguous). */
export function makeRecords(vocabulary: Vocabulary, random: Random, size: number, overrides: RecordOverrides[] = []): PyRecord[] {
  const labels = random.sample(vocabulary.domain.values.labels, size);
  return Array.from({ length: size }, (_, index) => makeRecord(vocabulary, random, { label: labels[index]!, ...overrides[index] }));
}

/** Distinct unit amounts, for cases where ties would hide a bug. */
export function distinctUnits(vocabulary: Vocabulary, random: Random, size: number): number[] {
  return random.sample(vocabulary.domain.values.units, size);
}

/** A run of daily numbers in the domain's range. */
export function makeSeries(vocabulary: Vocabulary, random: Random, size: number): number[] {
  const [low, high] = vocabulary.domain.values.series;
  return Array.from({ length: size }, () => random.int(low, high));
}
