/**
 * `swe-srl eval`: evaluate predictions against instances, SWE-bench style, in Docker sandboxes.
 *
 *   swe-srl eval --instances FILE --predictions FILE --repos DIR --environments DIR --run-id ID --max-workers N
 *
 * Writes logs/run_evaluation/<run_id>/<model>/<instance_id>/{patch.diff,test_output.txt,report.json,run_instance.log}
 * and <report-dir>/<model>.<run_id>.json. Exit status: 0 when every instance got a verdict, 1 when
 * some evaluations failed (errors) or, with --gold, some instance did not validate; 2 on bad input.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { DockerInstanceProvider } from '../eval/docker-provider.js';
import { loadInstances } from '../eval/instances.js';
import { loadPredictions } from '../eval/predictions.js';
import { DEFAULT_LOGS_DIR } from '../eval/run-layout.js';
import { runEvaluation } from '../eval/run-evaluation.js';
import type { RunSummary } from '../eval/summary.js';
import { loadEnvironmentSpecs } from '../sandbox/images/environment-spec.js';
import { closeSandboxesOnSignal, liveSandboxes } from '../sandbox/index.js';

interface EvalFlags {
  instances: string;
  predictions?: string;
  repos?: string;
  environments: string;
  runId: string;
  maxWorkers: string;
  gold?: boolean;
  timeout?: string;
  reportDir: string;
  logsDir: string;
  rerun?: boolean;
  instanceIds?: string[];
  allTests?: boolean;
}

function positiveNumber(flag: string, value: string, integer: boolean): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new InputError(`${flag}: "${value}" is not a positive ${integer ? 'whole number' : 'number'}`);
  }
  return number;
}

function formatSummary(summary: RunSummary, path: string): string {
  const lines = [
    `Total instances: ${summary.total_instances}`,
    `Instances submitted: ${summary.submitted_instances}`,
    `Instances completed: ${summary.completed_instances}`,
    `Instances incomplete: ${summary.incomplete_ids.length}`,
    `Instances resolved: ${summary.resolved_instances}`,
    `Instances unresolved: ${summary.unresolved_instances}`,
    `Instances with empty patches: ${summary.empty_patch_instances}`,
    `Instances with errors: ${summary.error_instances}`,
  ];
  if (summary.unknown_instance_ids.length > 0) lines.push(`Predictions for unknown instances: ${summary.unknown_instance_ids.join(', ')}`);
  if (summary.patch_apply_failed_ids.length > 0) lines.push(`Patches that did not apply: ${summary.patch_apply_failed_ids.join(', ')}`);
  if (summary.timed_out_ids.length > 0) lines.push(`Test runs that timed out: ${summary.timed_out_ids.join(', ')}`);
  if (summary.error_ids.length > 0) lines.push(`Errors (see run_instance.log): ${summary.error_ids.join(', ')}`);
  if (summary.gold_invalid_ids) lines.push(`Gold validation failed: ${summary.gold_invalid_ids.length === 0 ? 'none' : summary.gold_invalid_ids.join(', ')}`);
  const rate = summary.total_instances === 0 ? 0 : (100 * summary.resolved_instances) / summary.total_instances;
  lines.push(`Resolve rate: ${summary.resolved_instances}/${summary.total_instances} (${rate.toFixed(1)}%)`, `Report written to ${path}`);
  return lines.join('\n');
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('evaluate predictions (SWE-bench format) by applying each patch and running the tests in a fresh Docker sandbox')
    .requiredOption('--instances <file>', 'task instances, JSON or JSONL with SWE-bench fields')
    .option('--predictions <file>', 'predictions, JSONL or JSON: instance_id, model_name_or_path, model_patch (not with --gold)')
    .option('--repos <dir>', 'a directory of owner__name clones or bundles of the repositories')
    .option('--environments <dir>', 'environment specs (*.yaml)', 'environments')
    .requiredOption('--run-id <id>', 'names the run; a later run with the same id resumes it')
    .option('--max-workers <n>', 'instances evaluated at once', String(Math.max(1, Math.floor(availableParallelism() * 0.75))))
    .option('--gold', 'validate the instances with their own patches: FAIL_TO_PASS must fail before and pass after')
    .option('--timeout <seconds>', "test command time limit (default: each environment spec's timeout)")
    .option('--report-dir <dir>', 'where the run summary <model>.<run_id>.json goes', '.')
    .option('--logs-dir <dir>', 'where per-instance logs go', DEFAULT_LOGS_DIR)
    .option('--rerun', 'evaluate again instances this run id already has reports for')
    .option('--force', 'same as --rerun')
    .option('--instance-ids <ids...>', 'only these instances')
    .option('--all-tests', "run the spec's whole test command instead of only the test files the test patch touches")
    .action(async (flags: EvalFlags & { force?: boolean }) => {
      if (flags.gold && flags.predictions) throw new InputError('give either --predictions FILE or --gold, not both');
      if (!flags.gold && !flags.predictions) throw new InputError('--predictions FILE is required (or --gold to validate the instances)');
      const maxWorkers = positiveNumber('--max-workers', flags.maxWorkers, true);
      const timeoutSeconds = flags.timeout === undefined ? undefined : positiveNumber('--timeout', flags.timeout, false);
      const instances = await loadInstances(flags.instances);
      let predictions: Awaited<ReturnType<typeof loadPredictions>>['predictions'] | 'gold' = 'gold';
      if (flags.predictions) {
        const loaded = await loadPredictions(flags.predictions);
        if (loaded.duplicateIds.length > 0) {
          console.error(`warning: ${flags.predictions} predicts these instances more than once, the last one counts: ${loaded.duplicateIds.join(', ')}`);
        }
        predictions = loaded.predictions;
      }
      const environments = await loadEnvironmentSpecs(flags.environments);
      const provider = new DockerInstanceProvider({ runId: flags.runId, ...(flags.repos !== undefined ? { reposDir: flags.repos } : {}) });
      const stopHandlingSignals = closeSandboxesOnSignal();
      try {
        const { summary, summaryPath } = await runEvaluation({
          instances,
          predictions,
          environments,
          provider,
          runId: flags.runId,
          logsDir: flags.logsDir,
          reportDir: flags.reportDir,
          maxWorkers,
          rerun: flags.rerun === true || flags.force === true,
          ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
          ...(flags.instanceIds ? { instanceIds: flags.instanceIds } : {}),
          ...(flags.allTests ? { selection: 'whole-command' as const } : {}),
          // After SIGINT/SIGTERM no instance starts; those cut off leave no report and run again on resume.
          signal: liveSandboxes.shutdownSignal,
        });
        console.log(formatSummary(summary, summaryPath));
        const goldFailed = (summary.gold_invalid_ids?.length ?? 0) > 0;
        if (summary.error_instances > 0 || goldFailed) process.exitCode = 1;
      } finally {
        stopHandlingSignals();
      }
    });
}
