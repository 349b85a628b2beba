/**
 * `traj convert`: reads trajectories from any supported files and writes them to the JSONL store,
 * to chat-XML JSONL, or as one SWE-agent `.traj` per trajectory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
    case 'swe-agent-traj': {
      await mkdir(options.output, { recursive: true }).catch((error: unknown) => {
        throw outputError(options.output, 'cannot create the output folder', error);
      });
      const used = new Map<string, number>();
      written = 0;
      for await (const trajectory of all()) {
        const base = safeFileName(trajectory.instance_id);
        const count = (used.get(base) ?? 0) + 1;
        used.set(base, count);
        const path = join(options.output, `${count === 1 ? base : `${base}~${count}`}.traj`);
        await writeFile(path, serializeSweAgentTraj(trajectory)).catch((error: unknown) => {
          throw outputError(path, 'cannot write', error);
        });
        written += 1;
      }
      break;
    }
  }
  return { written, skipped };
}
