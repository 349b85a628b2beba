/**
 * Reading a stage's `metrics.jsonl` back, for the run that resumes the stage and for the report.
 * The file may still be growing, or end in a line cut short by a crash mid-append; the stage writes
 * that line again when it resumes.
 */
import { readFile } from 'node:fs/promises';
import type { MetricsRecord } from './stage.js';

/**
 * The records of the metrics file at `path`; none when it cannot be read. A line that is not JSON
 * ends the records (`stop`) or is passed over (`skip`).
 */
export async function readMetricsFile(path: string, brokenLine: 'stop' | 'skip'): Promise<MetricsRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const records: MetricsRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as MetricsRecord);
    } catch {
      if (brokenLine === 'stop') break;
    }
  }
  return records;
}
