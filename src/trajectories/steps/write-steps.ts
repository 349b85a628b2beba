/**
 * `traj steps`: every trajectory of the inputs decomposed into SRL step instances, written as
 * JSONL rows in raw or chat form.
 */
import { InputError } from '../../errors.js';
import { writeJsonLines } from '../../io/json-lines.js';
import { readTrajectories } from '../read.js';
import type { InputFormat } from '../schema.js';
import { chatStepPrompts, rawStepInstances, StepIdAllocator, type StepOptions } from './decompose.js';

export const STEP_FORMS = ['raw', 'chat'] as const;
export type StepForm = (typeof STEP_FORMS)[number];

export interface WriteStepsOptions extends StepOptions {
  form: StepForm;
  output: string;
  from?: InputFormat;
}

export async function writeStepFile(inputs: readonly string[], options: WriteStepsOptions): Promise<{ trajectories: number; steps: number }> {
  if (inputs.length === 0) throw new InputError('no input files');
  const ids = new StepIdAllocator();
  let trajectories = 0;
  async function* rows(): AsyncGenerator<unknown> {
    for (const input of inputs) {
      for await (const { trajectory } of readTrajectories(input, options.from ? { format: options.from } : {})) {
        trajectories += 1;
        const prefix = ids.prefixFor(trajectory.instance_id);
        yield* options.form === 'chat' ? chatStepPrompts(trajectory, options, prefix) : rawStepInstances(trajectory, options, prefix);
      }
    }
  }
  const steps = await writeJsonLines(options.output, rows());
  return { trajectories, steps };
}
