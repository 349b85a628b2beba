/**
 * Where a run's files go, as SWE-bench lays them out so its tools find them:
 *   <logsDir>/<run_id>/<model>/<instance_id>/{patch.diff, test_output.txt, report.json, run_instance.log}
 * with `logsDir` = `logs/run_evaluation` by default, and the run summary at
 *   <reportDir>/<model>.<run_id>.json
 */
import { join } from 'node:path';
import { modelDirectoryName } from './predictions.js';

export const DEFAULT_LOGS_DIR = join('logs', 'run_evaluation');

export const INSTANCE_FILES = {
  patch: 'patch.diff',
  testOutput: 'test_output.txt',
  report: 'report.json',
  log: 'run_instance.log',
  /** Ours, for --gold: the test run before the gold patch. */
  testOutputBeforePatch: 'test_output_before_patch.txt',
  /** Ours, for --regrade: the run's exit status, limits and runner-report state (test-run-record.ts). */
  testRun: 'test_run.json',
  /** Ours: the runner's own report (JUnit XML, TAP or the unittest hook's JSON), as it wrote it. */
  runnerReport: 'runner_report',
  testRunBeforePatch: 'test_run_before_patch.json',
  runnerReportBeforePatch: 'runner_report_before_patch',
} as const;

export interface RunLayout {
  logsDir: string;
  runId: string;
  reportDir: string;
}

export function instanceDirectory(layout: RunLayout, model: string, instanceId: string): string {
  return join(layout.logsDir, layout.runId, modelDirectoryName(model), instanceId);
}

export function instanceFile(layout: RunLayout, model: string, instanceId: string, file: keyof typeof INSTANCE_FILES): string {
  return join(instanceDirectory(layout, model, instanceId), INSTANCE_FILES[file]);
}

export function summaryPath(layout: RunLayout, model: string): string {
  return join(layout.reportDir, `${modelDirectoryName(model)}.${layout.runId}.json`);
}
