/**
 * Math problems with worked solutions, from JSONL: `{problem, solution, answer}` rows (with an
 * optional `id` and `dataset`), or rows of another shape such as s1K-1.1's, read through a field
 * map. Each solution is cut into steps (see steps.ts).
 *
 * Two kinds of bad row, handled differently:
 * - a row that is not a usable problem (not JSON, not an object, no problem, an empty solution, no
 *   answer, a repeated id) stops the read with its file and line, unless invalid rows are skipped;
 * - a row whose solution cannot be cut into at least two steps is dropped, reported with its line
 *   and counted, and the read goes on: the SRL paper drops the rewrites that fail its step format.
 */
import { basename } from 'node:path';
import { InputError, describeLocation } from '../../errors.js';
import { readJsonLines } from '../../io/json-lines.js';
import { extractAnswer } from '../answer/extract.js';
import { splitSolution, type FallbackSplitRule, type SolutionStep, type SplitRule } from './steps.js';

/** Which field of a row holds what. `trace` (a reasoning trace) and `id`/`dataset` are optional. */
export interface MathFieldMap {
  id?: string;
  problem: string;
  solution: string;
  answer: string;
  trace?: string;
  dataset?: string;
}

export const PLAIN_FIELDS: Readonly<MathFieldMap> = { id: 'id', problem: 'problem', solution: 'solution', answer: 'answer', dataset: 'dataset' };

/**
 * simplescaling/s1K-1.1: `question`, DeepSeek-R1's reasoning in `deepseek_thinking_trajectory` and
 * its written solution in `deepseek_attempt` (numbered steps, usually), and the reference in
 * `solution` (whose last `\boxed{}`, if any, is the answer).
 */
export const S1K_FIELDS: Readonly<MathFieldMap> = {
  problem: 'question',
  solution: 'deepseek_attempt',
  trace: 'deepseek_thinking_trajectory',
  answer: 'solution',
  dataset: 'source_type',
};

export const FIELD_MAP_PRESETS = { plain: PLAIN_FIELDS, s1k: S1K_FIELDS } as const;
export type FieldMapPreset = keyof typeof FIELD_MAP_PRESETS;

export interface MathProblem {
  id: string;
  /** Where it came from, for messages. */
  file: string;
  line: number;
  problem: string;
  answer: string;
  dataset?: string;
  /** The reasoning trace, when the field map names one. */
  trace?: string;
  steps: SolutionStep[];
  rule: SplitRule;
  preamble: string;
}

export interface MathRowRejection {
  file: string;
  line: number;
  id: string;
  reason: string;
}

export interface ReadMathProblemsOptions {
  fields?: MathFieldMap;
  /** Cut the solution field (default) or the reasoning trace into steps. */
  stepsFrom?: 'solution' | 'trace';
  /** How to cut a solution with no numbered form; without it such a row is rejected. */
  fallbackSplit?: FallbackSplitRule;
  /** Skip rows that are not usable problems (reported through onInvalid) instead of stopping. */
  skipInvalid?: boolean;
  onInvalid?: (error: InputError) => void;
  /** Rows whose steps cannot be parsed. */
  onRejected?: (rejection: MathRowRejection) => void;
}

export interface MathReadReport {
  problems: number;
  /** Rows whose steps could not be parsed. */
  rejected: number;
  /** Unusable rows skipped (only with skipInvalid). */
  skipped: number;
  /** Problems per rule that cut their steps. */
  rules: Record<SplitRule, number>;
}

export function emptyReadReport(): MathReadReport {
  return { problems: 0, rejected: 0, skipped: 0, rules: { numbered: 0, paragraphs: 0, lines: 0 } };
}

