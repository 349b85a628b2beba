/**
 * The Docker engines sandboxes may be placed on. Users spread rollouts over machines that
 * already run an engine by listing their endpoints; each new sandbox goes to the engine with the
 * fewest live sandboxes of ours, so load evens out without any scheduler.
 */
import Docker from 'dockerode';
import { UnavailableError } from '../../errors.js';
import {
  DEFAULT_DOCKER_SOCKET,
  type DockerEndpoint,
  type DockerEnvironment,
  dockerOptionsFor,
  endpointUrl,
} from './endpoint.js';
import { LABELS } from './labels.js';

/** Environment variable listing several endpoints, comma-separated; overrides DOCKER_HOST. */
export const DOCKER_HOSTS_VARIABLE = 'SWE_SRL_DOCKER_HOSTS';
const PING_TIMEOUT_MS = 10_000;

export class DockerEngine {
  /** Sandboxes of this process currently placed here. */
  liveSandboxes = 0;
  private reachable: Promise<void> | undefined;

  constructor(
    readonly endpoint: string,
    readonly docker: Docker,
  ) {}

  /**
   * Pings the engine once (per process, while it keeps answering) and turns silence into an
   * error that says how to get an engine, instead of a bare ECONNREFUSED later.
   */
  ensureReachable(): Promise<void> {
    this.reachable ??= pingWithin(this.docker, PING_TIMEOUT_MS).catch((error: unknown) => {
      this.reachable = undefined;
      throw new UnavailableError(
        `no Docker engine answers at ${this.endpoint} (${describeCause(error)}); ` +
          `start one with scripts/setup-docker.sh, or point DOCKER_HOST or ${DOCKER_HOSTS_VARIABLE} at a running engine`,
        { cause: error },
      );
    });
    return this.reachable;
  }
}

export class DockerEngines {
  private constructor(readonly engines: readonly DockerEngine[]) {}

  static fromEndpoints(endpoints: DockerEndpoint[], env: DockerEnvironment = process.env): DockerEngines {
    if (endpoints.length === 0) throw new UnavailableError('no Docker endpoints given');
    return new DockerEngines(
      endpoints.map((endpoint) => new DockerEngine(endpointUrl(endpoint), new Docker(dockerOptionsFor(endpoint, env)))),
    );
  }

  /** SWE_SRL_DOCKER_HOSTS (comma-separated), else DOCKER_HOST, else the local socket. */
  static fromEnvironment(env: DockerEnvironment = process.env): DockerEngines {
    const listed = env[DOCKER_HOSTS_VARIABLE]?.split(',').map((part) => part.trim()).filter((part) => part !== '');
    if (listed !== undefined && listed.length > 0) return DockerEngines.fromEndpoints(listed, env);
    const single = env.DOCKER_HOST?.trim();
    return DockerEngines.fromEndpoints([single === undefined || single === '' ? DEFAULT_DOCKER_SOCKET : single], env);
  }

  /**
   * Reserves a slot on the least-loaded engine that answers. Reservation is synchronous with the
   * choice, so many sandboxes created at once still spread evenly. Call `release` when done.
   */
  async acquire(): Promise<DockerEngine> {
    const failures: UnavailableError[] = [];
    const tried = new Set<DockerEngine>();
    while (tried.size < this.engines.length) {
      const engine = this.leastLoaded(tried);
      tried.add(engine);
      engine.liveSandboxes++;
      try {
        await engine.ensureReachable();
        return engine;
      } catch (error) {
        engine.liveSandboxes--;
        if (!(error instanceof UnavailableError)) throw error;
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0]!;
    throw new UnavailableError(`no Docker engine answers: ${failures.map((failure) => failure.message).join('; ')}`);
  }

  release(engine: DockerEngine): void {
    engine.liveSandboxes = Math.max(0, engine.liveSandboxes - 1);
  }

  private leastLoaded(excluded: Set<DockerEngine>): DockerEngine {
    let best: DockerEngine | undefined;
    for (const engine of this.engines) {
      if (excluded.has(engine)) continue;
      if (best === undefined || engine.liveSandboxes < best.liveSandboxes) best = engine;
    }
    return best!;
  }
}

export interface PruneOptions {
  /** Default: DockerEngines.fromEnvironment(). */
  engines?: DockerEngines;
  /** Only this run's sandboxes; default: every swe-srl sandbox on the engines. */
  runId?: string;
}

/**
 * Force-removes sandbox containers left behind (a crashed run, a killed process), found by
 * label on every engine; returns how many were removed.
 */
export async function pruneSandboxes(options: PruneOptions = {}): Promise<number> {
  const engines = options.engines ?? DockerEngines.fromEnvironment();
  const label = options.runId === undefined ? LABELS.run : `${LABELS.run}=${options.runId}`;
  let removed = 0;
  for (const engine of engines.engines) {
    await engine.ensureReachable();
    const containers = await engine.docker.listContainers({ all: true, filters: { label: [label] } });
    const results = await Promise.allSettled(
      containers.map((info) => engine.docker.getContainer(info.Id).remove({ force: true, v: true })),
    );
    removed += results.filter((result) => result.status === 'fulfilled').length;
  }
  return removed;
}

async function pingWithin(docker: Docker, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
