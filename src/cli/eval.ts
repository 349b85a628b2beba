/**
 * `swe-srl eval`: evaluate predictions against instances, SWE-bench style, in Docker sandboxes.
 *
 *   swe-srl eval --instances FILE --predictions FILE --repos DIR --environments DIR --run-id ID --max-workers N
 *   swe-srl eval --regrade --instances FILE --predictions FILE --environments DIR --run-id ID
 *
 * Writes logs/run_evaluation/<run_id>/<model>/<instance_id>/{patch.diff,test_output.txt,report.json,run_instance.log}
 * and <report-dir>/<model>.<run_id>.json. `--regrade` grades the logs already there again, starting
 * nothing. Every flag overrides the `--config` file's value (sections `eval` and `sandbox`). Exit
 * status: 0 when every instance got a verdict, 1 when some evaluations failed (errors) or, with
 * --gold, some instance did not validate; 2 on bad input.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { FieldError, InputError } from '../errors.js';
import { DockerInstanceProvider } from '../eval/docker-provider.js';
import { IMAGE_SOURCES, MODEL_FAILURE_MODES } from '../eval/run-choices.js';
import { loadInstances } from '../eval/instances.js';
import { loadPredictions, type Prediction } from '../eval/predictions.js';
import { regradeRun } from '../eval/regrade.js';
import { DEFAULT_LOGS_DIR } from '../eval/run-layout.js';
import { runEvaluation } from '../eval/run-evaluation.js';
import type { RunSummary } from '../eval/summary.js';
import type { GradingPolicy } from '../eval/test-verdict.js';
import type { RunConfig } from '../config/run-config.js';
import type { ContainerLimits } from '../sandbox/images/environment-spec.js';
import { loadEnvironmentSpecs } from '../sandbox/images/environment-spec.js';
import { closeSandboxesOnSignal, DockerEngines, liveSandboxes } from '../sandbox/index.js';
import { integerAtLeast, memorySize, oneOf, positiveNumber } from './option-values.js';
import { effectiveConfig, withConfigFlags, type ConfigBinding } from './config-flags.js';
import { POOL_SIZE_BINDING } from './instance-sandbox-flags.js';

interface EvalFlags {
  force?: boolean;
  config?: string;
  [flag: string]: unknown;
}

function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

const EVAL_BINDINGS: readonly ConfigBinding[] = [
  { flags: '--instances <file>', description: 'task instances, JSON or JSONL with SWE-bench fields', path: 'eval.instances' },
  { flags: '--predictions <file>', description: 'predictions, JSONL or JSON: instance_id, model_name_or_path, model_patch (not with --gold)', path: 'eval.predictions' },
  { flags: '--repos <dir>', description: 'a directory of owner__name clones or bundles of the repositories', path: 'sandbox.repos' },
  { flags: '--environments <dir>', description: 'environment specs (*.yaml) (default: environments)', path: 'sandbox.environments' },
  { flags: '--engine <endpoint>', description: 'a Docker engine endpoint (repeatable; default SWE_SRL_DOCKER_HOSTS, DOCKER_HOST, the socket)', path: 'sandbox.engines', parse: collect },
  { flags: '--run-id <id>', description: 'names the run; a later run with the same id resumes it', path: 'eval.runId' },
  { flags: '--max-workers <n>', description: 'instances evaluated at once (default: three quarters of the cores)', path: 'eval.maxWorkers', parse: integerAtLeast('--max-workers', 1) },
  { flags: '--gold', description: 'validate the instances with their own patches: FAIL_TO_PASS must fail before and pass after', path: 'eval.gold' },
  { flags: '--timeout <seconds>', description: "test command time limit (default: each environment spec's timeout)", path: 'eval.timeoutSeconds', parse: positiveNumber('--timeout') },
  { flags: '--report-dir <dir>', description: 'where the run summary <model>.<run_id>.json goes (default: .)', path: 'eval.reportDir' },
  { flags: '--logs-dir <dir>', description: `where per-instance logs go (default: ${DEFAULT_LOGS_DIR})`, path: 'eval.logsDir' },
  { flags: '--rerun', description: 'evaluate again instances this run id already has reports for', path: 'eval.rerun' },
  { flags: '--instance-ids <ids...>', description: 'only these instances', path: 'eval.instanceIds' },
  { flags: '--all-tests', description: "run the spec's whole test command instead of only the test files the test patch touches", path: 'eval.allTests' },
  { flags: '--regrade', description: "grade this run id's existing test logs again and rewrite its reports; runs nothing", path: 'eval.regrade' },
  { flags: '--cpus <n>', description: "CPUs per container (default: the spec's, else 1)", path: 'sandbox.cpus', parse: positiveNumber('--cpus') },
  { flags: '--memory <size>', description: "memory per container, e.g. 4g (default: the spec's, else 2g)", path: 'sandbox.memoryBytes', parse: memorySize('--memory') },
  { flags: '--pids-limit <n>', description: "processes per container (default: the spec's, else 512)", path: 'sandbox.pidsLimit', parse: integerAtLeast('--pids-limit', 8) },
  POOL_SIZE_BINDING,
  { flags: '--network', description: "give containers network access (default: the spec's, else none)", path: 'sandbox.network' },
  { flags: '--no-network', description: 'no network access, whatever the spec says', path: 'sandbox.network' },
  {
    flags: '--image-source <source>',
    description: "build: images from the environment specs, offline; swebench: SWE-bench's prebuilt images from a registry (default: build)",
    path: 'eval.imageSource',
    parse: oneOf('--image-source', IMAGE_SOURCES),
  },
  {
    flags: '--model-failures <as>',
    description: 'a patch that does not apply or tests past their time limit: error (SWE-bench: no report) or unresolved (a report saying so) (default: error)',
    path: 'eval.modelFailures',
    parse: oneOf('--model-failures', MODEL_FAILURE_MODES),
  },
  { flags: '--strict-test-ids', description: 'compare expected test ids as listed, as SWE-bench does, instead of spelling them as the log parser does', path: 'eval.strictTestIds' },
  { flags: '--no-cross-check', description: "believe the test log as SWE-bench does, without holding it to the runner's own report", path: 'eval.crossCheck' },
];

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

/** The run's container limits: the `sandbox` section's, each one set winning over the spec's. */
function runLimits(sandbox: RunConfig['sandbox']): ContainerLimits {
  return {
    ...(sandbox.cpus !== undefined ? { cpus: sandbox.cpus } : {}),
    ...(sandbox.memoryBytes !== undefined ? { memoryBytes: sandbox.memoryBytes } : {}),
    ...(sandbox.pidsLimit !== undefined ? { pidsLimit: sandbox.pidsLimit } : {}),
    ...(sandbox.network !== undefined ? { network: sandbox.network } : {}),
  };
}

