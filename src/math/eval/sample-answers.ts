/**
 * Sampling k answers per problem from a policy (any `Policy`: an OpenAI-compatible endpoint, the
 * trainer's local model), for `eval-math` to grade as Avg@k. The prompt is the math evaluation
 * prompt and the problem. Lines are appended as each problem finishes, so a long run can be
 * stopped and run again: problems that already have k samples are not asked again, and one that
 * has fewer gets only the missing ones.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../errors.js';
import { writeFileAtomically } from '../../io/atomic-write.js';
import type { Policy } from '../../policy/types.js';
import { mathSolutionMessages } from '../steps/solution-row.js';
import { loadEvalProblems } from './eval-problems.js';

export interface SampleAnswersOptions {
  problems: string;
  /** The predictions JSONL: `{"id", "sample", "response", "finish_reason", "model"}` lines. */
  output: string;
  policy: Policy;
  /** Samples per problem (k). */
  samples: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Seeds each problem's request (`seed + index`), for policies that take one (the local policy). */
  seed?: number;
  systemPrompt?: string;
  /** Stops between (and, for policies that honour it, during) requests. */
  signal?: AbortSignal;
  onProblem?: (event: { id: string; index: number; total: number; asked: number; had: number }) => void;
}

export interface SampleAnswersReport {
  problems: number;
  /** Samples asked for in this run. */
  asked: number;
  /** Samples found from an earlier run. */
  reused: number;
}

/** Samples already in the output, per id; a torn last line (a killed run) is dropped from the file. */
async function existingSamples(path: string): Promise<Map<string, number>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  const counts = new Map<string, number>();
  const kept: string[] = [];
  let torn = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as { id?: unknown };
      if (typeof value.id !== 'string') throw new Error('no id');
      counts.set(value.id, (counts.get(value.id) ?? 0) + 1);
      kept.push(line);
    } catch {
      torn = true;
    }
  }
  if (torn) await writeFileAtomically(path, kept.map((line) => `${line}\n`).join(''));
  return counts;
}

export async function sampleAnswers(options: SampleAnswersOptions): Promise<SampleAnswersReport> {
  if (!Number.isInteger(options.samples) || options.samples < 1) throw new InputError(`samples: expected a positive integer, got ${options.samples}`);
  const problems = [...(await loadEvalProblems(options.problems)).values()];
  await mkdir(dirname(options.output), { recursive: true });
  const have = await existingSamples(options.output);
  const report: SampleAnswersReport = { problems: problems.length, asked: 0, reused: 0 };
  for (const [index, problem] of problems.entries()) {
    const had = Math.min(have.get(problem.id) ?? 0, options.samples);
    report.reused += had;
    const missing = options.samples - had;
    options.onProblem?.({ id: problem.id, index, total: problems.length, asked: missing, had });
    if (missing === 0) continue;
    options.signal?.throwIfAborted();
    const response = await options.policy.complete({
      messages: mathSolutionMessages(problem.problem, options.systemPrompt),
      n: missing,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.topP !== undefined ? { topP: options.topP } : {}),
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
      ...(options.seed !== undefined ? { seed: options.seed + index } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const lines = response.samples.slice(0, missing).map((sample, i) =>
      JSON.stringify({ id: problem.id, sample: had + i, response: sample.text, finish_reason: sample.finishReason, model: response.model }),
    );
    await appendFile(options.output, lines.map((line) => `${line}\n`).join(''));
    report.asked += lines.length;
  }
  return report;
}
