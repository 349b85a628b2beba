/**
 * A sandbox in a Docker container: labelled, resource-limited, offline by default, with one
 * persistent bash session, file access through the archive API, and a diff taken beside the
 * session. `close()` force-removes the container whatever state it is in.
 */
import { posix } from 'node:path';
import type Docker from 'dockerode';
import { SweSrlError, UnavailableError } from '../../errors.js';
import { DIFF_GIT_ENV, DIFF_SCRIPT } from '../session/helper-scripts.js';
import { PersistentShell } from '../session/persistent-shell.js';
import type { RunOptions, RunResult, Sandbox } from '../types.js';
import { engineMessage, readContainerFile, writeContainerFile } from './archive.js';
import { DOCKER_DEFAULTS, type DockerSandboxConfig, defaultRunId } from './docker-config.js';
import { LABELS } from './labels.js';
import { DockerShellHost } from './docker-shell-host.js';
import type { DockerEngine, DockerEngines } from './engines.js';
import { collectExec } from './exec.js';
import { SessionSupervisor } from './session-supervisor.js';

const WORKDIR = '/testbed';
const BASE_COMMIT_PATTERN = /^[0-9a-f]{40,64}$/;

export class DockerSandbox implements Sandbox {
  readonly backend = 'docker' as const;
  readonly workdir = WORKDIR;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly id: string,
    /** The endpoint of the engine the sandbox was placed on. */
    readonly endpoint: string,
    readonly container: Docker.Container,
    /** The commit /testbed was at when the sandbox started; undefined when /testbed holds no repository. */
    readonly baseCommit: string | undefined,
    private readonly shell: PersistentShell,
    private readonly supervisor: SessionSupervisor,
    private readonly release: () => void,
  ) {}

  static async create(config: DockerSandboxConfig, engines: DockerEngines): Promise<DockerSandbox> {
    const engine = await engines.acquire();
    let container: Docker.Container | undefined;
    let supervisor: SessionSupervisor | undefined;
    try {
      container = await createContainer(engine, config);
      await startContainer(container, config.image);
      // The supervisor and the session are independent execs: start them side by side.
      const supervisorStarted = SessionSupervisor.start(container);
      supervisorStarted.then((started) => (supervisor = started)).catch(() => undefined);
      const host = new DockerShellHost(container, supervisorStarted, { workdir: WORKDIR, env: config.env });
      const shell = await PersistentShell.start(host, {
        workdir: WORKDIR,
        outputLimitBytes: config.outputLimitBytes ?? DOCKER_DEFAULTS.outputLimitBytes,
        defaultTimeoutMs: config.defaultTimeoutMs ?? DOCKER_DEFAULTS.defaultTimeoutMs,
      });
      supervisor = await supervisorStarted;
      const baseCommit = await readBaseCommit(shell);
      return new DockerSandbox(
        container.id.slice(0, 12),
        engine.endpoint,
        container,
        baseCommit,
        shell,
        supervisor,
        () => engines.release(engine),
      );
    } catch (error) {
      supervisor?.close();
      if (container !== undefined) await removeContainer(container);
      engines.release(engine);
      throw error;
    }
  }

  run(command: string, options?: RunOptions): Promise<RunResult> {
    return this.unlessGone(this.shell.run(command, options));
  }

  async readFile(path: string): Promise<Buffer> {
    this.assertOpen();
    return this.unlessGone(readContainerFile(this.container, this.resolve(path)));
  }

  async writeFile(path: string, data: Buffer | string, options: { mode?: number } = {}): Promise<void> {
    this.assertOpen();
    return this.unlessGone(writeContainerFile(this.container, this.resolve(path), Buffer.from(data), options.mode));
  }

  async diff(): Promise<string> {
    this.assertOpen();
    if (this.baseCommit === undefined) {
      throw new SweSrlError(`sandbox ${this.id}: ${WORKDIR} held no git repository when it started, so there is no base to diff against`);
    }
    const result = await this.unlessGone(
      collectExec(this.container, ['sh', '-c', DIFF_SCRIPT, 'diff', this.baseCommit, WORKDIR], { env: DIFF_GIT_ENV }),
    );
    if (result.exitCode !== 0) {
      throw new SweSrlError(
        `sandbox ${this.id}: git diff failed (exit ${result.exitCode}): ${result.stderr.toString('utf8').trim()}`,
      );
    }
    return result.stdout.toString('utf8');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.shell.close();
      } catch {
        // The container removal below takes whatever the shell left.
      } finally {
        this.supervisor.close();
        await removeContainer(this.container);
        this.release();
      }
    })();
    return this.closing;
  }

  /**
   * A container removed behind our back (`sandbox prune` from another shell, a `docker rm`) makes
   * the engine answer 404 to everything, which would read as "no such file": say what happened.
   */
  private async unlessGone<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (!isContainerGone(error) && !isContainerGone((error as { cause?: unknown } | undefined)?.cause)) throw error;
      throw new UnavailableError(
        `sandbox ${this.id}: its container is gone (removed outside this sandbox, e.g. by \`swe-srl sandbox prune\` or docker rm)`,
        { cause: error },
      );
    }
  }

  /** Once closed the container is gone: say so, rather than "no such file" or the engine's 404. */
  private assertOpen(): void {
    if (this.closing !== undefined) throw new SweSrlError(`sandbox ${this.id} is closed`);
  }

  private resolve(path: string): string {
    return posix.resolve(WORKDIR, path);
  }
}

