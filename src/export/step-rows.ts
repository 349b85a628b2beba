/**
 * Reading the step rows `export` takes, each validated, with the file and line named when one is
 * wrong: the chat-form SWE rows `traj steps --form chat` writes, or the math rows `math steps`
 * (and `traj steps --domain math`) write; plain-JSONL exports read back as either.
 */
import { z } from 'zod';
import { InputError, describeLocation } from '../errors.js';
import { readJsonLines } from '../io/json-lines.js';
import { isMathRow, MATH_DOMAIN, mathStepRowSchema, type MathStepRow } from '../math/steps/step-row-schema.js';
import { formatIssues } from '../trajectories/schema.js';
import { chatStepRowSchema, expertOfRow, type ChatStepRow } from '../trajectories/steps/schema.js';
import { groundTruthMatchesRow, type MathGroundTruth, type SweGroundTruth } from './ground-truth.js';

export const EXPORT_DOMAINS = ['swe', 'math'] as const;
export type ExportDomain = (typeof EXPORT_DOMAINS)[number];

const exportableRowSchema = chatStepRowSchema.extend({
  instance_id: z.string({ error: 'expected the instance id as a string' }),
  step_index: z.int({ error: 'expected the step index as an integer' }).nonnegative(),
});

export type ExportableStepRow = ChatStepRow & { instance_id: string; step_index: number };

interface Located {
  file: string;
  line: number;
}

export type SourcedStepRow =
  | (Located & { domain: 'swe'; row: ExportableStepRow; groundTruth: SweGroundTruth })
  | (Located & { domain: 'math'; row: MathStepRow; groundTruth: MathGroundTruth });

function sweRow(value: unknown, file: string, line: number): SourcedStepRow {
  if (isMathRow(value)) throw new InputError(`${describeLocation(file, line, 'domain')}: a math step row; export math rows with the math domain (--domain math)`);
  const isChat = typeof value === 'object' && value !== null && 'messages' in value;
  if (!isChat) {
    throw new InputError(`${describeLocation(file, line)}: a raw step row; export needs chat-form step rows (messages, target), as traj steps writes them in the chat form`);
  }
  const parsed = exportableRowSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${describeLocation(file, line)}: not a chat step row: ${formatIssues(parsed.error)}`);
  const row = parsed.data as ExportableStepRow;
  const groundTruth: SweGroundTruth = { target: row.target, tool_format: row.tool_format };
  // The exported ground truth is the target text; the reward parses it back. Refuse a row where
  // that would score differently from the row's own parsed action.
  if (!groundTruthMatchesRow(groundTruth, expertOfRow(row))) {
    throw new InputError(`${describeLocation(file, line, 'target')}: does not parse back to target_parsed as ${row.tool_format}, so a reward from the exported ground truth would differ`);
  }
  return { domain: 'swe', row, groundTruth, file, line };
}

function mathRow(value: unknown, file: string, line: number): SourcedStepRow {
  if (!isMathRow(value)) {
    throw new InputError(`${describeLocation(file, line, 'domain')}: not a math step row (no domain "math"); math step rows come from swe-srl math steps or traj steps --domain math`);
  }
  const parsed = mathStepRowSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${describeLocation(file, line)}: not a math step row: ${formatIssues(parsed.error)}`);
  // The math reward compares text with text, so the ground truth is the target itself.
  return { domain: 'math', row: parsed.data, groundTruth: { target: parsed.data.target, domain: MATH_DOMAIN }, file, line };
}

/** The step rows of the files, in order; a row of the other domain, a bad row or a repeated step id is an error naming its line. */
export async function* readExportableSteps(inputs: readonly string[], domain: ExportDomain = 'swe'): AsyncGenerator<SourcedStepRow> {
  const seen = new Map<string, string>();
  for (const file of inputs) {
    for await (const { line, value } of readJsonLines(file)) {
      const sourced = domain === 'math' ? mathRow(value, file, line) : sweRow(value, file, line);
      const earlier = seen.get(sourced.row.step_id);
      if (earlier !== undefined) throw new InputError(`${describeLocation(file, line, 'step_id')}: ${JSON.stringify(sourced.row.step_id)} already used at ${earlier}`);
      seen.set(sourced.row.step_id, `${file}:${line}`);
      yield sourced;
    }
  }
}
