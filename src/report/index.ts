/** The run report: gather a run's figures and trajectories, render them as one offline HTML file. */
import { writeFileAtomically } from '../io/atomic-write.js';
import type { StageRecordView } from '../pipeline/stage.js';
import { collectRunData, type CollectOptions, type ReportData } from './collect-run.js';
import { renderReport } from './render-report.js';

export { collectRunData, type CollectOptions, type ReportData, type TrajectoryView, type StepReward, type TestVerdicts } from './collect-run.js';
export { renderReport, TRAINING_FIGURES } from './render-report.js';

/** Writes the report of a run to `path` (whole, through a temporary file) and returns its data. */
export async function writeRunReport(path: string, runDir: string, views: readonly StageRecordView[], options: CollectOptions = {}): Promise<ReportData> {
  const data = await collectRunData(runDir, views, options);
  await writeFileAtomically(path, renderReport(data));
  return data;
}
