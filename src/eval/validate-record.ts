import type { z } from 'zod';
import { InputError, describeLocation } from '../errors.js';
import type { SourcedRecord } from '../io/json-records.js';

/** Validates one record, turning zod's issues into one message that names file, line and field. */
export function validateRecord<T>(schema: z.ZodType<T>, record: SourcedRecord, file: string, label: string): T {
  const result = schema.safeParse(record.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const id = idOf(record.value);
  const what = id ? `${label} ${JSON.stringify(id)}` : label;
  throw new InputError(`${describeLocation(file, record.line, field)}: ${issue.message} (in ${what})`);
}

function idOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'instance_id' in value && typeof value.instance_id === 'string') return value.instance_id;
  return undefined;
}
