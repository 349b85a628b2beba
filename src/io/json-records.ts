/**
 * Records from a JSON or JSONL file, each with the line it starts on, so a bad record can be named
 * as `file:line`. JSON may hold an array of records, one record, or an object of records keyed by
 * id (both shapes appear in SWE-bench tooling); JSONL holds one record per line.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { jsonErrorOffset, lineAndColumn, notValidJson } from './json-parse.js';
import { parseJsonLine } from './json-lines.js';
import { fileReadError } from './read-error.js';

export interface SourcedRecord {
  value: unknown;
  /** 1-based line where the record starts. */
  line: number;
}

function lineAt(text: string, offset: number): number {
  return lineAndColumn(text, offset).line;
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
    const offset = jsonErrorOffset(error);
    throw notValidJson(file, offset === undefined ? undefined : lineAt(text, offset), error);
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
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line !== '') records.push({ value: parseJsonLine(file, { text: line, line: index + 1 }), line: index + 1 });
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

/**
 * Reads and parses a records file. Unlike the JSONL readers it decodes leniently (a stray byte
 * becomes U+FFFD): instance and prediction files have always loaded that way, and strict decoding
 * would start rejecting files that load today.
 */
export async function readRecords(file: string): Promise<SourcedRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileReadError(file, error);
  }
  return parseRecords(file, text);
}
