/** A fast, clear failure when no Docker engine answers, instead of a socket error deep in a build. */
import type Docker from 'dockerode';
import { UnavailableError } from '../../errors.js';
import { engineKey } from './image-store.js';

export async function requireEngine(docker: Docker, timeoutMs = 5000): Promise<void> {
  try {
    // A socket that accepts but never answers (a wedged daemon) must not hang the command.
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnavailableError(
      `no Docker engine answers at ${engineKey(docker)} (${reason}); start one with scripts/setup-docker.sh or point DOCKER_HOST at a running engine`,
      { cause: error },
    );
  }
}