async function createContainer(engine: DockerEngine, config: DockerSandboxConfig): Promise<Docker.Container> {
  const memoryBytes = config.memoryBytes ?? DOCKER_DEFAULTS.memoryBytes;
  const network = config.network ?? DOCKER_DEFAULTS.network;
  try {
    return await engine.docker.createContainer({
      Image: config.image,
      // Our own keep-alive, whatever the image's entrypoint: the session is an exec beside it.
      Entrypoint: ['sleep', 'infinity'],
      Cmd: [],
      WorkingDir: WORKDIR,
      Env: Object.entries(config.env ?? {}).map(([name, value]) => `${name}=${value}`),
      Labels: {
        [LABELS.run]: config.runId ?? defaultRunId(),
        [LABELS.instance]: config.instanceId ?? '',
      },
      Tty: false,
      NetworkDisabled: !network,
      HostConfig: {
        // A real init reaps orphans (a fork bomb's, a killed pipeline's) so they don't hold pids.
        Init: true,
        Memory: memoryBytes,
        MemorySwap: memoryBytes,
        NanoCpus: Math.round((config.cpus ?? DOCKER_DEFAULTS.cpus) * 1e9),
        PidsLimit: config.pidsLimit ?? DOCKER_DEFAULTS.pidsLimit,
        NetworkMode: network ? 'bridge' : 'none',
        SecurityOpt: ['no-new-privileges'],
      },
    });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new UnavailableError(
        `image ${config.image} is not on the Docker engine at ${engine.endpoint}; build it first ` +
          '(`swe-srl image base` for the base image, `swe-srl image build` for an environment image)',
        { cause: error },
      );
    }
    throw new UnavailableError(`could not create a container from ${config.image} on ${engine.endpoint}: ${engineMessage(error)}`, {
      cause: error,
    });
  }
}

async function startContainer(container: Docker.Container, image: string): Promise<void> {
  try {
    await container.start();
  } catch (error) {
    throw new UnavailableError(`could not start a container from ${image}: ${engineMessage(error)}`, { cause: error });
  }
}

/** Force-removes the container; a container that is already gone is fine. */
async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: already gone. 409: removal already in progress (a concurrent close or prune).
    if (status !== 404 && status !== 409) throw error;
  }
}

/** The engine's own words; dockerode calls every 404 "no such container", a missing file included. */
function isContainerGone(error: unknown): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 404 && /No such container: /.test(engineMessage(error));
}

async function readBaseCommit(shell: PersistentShell): Promise<string | undefined> {
  const gitEnv = Object.entries(DIFF_GIT_ENV)
    .map(([name, value]) => `${name}='${value}'`)
    .join(' ');
  const result = await shell.run(`${gitEnv} git -C ${WORKDIR} rev-parse --verify -q HEAD 2>/dev/null`, { timeoutMs: 30_000 });
  const commit = result.output.trim();
  return result.exitCode === 0 && BASE_COMMIT_PATTERN.test(commit) ? commit : undefined;
}