function textField(row: Record<string, unknown>, field: string): string | undefined {
  const value = row[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The answer a field holds: its last `\boxed{}` when it has one (a reference solution), else the text. */
function answerOf(text: string): { answer: string } | { error: string } {
  if (!/\\(?:boxed|fbox)(?![a-zA-Z])/.test(text)) return { answer: text.trim() };
  const extracted = extractAnswer(text, { lastNumber: false });
  return extracted.answer === null || extracted.answer === '' ? { error: extracted.reason ?? 'an empty \\boxed{}' } : { answer: extracted.answer };
}

/** The problems of a JSONL file, in order; rejected and skipped rows are counted in `report`. */
export async function* readMathProblems(path: string, options: ReadMathProblemsOptions = {}, report: MathReadReport = emptyReadReport()): AsyncGenerator<MathProblem> {
  const fields = options.fields ?? PLAIN_FIELDS;
  const stepsField = options.stepsFrom === 'trace' ? fields.trace : fields.solution;
  if (stepsField === undefined) throw new InputError('the field map names no reasoning-trace field to take steps from');
  const seenIds = new Map<string, number>();
  const stem = basename(path).replace(/\.jsonl?$/, '');

  const invalid = (line: number, message: string, field?: string): void => {
    const error = new InputError(`${describeLocation(path, line, field)}: ${message}`);
    if (!options.skipInvalid) throw error;
    report.skipped += 1;
    options.onInvalid?.(error);
  };

  const lines = readJsonLines(path, options.skipInvalid ? { onInvalidLine: (error) => ((report.skipped += 1), options.onInvalid?.(error)) } : {});
  for await (const { line, value } of lines) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      invalid(line, `expected a JSON object with ${fields.problem}, ${fields.solution} and ${fields.answer}`);
      continue;
    }
    const row = value as Record<string, unknown>;
    const problem = textField(row, fields.problem);
    if (problem === undefined || problem.trim() === '') {
      invalid(line, 'no problem text', fields.problem);
      continue;
    }
    const solution = textField(row, stepsField);
    if (solution === undefined || solution.trim() === '') {
      invalid(line, stepsField === fields.solution ? 'empty solution' : 'empty reasoning trace', stepsField);
      continue;
    }
    const answerText = textField(row, fields.answer);
    if (answerText === undefined || answerText.trim() === '') {
      invalid(line, 'no answer', fields.answer);
      continue;
    }
    const answer = answerOf(answerText);
    if ('error' in answer) {
      invalid(line, `no answer: ${answer.error}`, fields.answer);
      continue;
    }
    const givenId = fields.id === undefined ? undefined : textField(row, fields.id);
    const id = givenId !== undefined && givenId.trim() !== '' ? givenId : `${stem}-${line}`;
    const earlier = seenIds.get(id);
    if (earlier !== undefined) {
      invalid(line, `${JSON.stringify(id)} already used on line ${earlier}`, fields.id ?? 'id');
      continue;
    }
    seenIds.set(id, line);

    const split = splitSolution(solution, options.fallbackSplit);
    const tooShort = split.ok && split.steps.length < 2;
    if (!split.ok || tooShort) {
      report.rejected += 1;
      const reason = split.ok ? `only one step (${split.rule}): no partial solution to continue` : split.reason;
      options.onRejected?.({ file: path, line, id, reason: `${stepsField}: ${reason}` });
      continue;
    }
    report.problems += 1;
    report.rules[split.rule] += 1;
    const dataset = fields.dataset === undefined ? undefined : textField(row, fields.dataset);
    const trace = fields.trace === undefined ? undefined : textField(row, fields.trace);
    yield {
      id,
      file: path,
      line,
      problem: problem.trim(),
      answer: answer.answer,
      ...(dataset !== undefined && dataset !== '' ? { dataset } : {}),
      ...(trace !== undefined ? { trace } : {}),
      steps: split.steps,
      rule: split.rule,
      preamble: split.preamble,
    };
  }
}

/**
 * A field map from a preset and `field=name` overrides (`problem=question`); a key that is not a
 * field, or an override without `=`, is an InputError naming it.
 */
export function fieldMapFrom(preset: FieldMapPreset, overrides: readonly string[] = []): MathFieldMap {
  const map: MathFieldMap = { ...FIELD_MAP_PRESETS[preset] };
  const keys = ['id', 'problem', 'solution', 'answer', 'trace', 'dataset'] as const;
  for (const override of overrides) {
    const [key, name] = override.split('=', 2) as [string, string | undefined];
    if (name === undefined || name.trim() === '') throw new InputError(`field map: "${override}" is not FIELD=NAME`);
    const known = keys.find((candidate) => candidate === key.trim());
    if (!known) throw new InputError(`field map: "${key}" is not one of ${keys.join(', ')}`);
    map[known] = name.trim();
  }
  return map;
}
