/**
 * What every reader shares: loose schemas for chat messages, a final validation that names the
 * file and line, and the ending (exit status, patch) of a trajectory that does not record it.
 */
import { z } from 'zod';
import { InputError } from '../../errors.js';
import { formatIssues, trajectorySchema, type Step, type Trajectory } from '../schema.js';

/** A message's content: a string, null, or OpenAI's list of parts. */
export const messageContentSchema = z.union([
  z.string(),
  z.null(),
  z.array(z.looseObject({ type: z.string().optional(), text: z.string().optional() })),
]);

export function contentText(content: z.infer<typeof messageContentSchema> | undefined): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('');
}

/** Where a record came from, for messages: `file`, `file:12` (JSONL line) or `file: [3]` (JSON array item). */
export interface RecordLocation {
  file: string;
  line?: number;
  index?: number;
}

export function describeRecord(where: RecordLocation): string {
  if (where.line !== undefined) return `${where.file}:${where.line}`;
  if (where.index !== undefined) return `${where.file}: [${where.index}]`;
  return where.file;
}

/** Validates a foreign record's shape, naming the field that is wrong. */
export function parseRecord<T>(schema: z.ZodType<T>, value: unknown, where: RecordLocation, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InputError(`${describeRecord(where)}: not a valid ${what}: ${formatIssues(result.error)}`);
  return result.data;
}

/** The last check of every reader: at least one action, and a trajectory that matches the schema. */
export function finishTrajectory(candidate: Omit<Trajectory, 'steps'> & { steps: Step[] }, where: RecordLocation): Trajectory {
  if (candidate.steps.length === 0) {
    throw new InputError(`${describeRecord(where)}: the trajectory of ${candidate.instance_id} has no actions; nothing to learn from`);
  }
  const result = trajectorySchema.safeParse(candidate);
  if (!result.success) throw new InputError(`${describeRecord(where)}: ${formatIssues(result.error)}`);
  return result.data;
}

/**
 * How a run ended: as recorded, or, where the source does not record it, inferred: a run whose last
 * action is `submit` was submitted, and SWE-agent's submit observation is the diff. `inferred`
 * names the fields that were inferred (readers put it in metadata.inferred).
 */
export function resolveEnding(
  steps: readonly Step[],
  recorded: { exit_status?: string | null | undefined; final_patch?: string | null | undefined } = {},
): { exit_status: string | null; final_patch: string | null; inferred: string[] } {
  const last = steps.at(-1);
  const submitted = last?.parsed_action.tool === 'submit';
  const inferred: string[] = [];
  let exitStatus = recorded.exit_status ?? null;
  if (exitStatus === null && submitted) {
    exitStatus = 'submitted';
    inferred.push('exit_status');
  }
  let finalPatch = recorded.final_patch ?? null;
  if (finalPatch === null && submitted && last.observation.includes('diff --git')) {
    finalPatch = last.observation;
    inferred.push('final_patch');
  }
  return { exit_status: exitStatus, final_patch: finalPatch, inferred };
}

export function fileStem(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(traj|ya?ml|jsonl?|json)$/i, '');
}
