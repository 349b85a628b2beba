/**
 * Records from a JSON or JSONL file, each with the line it starts on, so a bad record can be named
 * as `file:line`. JSON may hold an array of records, one record, or an object of records keyed by
 * id (both shapes appear in SWE-bench tooling); JSONL holds one record per line.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, UnavailableError, describeLocation } from '../errors.js';

export interface SourcedRecord {
  value: unknown;
  /** 1-based line where the record starts. */
  line: number;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function jsonSyntaxError(file: string, text: string, error: unknown, lineOffset = 0): InputError {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  const line = position ? lineAt(text, Number(position[1])) + lineOffset : lineOffset || undefined;
  return new InputError(`${describeLocation(file, line)}: not valid JSON (${message})`, { cause: error });
}

/** Offsets where the elements of a top-level array, or the values of a top-level object, start. */
function topLevelElementOffsets(text: string): number[] {
  const container = text.trimStart().charAt(0);
  // In an array an element follows `[` or `,`; in an object a value follows `:`.
  const opensElement = container === '[' ? new Set(['[', ',']) : new Set([':']);
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
    if (expectElement) {
      if (char !== ']' && char !== '}') offsets.push(i);
      expectElement = false;
    }
    if (char === '"') inString = true;
    else if (char === '[' || char === '{') depth++;
    else if (char === ']' || char === '}') depth--;
    if (depth === 1 && opensElement.has(char)) expectElement = true;
  }
  return offsets;
}

function recordsFromJson(file: string, text: string): SourcedRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw jsonSyntaxError(file, text, error);
  }
  const offsets = topLevelElementOffsets(text);
  if (Array.isArray(parsed)) {
    return parsed.map((value, index) => ({ value, line: lineAt(text, offsets[index] ?? 0) }));
  }
  if (parsed !== null && typeof parsed === 'object') {
    const values = Object.values(parsed);
    // A record of its own has scalar fields; an object of records has only objects as values.
    const isKeyedCollection = values.length > 0 && values.every((value) => value !== null && typeof value === 'object' && !Array.isArray(value));
    if (isKeyedCollection) return values.map((value, index) => ({ value, line: lineAt(text, offsets[index] ?? 0) }));
    return [{ value: parsed, line: lineAt(text, text.length - text.trimStart().length) }];
  }
  throw new InputError(`${file}: expected a JSON array or object of records, got ${parsed === null ? 'null' : typeof parsed}`);
}

function recordsFromJsonl(file: string, text: string): SourcedRecord[] {
  const records: SourcedRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      records.push({ value: JSON.parse(line), line: index + 1 });
    } catch (error) {
      throw new InputError(`${describeLocation(file, index + 1)}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
        cause: error,
      });
    }
  });
  return records;
}

/** Parses `text` as JSON or JSONL: by extension, else by whether the whole text is one JSON value. */
export function parseRecords(file: string, text: string): SourcedRecord[] {
  const body = text.replace(/^\uFEFF/, '');
  if (file.endsWith('.jsonl')) return recordsFromJsonl(file, body);
  if (file.endsWith('.json') || body.trimStart().startsWith('[')) return recordsFromJson(file, body);
  try {
    JSON.parse(body);
    return recordsFromJson(file, body);
  } catch {
    return recordsFromJsonl(file, body);
  }
}

export async function readRecords(file: string): Promise<SourcedRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UnavailableError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  return parseRecords(file, text);
}

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
