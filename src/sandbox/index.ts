/** The sandbox area's public surface: import from here, not from the backends' files. */
export type { FollowUpResult, RunOptions, RunResult, Sandbox } from './types.js';
export {
  createSandbox,
  defaultDockerEngines,
  parseSandboxConfig,
  sandboxConfigSchema,
  type CreateSandboxOptions,
  type DockerSandboxConfig,
  type LocalSandboxConfig,
  type SandboxConfig,
} from './factory.js';
export { DockerEngines, DockerEngine, DOCKER_HOSTS_VARIABLE, pruneSandboxes, type PruneOptions } from './docker/engines.js';
export { type DockerEndpoint, type DockerEndpointSpec, DEFAULT_DOCKER_SOCKET } from './docker/endpoint.js';
export { DockerSandbox } from './docker/docker-sandbox.js';
export { DOCKER_DEFAULTS, defaultRunId } from './docker/docker-config.js';
export { LABELS } from './docker/labels.js';
export { LocalSandbox } from './local/local-sandbox.js';
export { resolveBackend, type BackendChoice, type ResolvedBackend, type SandboxBackend } from './backend-choice.js';
export { findBubblewrap } from './local/launcher.js';
export { LiveSandboxes, liveSandboxes, closeSandboxesOnSignal } from './live-sandboxes.js';
export { SandboxFileError, SandboxGoneError, SandboxLimitError, ReadBackLimitError, isSandboxGone, type SandboxGoneReason } from '../errors.js';
export { READ_BACK_DEFAULTS, type ReadBackOptions } from './read-back.js';
export type { LimitEnforcement } from './local/resource-limits.js';
