/** The evaluation (RLVR) stage's public surface: import from here, not from its files. */
export { loadInstances, parseInstanceRecords, instanceSchema, type Instance } from './instances.js';
export {
  loadPredictions,
  parsePredictionRecords,
  goldPredictions,
  isEmptyPatch,
  modelDirectoryName,
  GOLD_MODEL_NAME,
  type Prediction,
  type LoadedPredictions,
} from './predictions.js';
export { applyPatch, PATCH_METHODS, type PatchApplication, type PatchAttempt, type PatchMethod } from './patch-apply.js';
export { normalizePatch, patchedFiles, testDirectives, touchedPaths } from './patch-files.js';
export { applyTestPatch, baseRef, runTests, testCommandFor, type TestRun, type TestSelection, type StructuredReportState } from './test-run.js';
export type { TestEnvironment } from './test-environment.js';
export {
  getLogParser,
  isLogParserName,
  LOG_PARSER_NAMES,
  parsePytestLog,
  parseUnittestLog,
  parseNodeTestLog,
  parseJunitXml,
  structuredReportFor,
  parseSweBenchPytestLog,
  parseSweBenchPytestOptionsLog,
  parseSweBenchPytestV2Log,
  parseSweBenchMatplotlibLog,
  parseSweBenchSeabornLog,
  parseSweBenchDjangoLog,
  parseSweBenchSympyLog,
  SWEBENCH_REPO_PARSERS,
  SWEBENCH_FAIL_ONLY_REPOS,
  type LogParser,
  type LogParserName,
} from './log-parsers/index.js';
export type { TestStatus, TestStatusMap } from './test-status.js';
export { crossCheck, type CheckedResults, type TestRunEvidence } from './cross-check.js';
export { gradeInstance, resolveTestId, EVAL_TYPES, type EvalType, type GradingOptions, type Grade, type TestsStatus, type TestOutcomes } from './grading.js';
export { judgeTestRun, judgeTestLog, evalTypeFor, type TestVerdict, type GradingPolicy, type RunEvidence } from './test-verdict.js';
export { readSweBenchLog, formatTestOutput, SWEBENCH_LOG_MARKERS, type SweBenchLogView } from './swebench-log.js';
export { classifyInfraFailure, type InfraFailure } from './infra-failure.js';
export { runPreTestSteps, preTestCommands, type PreTestResult } from './pre-test.js';
export { regradeRun, type RegradeOptions, type RegradeResult } from './regrade.js';
export { rlvrReward, type RlvrRewardOptions, type RlvrRewardResult } from './rlvr-reward.js';
export { evaluateInstance, EvaluationError, type InstanceResult, type InstanceStatus, type InstanceEvaluationContext } from './evaluate-instance.js';
export { runEvaluation, type RunEvaluationOptions, type RunEvaluationResult, type EvaluationEvent } from './run-evaluation.js';
export { summarizeRun, type RunSummary, type RunLeftovers } from './summary.js';
export { readInstanceReport, writeInstanceReport, type InstanceReport, type InstanceReportBody, type SweSrlReportDetails } from './report.js';
export { DEFAULT_LOGS_DIR, INSTANCE_FILES, instanceDirectory, summaryPath, type RunLayout } from './run-layout.js';
export type { InstanceSandboxProvider } from './sandbox-provider.js';
export { DockerInstanceProvider, EVAL_OUTPUT_LIMIT_BYTES, IMAGE_SOURCES, effectiveLimits, type DockerProviderOptions, type ImageSource } from './docker-provider.js';
export { SAMPLE_INSTANCES_DIR } from './sample-instances.js';
export { EvaluationProgress, renderEvaluationEvents, type ProgressStream } from './progress.js';
export { runWithWorkers } from '../batch/worker-pool.js';
export { restorePaths, type RestoreOptions, type RestoreResult } from './work-tree-restore.js';
export { runnerFileKind, isFlagged, type RunnerFileKind } from './runner-files.js';
export { keepSourceChangesOnly, changedPaths, markWorkTree, runnerFileIssues, type SourceOnlyResult } from './source-only-patch.js';
export { parseGuardReport, type GuardFindings } from './runner-guard.js';
export { MODEL_PATCH_MAX_BYTES, RUNNER_REPORT_LIMITS } from './read-back-limits.js';
