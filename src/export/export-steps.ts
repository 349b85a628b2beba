/**
 * `export`: SRL step rows (chat form) written in a training framework's dataset format, each row
 * carrying what its reward needs. Output appears whole or not at all, as every writer here does.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomically } from '../io/atomic-write.js';
import { writeJsonLines } from '../io/json-lines.js';
import {
  DEFAULT_ABILITY,
  DEFAULT_DATA_SOURCE,
  DEFAULT_MATH_ABILITY,
  DEFAULT_MATH_DATA_SOURCE,
  DEFAULT_SPLIT,
  exportRow,
  verlRow,
  type ExportContext,
  type ExportFormat,
  type VerlRow,
} from './formats.js';
import { readExportableSteps, type ExportDomain } from './step-rows.js';
import { verlParquetBytes } from './verl-parquet.js';

export interface ExportStepsOptions {
  format: ExportFormat;
  output: string;
  /** SWE chat step rows (default) or math step rows. */
  domain?: ExportDomain;
  split?: string;
  dataSource?: string;
  ability?: string;
}

export async function exportSteps(inputs: readonly string[], options: ExportStepsOptions): Promise<{ rows: number }> {
  if (inputs.length === 0) throw new InputError('no input files');
  const domain = options.domain ?? 'swe';
  const base: Omit<ExportContext, 'index'> = {
    split: options.split ?? DEFAULT_SPLIT,
    dataSource: options.dataSource ?? (domain === 'math' ? DEFAULT_MATH_DATA_SOURCE : DEFAULT_DATA_SOURCE),
    ability: options.ability ?? (domain === 'math' ? DEFAULT_MATH_ABILITY : DEFAULT_ABILITY),
  };
  if (options.format === 'verl') {
    const rows: VerlRow[] = [];
    for await (const sourced of readExportableSteps(inputs, domain)) rows.push(verlRow(sourced, { ...base, index: rows.length }));
    if (rows.length === 0) throw new InputError(`${inputs.join(', ')}: no step rows`);
    try {
      await mkdir(dirname(options.output), { recursive: true });
      await writeFileAtomically(options.output, verlParquetBytes(rows));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      throw new InputError(`${options.output}: cannot write (${code})`, { cause: error });
    }
    return { rows: rows.length };
  }
  const format = options.format;
  let index = 0;
  async function* rows(): AsyncGenerator<unknown> {
    for await (const sourced of readExportableSteps(inputs, domain)) {
      yield exportRow(format, sourced, { ...base, index });
      index += 1;
    }
    // Thrown inside the writer, so no empty file is left behind.
    if (index === 0) throw new InputError(`${inputs.join(', ')}: no step rows`);
  }
  return { rows: await writeJsonLines(options.output, rows()) };
}
