/**
 * `math-steps`: math problems cut into SRL step rows (the problem and the expert's steps so far,
 * targeting the next step; all earlier steps by default, as the paper shows them) and/or
 * whole-solution rows (the problem alone, targeting the whole solution: what SFT on solutions and
 * math RLVR learn from). The rows are a `steps` artefact, so the trainer stages take them as they
 * take SWE step rows.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_PREFIX_BUDGET, MATH_ROW_CHOICES, writeMathStepFile } from '../../math/index.js';
import type { StageDefinition } from '../stage.js';

const settingsSchema = z.strictObject({
  /** Step rows, whole-solution rows, or both. */
  rows: z.enum(MATH_ROW_CHOICES).default('steps'),
  /** Earlier steps shown in a step row: all, or the H most recent. */
  history: z.union([z.literal('all'), z.number().int().min(1)]).default('all'),
  /** Give the next step's title in the prompt (the paper's footnote). */
  nextTitle: z.boolean().default(false),
  /** Most (approximate) tokens of partial solution in a step row's prompt. */
  prefixBudget: z.number().int().min(1).default(DEFAULT_PREFIX_BUDGET),
});

export const mathStepsStage: StageDefinition<typeof settingsSchema> = {
  type: 'math-steps',
  description: 'math problems as SRL step rows (problem + steps so far → next step) and/or whole-solution rows (problem → solution)',
  settings: settingsSchema,
  inputs: { problems: { kind: 'problems', description: 'math problems with numbered-step solutions' } },
  outputs: { steps: { kind: 'steps', description: 'steps.jsonl, one math row per line (domain: math)' } },
  version: 1,
  usesSandboxes: false,
  async run({ settings, inputs, dir, progress }) {
    const output = join(dir, 'steps.jsonl');
    progress.total(1, 'files', 'cutting solutions into rows');
    const rejected: string[] = [];
    const report = await writeMathStepFile([inputs.problems!.files.problems!], {
      output,
      rows: settings.rows,
      history: settings.history,
      nextTitle: settings.nextTitle,
      prefixBudget: settings.prefixBudget,
      onRejected: (rejection) => rejected.push(`${rejection.file}:${rejection.line}: ${rejection.reason}`),
    });
    for (const line of rejected) progress.warn(`dropped ${line}`);
    progress.advance();
    return {
      outputs: { steps: { kind: 'steps', files: { steps: output } } },
      headline: `${report.instances} ${settings.rows === 'both' ? 'step and solution' : settings.rows === 'solutions' ? 'solution' : 'step'} rows from ${report.problems} problems${report.rejected > 0 ? ` (${report.rejected} dropped: steps not parsed)` : ''}`,
      summary: { rows: report.instances, row_kind: settings.rows, problems: report.problems, rejected: report.rejected, history: settings.history, next_title: settings.nextTitle },
    };
  },
};
