/**
 * A steps file from math problem files: every problem's step rows as JSONL, written whole (a bad
 * row that stops the read leaves no partial file). Rejected and skipped rows are counted.
 */
import { InputError } from '../../errors.js';
import { writeJsonLines } from '../../io/json-lines.js';
import { StepIdAllocator } from '../../trajectories/steps/decompose.js';
import { emptyReadReport, readMathProblems, type MathReadReport, type ReadMathProblemsOptions } from '../solution/problems-file.js';
import { mathStepRows, type MathStepOptions } from './step-rows.js';

export interface WriteMathStepsOptions extends MathStepOptions, ReadMathProblemsOptions {
  output: string;
}

export interface WriteMathStepsReport extends MathReadReport {
  instances: number;
}

export async function writeMathStepFile(inputs: readonly string[], options: WriteMathStepsOptions): Promise<WriteMathStepsReport> {
  if (inputs.length === 0) throw new InputError('no input files');
  const report = emptyReadReport();
  const ids = new StepIdAllocator();
  async function* rows(): AsyncGenerator<unknown> {
    for (const input of inputs) {
      for await (const problem of readMathProblems(input, options, report)) yield* mathStepRows(problem, options, ids.prefixFor(problem.id));
    }
  }
  const instances = await writeJsonLines(options.output, rows());
  return { ...report, instances };
}
