/**
 * `traj convert`: reads trajectories from any supported files and writes them to the JSONL store,
 * to chat-XML JSONL, or as one SWE-agent `.traj` per trajectory.
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { writeJsonLines } from '../io/json-lines.js';
import { readTrajectories } from './read.js';
import type { InputFormat, Trajectory } from './schema.js';
import { writeTrajectoryStore } from './store.js';
import { toChatXml } from './writers/chat-xml.js';
import { serializeSweAgentTraj } from './writers/swe-agent-traj.js';

export const OUTPUT_FORMATS = ['store', 'chat-xml', 'swe-agent-traj'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ConvertOptions {
  /** The inputs' format; guessed per file when absent. */
  from?: InputFormat;
  to: OutputFormat;
  /** A JSONL file, or a folder for `swe-agent-traj`. */
  output: string;
  /** Report bad records (or whole bad files) through `onSkip` and go on, instead of stopping. */
  skipInvalid: boolean;
  onSkip?: (error: InputError) => void;
}

export interface ConvertReport {
  written: number;
  skipped: number;
}

/** A file name for an instance id: path separators and odd characters become `_`. */
function safeFileName(instanceId: string): string {
  return instanceId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'trajectory';
}

/** A file-system failure on the output, as a one-line error naming the path (`EEXIST` when -o is a file). */
function outputError(path: string, what: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new InputError(`${path}: ${what} (${code ?? (error instanceof Error ? error.message : String(error))})`, { cause: error });
}

export async function convertTrajectories(inputs: readonly string[], options: ConvertOptions): Promise<ConvertReport> {
  if (inputs.length === 0) throw new InputError('no input files');
  let skipped = 0;
  const skip = (error: InputError): void => {
    skipped += 1;
    options.onSkip?.(error);
  };

  async function* all(): AsyncGenerator<Trajectory> {
    for (const input of inputs) {
      try {
        const reading = readTrajectories(input, {
          ...(options.from ? { format: options.from } : {}),
          ...(options.skipInvalid ? { onInvalid: skip } : {}),
        });
        for await (const { trajectory } of reading) yield trajectory;
      } catch (error) {
        if (!(error instanceof InputError) || !options.skipInvalid) throw error;
        skip(error);
      }
    }
  }

  let written: number;
  switch (options.to) {
    case 'store':
      written = await writeTrajectoryStore(options.output, all());
      break;
    case 'chat-xml': {
      async function* records(): AsyncGenerator<unknown> {
        for await (const trajectory of all()) yield toChatXml(trajectory);
      }
      written = await writeJsonLines(options.output, records());
      break;
    }
    case 'swe-agent-traj':
      written = await writeTrajFolder(options.output, all());
      break;
  }
  return { written, skipped };
}

/**
 * One `.traj` per trajectory in `output`, whole or not at all: the files are written into a staging
 * folder beside it and moved in only once every input has been read, so a bad line in a later input
 * leaves no partial `.traj` behind (and the folder's earlier files as they were).
 */
async function writeTrajFolder(output: string, trajectories: AsyncIterable<Trajectory>): Promise<number> {
  await mkdir(output, { recursive: true }).catch((error: unknown) => {
    throw outputError(output, 'cannot create the output folder', error);
  });
  const staging = await mkdtemp(join(dirname(output), `.${basename(output)}.partial-`)).catch((error: unknown) => {
    throw outputError(output, 'cannot create a staging folder beside it', error);
  });
  try {
    const used = new Map<string, number>();
    let written = 0;
    for await (const trajectory of trajectories) {
      const base = safeFileName(trajectory.instance_id);
      const count = (used.get(base) ?? 0) + 1;
      used.set(base, count);
      const name = `${count === 1 ? base : `${base}~${count}`}.traj`;
      await writeFile(join(staging, name), serializeSweAgentTraj(trajectory)).catch((error: unknown) => {
        throw outputError(join(output, name), 'cannot write', error);
      });
      written += 1;
    }
    for (const name of await readdir(staging)) {
      await rename(join(staging, name), join(output, name)).catch((error: unknown) => {
        throw outputError(join(output, name), 'cannot write', error);
      });
    }
    return written;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
