/**
 * Which backend a command's sandboxes use. Docker is the default whenever an engine answers;
 * `auto` falls back to the local (bubblewrap) backend on machines without one, and says so,
 * rather than failing a user who simply has no Docker.
 */
import { UnavailableError } from '../errors.js';
import type { DockerEngines } from './docker/engines.js';
import { defaultDockerEngines } from './factory.js';

export type SandboxBackend = 'docker' | 'local';
export type BackendChoice = SandboxBackend | 'auto';

export interface ResolvedBackend {
  backend: SandboxBackend;
  /** Why `auto` did not pick Docker (for a one-line notice); absent otherwise. */
  fallbackReason?: string;
}

/** Turns `auto` into `docker` when any of `engines` answers, else `local`; other choices pass through. */
export async function resolveBackend(choice: BackendChoice, engines: DockerEngines = defaultDockerEngines()): Promise<ResolvedBackend> {
  if (choice !== 'auto') return { backend: choice };
  for (const engine of engines.engines) {
    try {
      await engine.ensureReachable();
      return { backend: 'docker' };
    } catch (error) {
      if (!(error instanceof UnavailableError)) throw error;
    }
  }
  return {
    backend: 'local',
    fallbackReason: `no Docker engine answers at ${engines.engines.map((engine) => engine.endpoint).join(', ')}`,
  };
}
