/**
 * Reads trajectories from any supported file, guessing the format when it is not given: by
 * extension (.traj, .yaml), then by the shape of the first record. Files that are something else
 * we know (SWE-bench instance rows, a predictions file) are named as such instead of "unknown".
 */
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError, describeLocation } from '../errors.js';
import { parseJson } from '../io/json-parse.js';
import { readJsonLines } from '../io/json-lines.js';
import { readUtf8File } from '../io/utf8.js';
import { chatFormatOf, readChatRecord } from './readers/chat-messages.js';
import type { RecordLocation } from './readers/common.js';
import { readSweAgentDemo } from './readers/swe-agent-demo.js';
import { readSweAgentTraj } from './readers/swe-agent-traj.js';
import { INPUT_FORMATS, type InputFormat, type Trajectory } from './schema.js';
import { readTrajectoryStore } from './store.js';

export interface ReadTrajectory {
  trajectory: Trajectory;
  where: RecordLocation;
}

const FORMAT_LIST = INPUT_FORMATS.join(', ');

type Sniffed = { kind: 'jsonl'; first: unknown; line: number } | { kind: 'json'; value: unknown; text: string } | { kind: 'empty' };

async function sniff(path: string): Promise<Sniffed> {
  if (extname(path).toLowerCase() === '.jsonl') {
    for await (const { line, value } of readJsonLines(path)) return { kind: 'jsonl', first: value, line };
    return { kind: 'empty' };
  }
  const text = await readUtf8File(path);
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown, text };
  } catch {
    const firstLine = text.split('\n').findIndex((line) => line.trim() !== '');
    const candidate = text.split('\n')[firstLine]!;
    try {
      return { kind: 'jsonl', first: JSON.parse(candidate) as unknown, line: firstLine + 1 };
    } catch {
      if (/^\s*[[{]/.test(text)) parseJson(text, path); // throws the precise error (truncated, bad token at line:column)
      throw new InputError(`${path}: unknown trajectory format (not JSON, JSONL, .traj or .yaml); name its format (one of ${FORMAT_LIST})`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The format of one record, or an error saying what the record is instead. */
function classify(record: unknown, where: string): InputFormat {
  if (!isObject(record)) throw new InputError(`${where}: unknown trajectory format: expected a JSON object, got ${Array.isArray(record) ? 'an array' : typeof record}`);
  if (Array.isArray(record.steps) && typeof record.source_format === 'string') return 'store';
  const chat = chatFormatOf(record);
  if (chat === 'chat-without-actions') {
    throw new InputError(`${where}: chat messages, but no assistant turn has a tool call or a <function=…> call; a trajectory with no actions cannot be used`);
  }
  if (chat) return chat;
  if (Array.isArray(record.trajectory) || Array.isArray(record.history)) return 'swe-agent-traj';
  if (typeof record.instance_id === 'string' && typeof record.base_commit === 'string') {
    throw new InputError(`${where}: this is a SWE-bench instance row (instance_id, base_commit, patch…), not a trajectory`);
  }
  if (typeof record.instance_id === 'string' && 'model_patch' in record) {
    throw new InputError(`${where}: this is a predictions file (instance_id, model_patch), not a trajectory`);
  }
  const keys = Object.keys(record).slice(0, 8).join(', ');
  throw new InputError(`${where}: unknown trajectory format (keys: ${keys || 'none'}); name its format (one of ${FORMAT_LIST})`);
}

/** Guesses a file's format from its extension and first record. */
export async function detectFormat(path: string): Promise<InputFormat> {
  const extension = extname(path).toLowerCase();
  if (extension === '.traj') return 'swe-agent-traj';
  if (extension === '.yaml' || extension === '.yml') return 'swe-agent-demo';
  const sniffed = await sniff(path);
  if (sniffed.kind === 'empty') throw new InputError(`${path}: the file is empty; no trajectories to read`);
  if (sniffed.kind === 'jsonl') return classify(sniffed.first, describeLocation(path, sniffed.line));
  const first = Array.isArray(sniffed.value) ? sniffed.value[0] : sniffed.value;
  if (first === undefined) throw new InputError(`${path}: an empty JSON array; no trajectories to read`);
  return classify(first, Array.isArray(sniffed.value) ? `${path}: [0]` : path);
}

function parseYamlFile(text: string, path: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0]?.line;
      throw new InputError(`${describeLocation(path, line)}: invalid YAML (${error.message.split('\n')[0]})`, { cause: error });
    }
    throw error;
  }
}

/** The records of a JSON-based file: JSONL lines, the items of a JSON array, or one JSON object. */
async function* jsonRecords(path: string, lineOptions: { onInvalidLine?: (error: InputError) => void }): AsyncGenerator<{ value: unknown; where: RecordLocation }> {
  const extension = extname(path).toLowerCase();
  if (extension !== '.jsonl') {
    const text = await readUtf8File(path);
    let whole: unknown;
    let isWholeDocument = true;
    try {
      whole = JSON.parse(text) as unknown;
    } catch {
      isWholeDocument = false;
      // Not one document; JSONL only if its first line stands alone, else report the document's own error.
      const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
      try {
        JSON.parse(firstLine);
      } catch {
        parseJson(text, path);
      }
    }
    if (isWholeDocument) {
      if (Array.isArray(whole)) {
        for (const [index, value] of whole.entries()) yield { value, where: { file: path, index } };
      } else {
        yield { value: whole, where: { file: path } };
      }
      return;
    }
  }
  for await (const { line, value } of readJsonLines(path, lineOptions)) yield { value, where: { file: path, line } };
}

export interface ReadOptions {
  /** The file's format; guessed when absent. */
  format?: InputFormat;
  /**
   * Called for each record of a multi-record file (JSONL) that cannot be read; the read goes on
   * with the next record. Without it, the first bad record stops the read.
   */
  onInvalid?: (error: InputError) => void;
}

/** Every trajectory in a file, validated, with where it came from. */
export async function* readTrajectories(path: string, options: ReadOptions = {}): AsyncGenerator<ReadTrajectory> {
  const format = options.format ?? (await detectFormat(path));
  const onInvalid = options.onInvalid;
  const lineOptions = onInvalid ? { onInvalidLine: onInvalid } : {};
  switch (format) {
    case 'swe-agent-traj': {
      const value = parseJson(await readUtf8File(path), path);
      yield { trajectory: readSweAgentTraj(value, { file: path }), where: { file: path } };
      return;
    }
    case 'swe-agent-demo': {
      const value = parseYamlFile(await readUtf8File(path), path);
      yield { trajectory: readSweAgentDemo(value, { file: path }), where: { file: path } };
      return;
    }
    case 'store':
      for await (const { trajectory, line } of readTrajectoryStore(path, lineOptions)) yield { trajectory, where: { file: path, line } };
      return;
    case 'chat-xml':
    case 'openai-messages': {
      let count = 0;
      for await (const { value, where } of jsonRecords(path, lineOptions)) {
        let trajectory: Trajectory;
        try {
          trajectory = readChatRecord(value, where, format);
        } catch (error) {
          if (!(error instanceof InputError) || !onInvalid) throw error;
          onInvalid(error);
          continue;
        }
        yield { trajectory, where };
        count += 1;
      }
      if (count === 0 && !onInvalid) throw new InputError(`${path}: the file holds no trajectories`);
      return;
    }
  }
}

/** Reads a whole file into memory (small files, tests). */
export async function readAllTrajectories(path: string, options: ReadOptions = {}): Promise<Trajectory[]> {
  const out: Trajectory[] = [];
  for await (const { trajectory } of readTrajectories(path, options)) out.push(trajectory);
  return out;
}