function exitStatusFor(summary: RunSummary): void {
  const goldFailed = (summary.gold_invalid_ids?.length ?? 0) > 0;
  if (summary.error_instances > 0 || goldFailed) process.exitCode = 1;
}

export function registerEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description('evaluate predictions (SWE-bench format) by applying each patch and running the tests in a fresh Docker sandbox');
  withConfigFlags(command, EVAL_BINDINGS)
    .option('--force', 'same as --rerun')
    .action(async (flags: EvalFlags) => {
      const config = await effectiveConfig(EVAL_BINDINGS, { ...flags, ...(flags.force ? { rerun: true } : {}) });
      if (config === undefined) return;
      const settings = config.eval;
      if (settings.instances === undefined) throw new FieldError('eval.instances', 'is required: the task instances (JSON or JSONL)');
      if (settings.runId === undefined) throw new FieldError('eval.runId', 'is required: it names the run, and a later run with the same id resumes it');
      if (settings.gold && settings.predictions) throw new InputError('give either --predictions FILE or --gold, not both');
      if (!settings.gold && !settings.predictions) throw new InputError('--predictions FILE is required (or --gold to validate the instances)');
      const maxWorkers = settings.maxWorkers ?? Math.max(1, Math.floor(availableParallelism() * 0.75));
      const logsDir = settings.logsDir ?? DEFAULT_LOGS_DIR;
      const instances = await loadInstances(settings.instances);
      let predictions: Prediction[] | 'gold' = 'gold';
      if (settings.predictions) {
        const loaded = await loadPredictions(settings.predictions);
        if (loaded.duplicateIds.length > 0) {
          console.error(`warning: ${settings.predictions} predicts these instances more than once, the last one counts: ${loaded.duplicateIds.join(', ')}`);
        }
        predictions = loaded.predictions;
      }
      const environments = await loadEnvironmentSpecs(config.sandbox.environments);
      const grading: GradingPolicy = { normalizeExpectedIds: !settings.strictTestIds, crossCheck: settings.crossCheck };

      if (settings.regrade) {
        const wanted = settings.instanceIds;
        const result = await regradeRun({
          instances: wanted ? instances.filter((instance) => wanted.includes(instance.instance_id)) : instances,
          predictions,
          environments,
          runId: settings.runId,
          logsDir,
          reportDir: settings.reportDir,
          grading,
          modelFailures: settings.modelFailures,
        });
        const changed = result.regraded.filter((entry) => entry.before !== undefined && entry.before !== entry.resolved);
        console.error(
          `regraded ${result.regraded.length} instance(s) of run ${settings.runId}: ${changed.length} verdict(s) changed` +
            `${changed.length > 0 ? ` (${changed.map((entry) => `${entry.instanceId}: ${entry.before ? 'resolved' : 'unresolved'} → ${entry.resolved ? 'resolved' : 'unresolved'}`).join(', ')})` : ''}` +
            `${result.notRun.length > 0 ? `; no test log for ${result.notRun.join(', ')}` : ''}`,
        );
        console.log(formatSummary(result.summary, result.summaryPath));
        exitStatusFor(result.summary);
        return;
      }

      const engines = config.sandbox.engines && config.sandbox.engines.length > 0 ? DockerEngines.fromEndpoints(config.sandbox.engines) : undefined;
      const provider = new DockerInstanceProvider({
        runId: settings.runId,
        ...(config.sandbox.repos !== undefined ? { reposDir: config.sandbox.repos } : {}),
        ...(engines ? { engines } : {}),
        limits: runLimits(config.sandbox),
        imageSource: settings.imageSource,
        poolSize: config.sandbox.poolSize,
      });
      const stopHandlingSignals = closeSandboxesOnSignal();
      try {
        const { summary, summaryPath } = await runEvaluation({
          instances,
          predictions,
          environments,
          provider,
          runId: settings.runId,
          logsDir,
          reportDir: settings.reportDir,
          maxWorkers,
          rerun: settings.rerun,
          progress: process.stderr,
          grading,
          modelFailures: settings.modelFailures,
          ...(settings.timeoutSeconds !== undefined ? { timeoutSeconds: settings.timeoutSeconds } : {}),
          ...(settings.instanceIds ? { instanceIds: settings.instanceIds } : {}),
          ...(settings.allTests ? { selection: 'whole-command' as const } : {}),
          // After SIGINT/SIGTERM no instance starts; those cut off leave no report and run again on resume.
          signal: liveSandboxes.shutdownSignal,
        });
        console.log(formatSummary(summary, summaryPath));
        exitStatusFor(summary);
      } finally {
        stopHandlingSignals();
      }
    });
}

/** For the command table in main.ts. */
export const register = registerEvalCommand;
