/**
 * A steps file from math problem files: every problem's step rows as JSONL, written whole (a bad
 * row that stops the read leaves no partial file). Rejected and skipped rows are counted.
 */
import { InputError } from '../../errors.js';
import { writeJsonLines } from '../../io/json-lines.js';
import { StepIdAllocator } from '../../trajectories/steps/decompose.js';
import { emptyReadReport, readMathProblems, type MathReadReport, type ReadMathProblemsOptions } from '../solution/problems-file.js';
import { mathSolutionRow } from './solution-row.js';
import { mathStepRows, type MathStepOptions } from './step-rows.js';

/** Which rows a problem gives: its step rows, its whole-solution row, or both. */
export const MATH_ROW_CHOICES = ['steps', 'solutions', 'both'] as const;
export type MathRowChoice = (typeof MATH_ROW_CHOICES)[number];

export interface WriteMathStepsOptions extends MathStepOptions, ReadMathProblemsOptions {
  output: string;
  /** Default `steps`. */
  rows?: MathRowChoice;
}

export interface WriteMathStepsReport extends MathReadReport {
  instances: number;
}

export async function writeMathStepFile(inputs: readonly string[], options: WriteMathStepsOptions): Promise<WriteMathStepsReport> {
  if (inputs.length === 0) throw new InputError('no input files');
  const report = emptyReadReport();
  const ids = new StepIdAllocator();
  const rows = options.rows ?? 'steps';
  async function* lines(): AsyncGenerator<unknown> {
    for (const input of inputs) {
      for await (const problem of readMathProblems(input, options, report)) {
        const prefix = ids.prefixFor(problem.id);
        if (rows !== 'solutions') yield* mathStepRows(problem, options, prefix);
        if (rows !== 'steps') yield mathSolutionRow(problem, prefix);
      }
    }
  }
  const instances = await writeJsonLines(options.output, lines());
  return { ...report, instances };
}
