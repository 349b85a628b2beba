/**
 * What a made task is on disk. The instance (instances.jsonl) is SWE-bench's row and is all a
 * policy may see. The teacher record (teacher.jsonl, a sidecar) is what an expert knows: where the
 * bug is, what to search for, how to reproduce it, and the fix as exact `str_replace` edits. It is
 * kept out of the instance so no prompt built from instances can leak it.
 */
import { z } from 'zod';
import { validateRecord } from '../eval/validate-record.js';
import { readRecords } from '../io/json-records.js';
import { BUG_KINDS } from './bugs/bug-kinds.js';
import { TEST_FRAMEWORKS, TIERS } from './package/plan.js';

/** SWE-bench's fields, in its order. */
export interface TaskInstance {
  repo: string;
  instance_id: string;
  base_commit: string;
  patch: string;
  test_patch: string;
  problem_statement: string;
  hints_text: string;
  created_at: string;
  version: string;
  FAIL_TO_PASS: string[];
  PASS_TO_PASS: string[];
  environment_setup_commit: string;
}

const place = z.object({ file: z.string(), function: z.string(), line: z.number().int().positive() });

export const teacherRecordSchema = z.object({
  instance_id: z.string(),
  tier: z.enum(TIERS),
  bug_kind: z.enum(BUG_KINDS),
  template: z.string(),
  test_framework: z.enum(TEST_FRAMEWORKS),
  /** The function the problem statement is about (hard: one call above the bug). */
  symptom: place,
  /** The first bug site: where an expert ends up. */
  bug: place,
  /** Every bug site, in edit order; `buggy_line` is null where the bug deleted a line. */
  sites: z.array(
    place.extend({
      bug_kind: z.enum(BUG_KINDS),
      buggy_line: z.string().nullable(),
      fixed_line: z.string(),
    }),
  ),
  /** What to search for, in order, and the files at the base commit where the text occurs. */
  search: z.array(z.object({ query: z.string(), kind: z.enum(['symbol', 'phrase']), found_in: z.array(z.string()) })),
  /** A command that shows the symptom at the base commit (run in /testbed). */
  reproduce: z.object({ command: z.string(), expected_output: z.string(), actual_output: z.string() }),
  /** The gold fix: applied in order to the base files, they give exactly the gold-patched files. */
  edits: z.array(z.object({ path: z.string(), old_str: z.string(), new_str: z.string() })),
  /** Runs the tests present at the base commit in the files the test patch touches. */
  test_command: z.string(),
  /** Functions elsewhere that share a bug site's function name (hard tier). */
  namesakes: z.array(z.object({ file: z.string(), function: z.string() })),
  FAIL_TO_PASS: z.array(z.string()),
  PASS_TO_PASS: z.array(z.string()),
});

export type TeacherRecord = z.infer<typeof teacherRecordSchema>;

/** Reads teacher.jsonl (or JSON); a bad record is named by file, line and field. */
export async function loadTeacherRecords(file: string): Promise<TeacherRecord[]> {
  return (await readRecords(file)).map((record) => validateRecord(teacherRecordSchema, record, file, 'teacher record'));
}
