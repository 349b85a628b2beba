/**
 * SWE-bench task instances: a repository at a commit, an issue, the gold patch, the test patch and
 * the tests that decide resolution. Read from JSON or JSONL as SWE-bench ships them, where
 * FAIL_TO_PASS/PASS_TO_PASS are sometimes lists and sometimes JSON strings holding lists.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { InputError, describeLocation } from '../errors.js';
import { readRecords, type SourcedRecord } from '../io/json-records.js';
import { validateRecord } from './validate-record.js';

/** Ids become directory names under the logs folder, so they must not climb out of it. */
export const safePathSegment = z
  .string()
  .min(1, 'must not be empty')
  .refine((value) => !/[/\\\u0000-\u001f]/.test(value) && value !== '.' && value !== '..', {
    message: 'must not contain slashes or control characters (it names a directory)',
  });

const testNameList = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  },
  z.array(z.string(), { error: 'expected a list of test names, or a JSON string holding one' }),
);

export const instanceSchema = z.looseObject({
  instance_id: safePathSegment,
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected "owner/name"'),
  base_commit: z.string().min(1, 'must not be empty'),
  problem_statement: z.string().default(''),
  patch: z.string().default(''),
  test_patch: z.string().default(''),
  FAIL_TO_PASS: testNameList,
  PASS_TO_PASS: testNameList.default([]),
  // Optional SWE-bench extensions: tests expected to fail before and after, or to break.
  FAIL_TO_FAIL: testNameList.optional(),
  PASS_TO_FAIL: testNameList.optional(),
  // Some datasets store versions as numbers (0.8 instead of "0.8").
  version: z.union([z.string(), z.number().transform(String)]).optional(),
  environment_setup_commit: z.string().optional(),
});

export type Instance = z.infer<typeof instanceSchema>;

/**
 * Validates records as instances. A record repeated verbatim is kept once (SWE-bench's own sample
 * files repeat rows); two different records under one id are an error, since either could be meant.
 */
export function parseInstanceRecords(file: string, records: SourcedRecord[]): Instance[] {
  const seen = new Map<string, SourcedRecord>();
  const instances: Instance[] = [];
  for (const record of records) {
    const instance = validateRecord(instanceSchema, record, file, 'instance');
    const earlier = seen.get(instance.instance_id);
    if (earlier === undefined) {
      seen.set(instance.instance_id, record);
      instances.push(instance);
    } else if (!isDeepStrictEqual(earlier.value, record.value)) {
      throw new InputError(
        `${describeLocation(file, record.line, 'instance_id')}: instance ${JSON.stringify(instance.instance_id)} appears again with different fields (first at line ${earlier.line})`,
      );
    }
  }
  return instances;
}

/** Reads and validates every instance in a JSON or JSONL file. */
export async function loadInstances(file: string): Promise<Instance[]> {
  return parseInstanceRecords(file, await readRecords(file));
}
