/**
 * `swe-srl eval`: evaluate predictions against instances, SWE-bench style, in Docker sandboxes.
 *
 *   swe-srl eval --instances FILE --predictions FILE --repos DIR --environments DIR --run-id ID --max-workers N
 *   swe-srl eval --regrade --instances FILE --predictions FILE --environments DIR --run-id ID
 *
 * Writes logs/run_evaluation/<run_id>/<model>/<instance_id>/{patch.diff,test_output.txt,report.json,run_instance.log}
 * and <report-dir>/<model>.<run_id>.json. `--regrade` grades the logs already there again, starting
 * nothing. Exit status: 0 when every instance got a verdict, 1 when some evaluations failed (errors)
 * or, with --gold, some instance did not validate; 2 on bad input.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { DockerInstanceProvider, IMAGE_SOURCES, type ImageSource } from '../eval/docker-provider.js';
import { loadInstances } from '../eval/instances.js';
import { loadPredictions, type Prediction } from '../eval/predictions.js';
import { regradeRun } from '../eval/regrade.js';
import { DEFAULT_LOGS_DIR } from '../eval/run-layout.js';
import { runEvaluation } from '../eval/run-evaluation.js';
import type { RunSummary } from '../eval/summary.js';
import type { GradingPolicy } from '../eval/test-verdict.js';
import type { ContainerLimits } from '../sandbox/images/environment-spec.js';
import { loadEnvironmentSpecs } from '../sandbox/images/environment-spec.js';
import { closeSandboxesOnSignal } from '../sandbox/index.js';
import { integerAtLeast, memorySize, oneOf, positiveNumber } from './option-values.js';

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
  force?: boolean;
  instanceIds?: string[];
  allTests?: boolean;
  regrade?: boolean;
  cpus?: number;
  memory?: number;
  pidsLimit?: number;
  network?: boolean;
  imageSource: ImageSource;
  modelFailures: 'error' | 'unresolved';
  strictTestIds?: boolean;
  crossCheck: boolean;
}

function positiveFlag(flag: string, value: string, integer: boolean): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new InputError(`${flag}: "${value}" is not a positive ${integer ? 'whole number' : 'number'}`);
  }
  return number;
}

export function formatSummary(summary: RunSummary, path: string): string {
  const lines = [
    `Total instances: ${summary.total_instances}`,
    `Instances submitted: ${summary.submitted_instances}`,
    `Instances completed: ${summary.completed_instances}`,
    `Instances incomplete: ${summary.incomplete_ids.length}`,
    `Instances resolved: ${summary.resolved_instances}`,
    `Instances unresolved: ${summary.unresolved_instances}`,
    `Instances with likely infrastructure failures: ${summary.infra_failure_instances}`,
    `Instances with ambiguous failures: ${summary.ambiguous_failure_instances}`,
    `Instances with empty patches: ${summary.empty_patch_instances}`,
    `Instances with errors: ${summary.error_instances}`,
  ];
  if (summary.unstopped_instances !== undefined) {
    lines.push(`Unstopped containers: ${summary.unstopped_instances}`, `Unremoved images: ${summary.unremoved_images?.length ?? 0}`);
  }
  if (summary.unknown_instance_ids.length > 0) lines.push(`Predictions for unknown instances: ${summary.unknown_instance_ids.join(', ')}`);
  if (summary.patch_apply_failed_ids.length > 0) lines.push(`Patches that did not apply: ${summary.patch_apply_failed_ids.join(', ')}`);
  if (summary.timed_out_ids.length > 0) lines.push(`Test runs that timed out: ${summary.timed_out_ids.join(', ')}`);
  if (summary.error_ids.length > 0) lines.push(`Errors (see run_instance.log): ${summary.error_ids.join(', ')}`);
  for (const [id, reason] of Object.entries(summary.failure_reasons)) lines.push(`Failure signature of ${id}: ${reason}`);
  if (summary.gold_invalid_ids) lines.push(`Gold validation failed: ${summary.gold_invalid_ids.length === 0 ? 'none' : summary.gold_invalid_ids.join(', ')}`);
  const rate = summary.total_instances === 0 ? 0 : (100 * summary.resolved_instances) / summary.total_instances;
  lines.push(`Resolve rate: ${summary.resolved_instances}/${summary.total_instances} (${rate.toFixed(1)}%)`, `Report written to ${path}`);
  return lines.join('\n');
}

function runLimits(flags: EvalFlags): ContainerLimits {
  return {
    ...(flags.cpus !== undefined ? { cpus: flags.cpus } : {}),
    ...(flags.memory !== undefined ? { memoryBytes: flags.memory } : {}),
    ...(flags.pidsLimit !== undefined ? { pidsLimit: flags.pidsLimit } : {}),
    ...(flags.network !== undefined ? { network: flags.network } : {}),
  };
}

function exitStatusFor(summary: RunSummary): void {
  const goldFailed = (summary.gold_invalid_ids?.length ?? 0) > 0;
  if (summary.error_instances > 0 || goldFailed) process.exitCode = 1;
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
    .option('--regrade', "grade this run id's existing test logs again and rewrite its reports; runs nothing")
    .option('--cpus <n>', "CPUs per container (default: the spec's, else 1)", positiveNumber('--cpus'))
    .option('--memory <size>', "memory per container, e.g. 4g (default: the spec's, else 2g)", memorySize('--memory'))
    .option('--pids-limit <n>', "processes per container (default: the spec's, else 512)", integerAtLeast('--pids-limit', 8))
    .option('--network', 'give containers network access (default: the spec\'s, else none)')
    .option('--no-network', 'no network access, whatever the spec says')
    .option('--image-source <source>', "build: images from the environment specs, offline; swebench: SWE-bench's prebuilt images from a registry", oneOf('--image-source', IMAGE_SOURCES), 'build' as ImageSource)
    .option(
      '--model-failures <as>',
      "a patch that does not apply or tests past their time limit: error (SWE-bench: no report) or unresolved (a report saying so)",
      oneOf('--model-failures', ['error', 'unresolved'] as const),
      'error' as const,
    )
    .option('--strict-test-ids', "compare expected test ids as listed, as SWE-bench does, instead of spelling them as the log parser does")
    .option('--no-cross-check', "believe the test log as SWE-bench does, without holding it to the runner's own report")
    .action(async (flags: EvalFlags) => {
      if (flags.gold && flags.predictions) throw new InputError('give either --predictions FILE or --gold, not both');
      if (!flags.gold && !flags.predictions) throw new InputError('--predictions FILE is required (or --gold to validate the instances)');
      const maxWorkers = positiveFlag('--max-workers', flags.maxWorkers, true);
      const timeoutSeconds = flags.timeout === undefined ? undefined : positiveFlag('--timeout', flags.timeout, false);
      const instances = await loadInstances(flags.instances);
      let predictions: Prediction[] | 'gold' = 'gold';
      if (flags.predictions) {
        const loaded = await loadPredictions(flags.predictions);
        if (loaded.duplicateIds.length > 0) {
          console.error(`warning: ${flags.predictions} predicts these instances more than once, the last one counts: ${loaded.duplicateIds.join(', ')}`);
        }
        predictions = loaded.predictions;
      }
      const environments = await loadEnvironmentSpecs(flags.environments);
      const grading: GradingPolicy = { normalizeExpectedIds: flags.strictTestIds !== true, crossCheck: flags.crossCheck };

      if (flags.regrade) {
        const result = await regradeRun({
          instances: flags.instanceIds ? instances.filter((instance) => flags.instanceIds!.includes(instance.instance_id)) : instances,
          predictions,
          environments,
          runId: flags.runId,
          logsDir: flags.logsDir,
          reportDir: flags.reportDir,
          grading,
          modelFailures: flags.modelFailures,
        });
        const changed = result.regraded.filter((entry) => entry.before !== undefined && entry.before !== entry.resolved);
        console.error(
          `regraded ${result.regraded.length} instance(s) of run ${flags.runId}: ${changed.length} verdict(s) changed` +
            `${changed.length > 0 ? ` (${changed.map((entry) => `${entry.instanceId}: ${entry.before ? 'resolved' : 'unresolved'} → ${entry.resolved ? 'resolved' : 'unresolved'}`).join(', ')})` : ''}` +
            `${result.notRun.length > 0 ? `; no test log for ${result.notRun.join(', ')}` : ''}`,
        );
        console.log(formatSummary(result.summary, result.summaryPath));
        exitStatusFor(result.summary);
        return;
      }

      const provider = new DockerInstanceProvider({
        runId: flags.runId,
        ...(flags.repos !== undefined ? { reposDir: flags.repos } : {}),
        limits: runLimits(flags),
        imageSource: flags.imageSource,
      });
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
          grading,
          modelFailures: flags.modelFailures,
          ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
          ...(flags.instanceIds ? { instanceIds: flags.instanceIds } : {}),
          ...(flags.allTests ? { selection: 'whole-command' as const } : {}),
        });
        console.log(formatSummary(summary, summaryPath));
        exitStatusFor(summary);
      } finally {
        stopHandlingSignals();
      }
    });
}
