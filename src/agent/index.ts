/**
 * The agent loop's public surface: run one episode (`runAgent`), replay a recorded trajectory
 * (`replayTrajectory`), or run many episodes in parallel with resumable output (`runRollout`).
 */
export { runAgent, type RunAgentOptions, type AgentInstance } from './agent-loop.js';
export { Episode, type EpisodeOptions, type PolicyTurn, type StepResult, type TurnRecord } from './episode.js';
export type { AgentResult, AgentStats } from './agent-result.js';
export { agentConfigSchema, agentLimitsSchema, samplingSchema, parseAgentConfig, type AgentConfig, type AgentConfigInput, type SamplingParams } from './agent-config.js';
export { EXIT_STATUSES, type ExitStatus } from './exit-status.js';
export { combineHooks, type AgentHooks } from './hooks.js';
export { loadAgentTemplates, renderTemplate, agentTemplatesSchema, BUILTIN_TEMPLATES, type AgentTemplates } from '../prompts/templates.js';
export { readPolicyOutput, type ReadOutput } from './read-output.js';
export { estimateTokens, elideOldObservations } from './history.js';
export { writeTrajFile, recordTrajHook } from './record-traj.js';
export { InstanceSandboxes, type InstanceSandboxOptions, type SandboxBackend } from './instance-sandbox.js';
export { replayTrajectory, recordedRootOf, type ReplayOptions, type ReplayReport, type StepComparison } from './replay/replay-trajectory.js';
export { recordedToolbox } from './replay/recorded-toolbox.js';
export { normalizeObservation, normalizePatch, rootRewriter } from './replay/normalize.js';
export { runRollout, episodeUnits, type RolloutOptions, type RolloutSummary, type RolloutEvent, type EpisodeUnit } from './rollout/run-rollout.js';
export { episodeRecordSchema, episodeTurnSchema, episodeRecordOf, readEpisodeRecords, turnPrompt, EPISODE_RECORD_SCHEMA, type EpisodeRecord, type EpisodeTurn } from './rollout/episode-record.js';
export { rolloutPaths, readFinishedPredictions, resolveRolloutRunId, type RolloutPaths } from './rollout/rollout-output.js';
