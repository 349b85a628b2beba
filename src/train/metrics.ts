/**
 * `metrics.jsonl`: one JSON line per training step and per validation, appended as the run goes so
 * a report can plot a run still in progress. When a run resumes from step S, lines past S (from
 * the steps that will be redone) are removed first, so the file describes one consistent run;
 * a line cut short by a crash is dropped too.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from '../io/atomic-write.js';
import type { MetricsRecord } from './events.js';

export class MetricsLog {
  private constructor(readonly path: string) {}

  /** Opens the log for a run that has completed `completedSteps` steps (0 for a new run). */
  static async open(path: string, completedSteps: number): Promise<MetricsLog> {
    const kept: string[] = [];
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const record = JSON.parse(line) as { step?: unknown };
          if (typeof record.step === 'number' && record.step <= completedSteps) kept.push(line);
        } catch {
          // A partial last line from a killed run.
        }
      }
    }
    await writeFileAtomically(path, kept.map((line) => `${line}\n`).join(''));
    return new MetricsLog(path);
  }

  append(record: MetricsRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }
}

/** Reads a metrics file back (for reports and tests). */
export function readMetrics(path: string): MetricsRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MetricsRecord);
}
