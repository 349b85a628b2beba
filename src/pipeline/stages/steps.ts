/**
 * `steps`: the trajectories cut into SRL step instances (arXiv 2510.25992): one per expert action,
 * its context the problem statement and the H most recent action/observation rounds (H = 2, as in
 * the paper), its target the expert's action alone. The chat form is what the trainer and the
 * export formats read.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonLines } from '../../io/json-lines.js';
import { writeStepFile, STEP_FORMS } from '../../trajectories/steps/write-steps.js';
import { DEFAULT_HISTORY, DEFAULT_OBSERVATION_BUDGET } from '../../trajectories/index.js';
import type { StageDefinition } from '../stage.js';

const settingsSchema = z.strictObject({
  /** Rounds of context before the target: a count, or all of them. */
  history: z.union([z.literal('all'), z.number().int().min(0)]).default(DEFAULT_HISTORY),
  /** Longest observation kept whole, in characters. */
  observationBudget: z.number().int().min(0).default(DEFAULT_OBSERVATION_BUDGET),
  form: z.enum(STEP_FORMS).default('chat'),
});

export const stepsStage: StageDefinition<typeof settingsSchema> = {
  type: 'steps',
  description: 'SRL step instances from trajectories (context: the issue and the H most recent rounds; target: the next action)',
  settings: settingsSchema,
  inputs: { trajectories: { kind: 'trajectories', description: 'expert trajectories' } },
  outputs: { steps: { kind: 'steps', description: 'steps.jsonl, one step instance per line' } },
  version: 1,
  async run({ settings, inputs, dir, progress }) {
    const output = join(dir, 'steps.jsonl');
    progress.total(1, 'files', 'cutting trajectories into steps');
    // Written whole (through a temporary file), so an interrupted run leaves no partial file and a rerun redoes it.
    const { trajectories, steps } = await writeStepFile([inputs.trajectories!.files.store!], { ...settings, output, from: 'store' });
    progress.advance();
    const byTool: Record<string, number> = {};
    const perInstance = new Map<string, number>();
    for await (const { value } of readJsonLines(output)) {
      const row = value as { instance_id?: string; target_parsed: { tool: string } };
      byTool[row.target_parsed.tool] = (byTool[row.target_parsed.tool] ?? 0) + 1;
      if (row.instance_id) perInstance.set(row.instance_id, (perInstance.get(row.instance_id) ?? 0) + 1);
    }
    const counts = [...perInstance.values()];
    return {
      outputs: { steps: { kind: 'steps', files: { steps: output } } },
      headline: `${steps} step instances from ${trajectories} trajectories (H = ${settings.history}, ${settings.form} form)`,
      summary: {
        trajectories,
        steps,
        history: settings.history,
        form: settings.form,
        steps_by_tool: byTool,
        steps_per_trajectory: counts.length > 0 ? { min: Math.min(...counts), max: Math.max(...counts), mean: steps / trajectories } : null,
      },
    };
  },
};
