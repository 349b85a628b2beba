/**
 * Reading the chat-form step rows that `traj steps --form chat` writes (and the plain export
 * writes back): each validated, with the file and line named when one is wrong.
 */
import { z } from 'zod';
import { InputError, describeLocation } from '../errors.js';
import { readJsonLines } from '../io/json-lines.js';
import { formatIssues } from '../trajectories/schema.js';
import { chatStepRowSchema, expertOfRow, type ChatStepRow } from '../trajectories/steps/schema.js';
import { groundTruthMatchesRow, type SrlGroundTruth } from './ground-truth.js';

const exportableRowSchema = chatStepRowSchema.extend({
  instance_id: z.string({ error: 'expected the instance id as a string' }),
  step_index: z.int({ error: 'expected the step index as an integer' }).nonnegative(),
});

export type ExportableStepRow = ChatStepRow & { instance_id: string; step_index: number };

export interface SourcedStepRow {
  row: ExportableStepRow;
  groundTruth: SrlGroundTruth;
  file: string;
  line: number;
}

/** The chat step rows of the files, in order; a raw row, a bad row or a repeated step id is an error naming its line. */
export async function* readExportableSteps(inputs: readonly string[]): AsyncGenerator<SourcedStepRow> {
  const seen = new Map<string, string>();
  for (const file of inputs) {
    for await (const { line, value } of readJsonLines(file)) {
      const isChat = typeof value === 'object' && value !== null && 'messages' in value;
      if (!isChat) {
        throw new InputError(`${describeLocation(file, line)}: a raw step row; export needs chat-form step rows (messages, target), as traj steps writes them in the chat form`);
      }
      const parsed = exportableRowSchema.safeParse(value);
      if (!parsed.success) throw new InputError(`${describeLocation(file, line)}: not a chat step row: ${formatIssues(parsed.error)}`);
      const row = parsed.data as ExportableStepRow;
      const earlier = seen.get(row.step_id);
      if (earlier !== undefined) throw new InputError(`${describeLocation(file, line, 'step_id')}: ${JSON.stringify(row.step_id)} already used at ${earlier}`);
      seen.set(row.step_id, `${file}:${line}`);
      const groundTruth: SrlGroundTruth = { target: row.target, tool_format: row.tool_format };
      // The exported ground truth is the target text; the reward parses it back. Refuse a row where
      // that would score differently from the row's own parsed action.
      if (!groundTruthMatchesRow(groundTruth, expertOfRow(row))) {
        throw new InputError(`${describeLocation(file, line, 'target')}: does not parse back to target_parsed as ${row.tool_format}, so a reward from the exported ground truth would differ`);
      }
      yield { row, groundTruth, file, line };
    }
  }
}
