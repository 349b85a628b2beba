/**
 * The problems an answer evaluation grades against: JSONL `{"id", "problem", "answer", "dataset"?}`
 * (the task family's problems.jsonl is such a file). A problem without a dataset belongs to
 * `default`. A bad line is an error naming the file and line.
 */
import { InputError, describeLocation } from '../../errors.js';
import { readJsonLines } from '../../io/json-lines.js';

export const DEFAULT_DATASET = 'default';

export interface EvalProblem {
  id: string;
  problem: string;
  answer: string;
  dataset: string;
  line: number;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export async function loadEvalProblems(path: string): Promise<Map<string, EvalProblem>> {
  const problems = new Map<string, EvalProblem>();
  for await (const { line, value } of readJsonLines(path)) {
    const where = (field?: string) => describeLocation(path, line, field);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${where()}: expected a JSON object {"id", "problem", "answer"}`);
    const row = value as Record<string, unknown>;
    const id = idOf(row.id);
    if (id === undefined) throw new InputError(`${where('id')}: expected a non-empty string or number`);
    if (typeof row.problem !== 'string') throw new InputError(`${where('problem')}: expected the problem text`);
    const answer = typeof row.answer === 'number' ? String(row.answer) : row.answer;
    if (typeof answer !== 'string' || answer.trim() === '') throw new InputError(`${where('answer')}: no answer`);
    if (row.dataset !== undefined && (typeof row.dataset !== 'string' || row.dataset === '')) throw new InputError(`${where('dataset')}: expected a non-empty string`);
    const earlier = problems.get(id);
    if (earlier) throw new InputError(`${where('id')}: ${JSON.stringify(id)} already used on line ${earlier.line}`);
    problems.set(id, { id, problem: row.problem, answer, dataset: (row.dataset as string | undefined) ?? DEFAULT_DATASET, line });
  }
  if (problems.size === 0) throw new InputError(`${path}: no problems`);
  return problems;
}
