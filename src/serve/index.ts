/** The environment and reward server: its public surface. */
export { startServer, buildServer, type RunningServer } from './server.js';
export { resolveServeOptions, SERVE_DEFAULTS, DEFAULT_HOST, DEFAULT_PORT, type ServeOptions, type ServeOptionsInput } from './serve-options.js';
export type {
  DrivenEpisode,
  EpisodeAction,
  EpisodeCloseResult,
  EpisodeDriver,
  EpisodeMessage,
  EpisodeStartRequest,
  EpisodeStepResult,
  EpisodeVerdict,
  StartedEpisode,
  VerdictStatus,
} from './episode-driver.js';
export { EpisodeRegistry, type EpisodeLimits, type EpisodeInfo } from './episode-registry.js';
export { ToolEpisodeDriver, type ToolEpisodeDriverOptions } from './drivers/tool-episode-driver.js';
export { scoreBatch, responseOfQuery, type ScoredBatch } from './reward-service.js';
export { isLoopbackHost } from './auth.js';
export { HttpError } from './http-error.js';
