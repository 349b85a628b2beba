/**
 * `eval-math`: grades sampled answers against the problems and reports Avg@k, as the SRL paper
 * reports its math results (Avg@32 at temperature 1.0, and greedy, which is Avg@1).
 *
 * - Predictions are JSONL `{"id", "response"}`, any number of lines per problem (the k samples).
 * - One graded line per prediction, `{"id", "extracted", "correct"}`, in order, to the graded file.
 * - Per dataset: `accuracy` over its predictions; `avg_at_k`, the mean over its problems of the
 *   fraction of that problem's samples that are correct; and `k`, the samples per problem (the
 *   smallest count, with `k_max` when counts differ). A problem with no prediction counts as
 *   answered wrongly, and is counted in `problems_without_predictions`.
 * - Overall: `accuracy` over all predictions, and `avg_at_k` averaged over the datasets (the
 *   paper's "Average" column averages its benchmarks).
 */
import { InputError, describeLocation } from '../../errors.js';
import { readJsonLines, writeJsonLines } from '../../io/json-lines.js';
import { answerReward } from '../answer/answer-reward.js';
import { loadEvalProblems } from './eval-problems.js';

export interface GradedPrediction {
  id: string;
  extracted: string | null;
  correct: boolean;
}

export interface DatasetSummary {
  problems: number;
  predictions: number;
  correct: number;
  accuracy: number;
  avg_at_k: number;
  k: number;
  k_max?: number;
  problems_without_predictions: number;
}

export interface MathEvalSummary {
  problems: number;
  predictions: number;
  correct: number;
  accuracy: number;
  /** The mean of the datasets' avg_at_k. */
  avg_at_k: number;
  datasets: Record<string, DatasetSummary>;
  graded: string;
}

export interface GradeOptions {
  problems: string;
  predictions: string;
  /** Where graded lines go; default `gradedPathFor(predictions)`. */
  graded?: string;
  /** Fall back to the last number when a response has no box and no "the answer is" (default true). */
  lastNumber?: boolean;
}

/** `preds.jsonl` → `preds.graded.jsonl`; another name gets `.graded.jsonl` appended. */
export function gradedPathFor(predictionsPath: string): string {
  return /\.jsonl?$/.test(predictionsPath) ? predictionsPath.replace(/\.jsonl?$/, '.graded.jsonl') : `${predictionsPath}.graded.jsonl`;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export async function gradeMathPredictions(options: GradeOptions): Promise<MathEvalSummary> {
  const problems = await loadEvalProblems(options.problems);
  const graded = options.graded ?? gradedPathFor(options.predictions);
  if (graded === options.predictions) throw new InputError(`${graded}: the graded file would overwrite the predictions`);
  const perProblem = new Map<string, { samples: number; correct: number }>();
  let predictions = 0;

  async function* lines(): AsyncGenerator<GradedPrediction> {
    for await (const { line, value } of readJsonLines(options.predictions)) {
      const where = (field?: string) => describeLocation(options.predictions, line, field);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${where()}: expected a JSON object {"id", "response"}`);
      const row = value as Record<string, unknown>;
      const id = typeof row.id === 'number' ? String(row.id) : row.id;
      if (typeof id !== 'string' || id === '') throw new InputError(`${where('id')}: expected the id of a problem`);
      const problem = problems.get(id);
      if (!problem) throw new InputError(`${where('id')}: ${JSON.stringify(id)} is not in ${options.problems}`);
      if (typeof row.response !== 'string') throw new InputError(`${where('response')}: expected the response text`);
      const result = answerReward(row.response, problem.answer, { lastNumber: options.lastNumber ?? true });
      const tally = perProblem.get(id) ?? { samples: 0, correct: 0 };
      tally.samples += 1;
      if (result.correct) tally.correct += 1;
      perProblem.set(id, tally);
      predictions += 1;
      yield { id, extracted: result.extracted, correct: result.correct };
    }
  }
  await writeJsonLines(graded, lines());
  if (predictions === 0) throw new InputError(`${options.predictions}: no predictions`);

  const byDataset = new Map<string, string[]>();
  for (const problem of problems.values()) byDataset.set(problem.dataset, [...(byDataset.get(problem.dataset) ?? []), problem.id]);
  const datasets: Record<string, DatasetSummary> = {};
  let correct = 0;
  for (const [name, ids] of [...byDataset].sort(([a], [b]) => a.localeCompare(b))) {
    const tallies = ids.map((id) => perProblem.get(id));
    const answered = tallies.filter((tally): tally is { samples: number; correct: number } => tally !== undefined);
    const samples = answered.reduce((sum, tally) => sum + tally.samples, 0);
    const right = answered.reduce((sum, tally) => sum + tally.correct, 0);
    correct += right;
    const counts = answered.map((tally) => tally.samples);
    const k = counts.length === 0 ? 0 : Math.min(...counts);
    const kMax = counts.length === 0 ? 0 : Math.max(...counts);
    datasets[name] = {
      problems: ids.length,
      predictions: samples,
      correct: right,
      accuracy: samples === 0 ? 0 : right / samples,
      avg_at_k: mean(tallies.map((tally) => (tally === undefined ? 0 : tally.correct / tally.samples))),
      k,
      ...(kMax !== k ? { k_max: kMax } : {}),
      problems_without_predictions: ids.length - answered.length,
    };
  }
  return {
    problems: problems.size,
    predictions,
    correct,
    accuracy: correct / predictions,
    avg_at_k: mean(Object.values(datasets).map((dataset) => dataset.avg_at_k)),
    datasets,
    graded,
  };
}

/** The summary as a table for people: one row per dataset, then the overall figures. */
export function formatMathEvalTable(summary: MathEvalSummary): string {
  const percent = (value: number) => (Number.isNaN(value) ? 'n/a' : (100 * value).toFixed(1));
  const rows = Object.entries(summary.datasets).map(([name, d]) => [
    name,
    String(d.problems),
    d.k_max === undefined ? String(d.k) : `${d.k}-${d.k_max}`,
    percent(d.avg_at_k),
    percent(d.accuracy),
    String(d.problems_without_predictions),
  ]);
  rows.push(['average (of datasets)', String(summary.problems), '', percent(summary.avg_at_k), percent(summary.accuracy), '']);
  const header = ['dataset', 'problems', 'k', 'avg@k %', 'accuracy %', 'no prediction'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const render = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(render)].join('\n');
}
