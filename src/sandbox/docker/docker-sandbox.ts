/**
 * A sandbox in a Docker container: labelled, resource-limited (memory, CPU, pids, disk), offline by
 * default, with one persistent bash session, file access through the archive API, and a diff taken
 * beside the session. `close()` force-removes the container whatever state it is in.
 *
 * Once it is closed, or its container or engine is gone, every method rejects with a
 * SandboxGoneError, a command that was running at the time included: its exit status (137 from
 * the kill) says nothing about the command. Stopped by its disk limit, it rejects with a
 * SandboxLimitError instead.
 */
import { posix } from 'node:path';
import type Docker from 'dockerode';
import { ReadBackLimitError, SandboxGoneError, SandboxLimitError, SweSrlError, UnavailableError } from '../../errors.js';
import { readBackLimits, type ReadBackOptions } from '../read-back.js';
import { DIFF_GIT_ENV, DIFF_SCRIPT } from '../session/helper-scripts.js';
import { PersistentShell } from '../session/persistent-shell.js';
import type { RunOptions, RunResult, Sandbox } from '../types.js';
import { engineMessage, readContainerFile, writeContainerFile } from './archive.js';
import { DiskWatchdog, isQuotaRefusal, noteQuotaRefused, storageQuotaSupported } from './disk-limit.js';
import { DOCKER_DEFAULTS, type DockerSandboxConfig, defaultRunId } from './docker-config.js';
import { LABELS } from './labels.js';
import { DockerShellHost } from './docker-shell-host.js';
import type { DockerEngine, DockerEngines } from './engines.js';
import { collectExec } from './exec.js';
import { SessionSupervisor } from './session-supervisor.js';

const WORKDIR = '/testbed';
const BASE_COMMIT_PATTERN = /^[0-9a-f]{40,64}$/;
/** Connection failures that mean the engine itself went away. */
const ENGINE_LOST_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export class DockerSandbox implements Sandbox {
  readonly backend = 'docker' as const;
  readonly workdir = WORKDIR;
  private closing: Promise<void> | undefined;
  /** Commands run through `run` (the harness's own start-up reads do not move the shell). */
  private commandsRun = 0;
  /** Set when the disk watchdog stopped the container. */
  private stoppedBy: SandboxLimitError | undefined;
  private watchdog: DiskWatchdog | undefined;

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
    /** Aborted at close: a shell restart still starting (after its container died) is abandoned. */
    private readonly closed: AbortController,
    /** How the disk limit is enforced: the driver's quota, or the watchdog. */
    readonly diskLimit: { bytes: number; enforcement: 'storage-quota' | 'watchdog' },
  ) {}

  static async create(config: DockerSandboxConfig, engines: DockerEngines): Promise<DockerSandbox> {
    const engine = await engines.acquire();
    let container: Docker.Container | undefined;
    let supervisor: SessionSupervisor | undefined;
    const closed = new AbortController();
    try {
      const created = await createContainer(engine, config);
      container = created.container;
      // The supervisor is the container's main process: attached before the start, so its first
      // answer cannot be missed. The session (an exec) starts while it gets ready.
      const attached = await SessionSupervisor.attach(container);
      supervisor = attached.supervisor;
      await startContainer(container, config.image);
      const supervisorReady = attached.ready.then(() => attached.supervisor);
      const host = new DockerShellHost(container, supervisorReady, { workdir: WORKDIR, env: config.env, signal: closed.signal });
      const shell = await PersistentShell.start(host, {
        workdir: WORKDIR,
        outputLimitBytes: config.outputLimitBytes ?? DOCKER_DEFAULTS.outputLimitBytes,
        defaultTimeoutMs: config.defaultTimeoutMs ?? DOCKER_DEFAULTS.defaultTimeoutMs,
      });
      await supervisorReady;
      const baseCommit = await readBaseCommit(shell);
      const diskLimitBytes = config.diskLimitBytes ?? DOCKER_DEFAULTS.diskLimitBytes;
      const sandbox = new DockerSandbox(
        container.id.slice(0, 12),
        engine.endpoint,
        container,
        baseCommit,
        shell,
        supervisor,
        () => engines.release(engine),
        closed,
        { bytes: diskLimitBytes, enforcement: created.storageQuota ? 'storage-quota' : 'watchdog' },
      );
      if (!created.storageQuota) sandbox.watchDisk(config.diskCheckIntervalMs ?? DOCKER_DEFAULTS.diskCheckIntervalMs);
      return sandbox;
    } catch (error) {
      closed.abort();
      supervisor?.close();
      const stopped = container !== undefined && !(error instanceof UnavailableError) ? await stoppedAtStart(container, config.image) : undefined;
      if (container !== undefined) await removeContainer(container);
      engines.release(engine);
      throw stopped ?? error;
    }
  }

  knownWorkingDir(): string | undefined {
    return this.commandsRun === 0 && !this.isKnownLost() ? this.workdir : undefined;
  }

  isKnownLost(): boolean {
    return this.closing !== undefined || this.stoppedBy !== undefined || !this.shell.connected;
  }

  async run(command: string, options?: RunOptions): Promise<RunResult> {
    this.commandsRun += 1;
    return this.guard(async () => {
      const result = await this.shell.run(command, options);
      // The shell died, or the command was killed: the container itself may be what went away.
      if (result.sessionRestarted || result.exitCode === null || result.exitCode >= 128) await this.assertContainerRunning();
      return result;
    });
  }

  async readFile(path: string, options?: ReadBackOptions): Promise<Buffer> {
    return this.guard(() => readContainerFile(this.container, this.resolve(path), readBackLimits('file', options)));
  }

  async writeFile(path: string, data: Buffer | string, options: { mode?: number } = {}): Promise<void> {
    return this.guard(() => writeContainerFile(this.container, this.resolve(path), Buffer.from(data), options.mode));
  }

  async diff(options?: ReadBackOptions): Promise<string> {
    return this.guard(async () => {
      if (this.baseCommit === undefined) {
        throw new SweSrlError(`sandbox ${this.id}: ${WORKDIR} held no git repository when it started, so there is no base to diff against`);
      }
      const limits = readBackLimits('diff', options);
      const result = await collectExec(this.container, ['sh', '-c', DIFF_SCRIPT, 'diff', this.baseCommit, WORKDIR, String(limits.maxBytes + 1)], {
        env: DIFF_GIT_ENV,
        maxStdoutBytes: limits.maxBytes,
        timeoutMs: limits.timeoutMs,
      });
      if (result.stopped !== undefined) {
        throw new ReadBackLimitError('diff', 'git diff', result.stopped, result.stopped === 'size' ? limits.maxBytes : limits.timeoutMs);
      }
      if (result.exitCode !== 0) {
        throw new SweSrlError(
          `sandbox ${this.id}: git diff failed (exit ${result.exitCode}): ${result.stderr.toString('utf8').trim()}`,
        );
      }
      return result.stdout.toString('utf8');
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.watchdog?.stop();
      this.closed.abort();
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
   * Runs one operation and explains its failure by what happened to the sandbox: closed (here, or by
   * a signal's cleanup) during it, stopped by its disk limit, its container removed behind our back
   * (`sandbox prune` from another shell, a `docker rm`: the engine then answers 404 to everything,
   * which would read as "no such file"), or its engine gone.
   */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    this.assertUsable();
    let value: T;
    try {
      value = await operation();
    } catch (error) {
      this.assertUsable(error);
      if (isContainerGone(error) || isContainerGone((error as { cause?: unknown } | undefined)?.cause)) {
        throw new SandboxGoneError(this.id, 'container-gone', 'its container is gone (removed outside this sandbox, e.g. by `swe-srl sandbox prune` or docker rm)', { cause: error });
      }
      if (isEngineLost(error) || isEngineLost((error as { cause?: unknown } | undefined)?.cause)) {
        throw new SandboxGoneError(this.id, 'engine-lost', `the Docker engine at ${this.endpoint} stopped answering (${engineMessage(error)})`, { cause: error });
      }
      throw error;
    }
    // A close or a limit that landed while the operation ran decided its result, not the sandbox's contents.
    this.assertUsable();
    return value;
  }

  private assertUsable(cause?: unknown): void {
    if (this.closing !== undefined) throw new SandboxGoneError(this.id, 'closed', 'is closed', cause === undefined ? undefined : { cause });
    if (this.stoppedBy !== undefined) throw this.stoppedBy;
  }

  /** After a killed command: a container that stopped or vanished is a lost sandbox, not a result. */
  private async assertContainerRunning(): Promise<void> {
    let state: { Running?: boolean; ExitCode?: number; OOMKilled?: boolean } | undefined;
    try {
      state = (await this.container.inspect()).State;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        throw new SandboxGoneError(this.id, 'container-gone', 'its container is gone (removed outside this sandbox)', { cause: error });
      }
      throw new SandboxGoneError(this.id, 'engine-lost', `the Docker engine at ${this.endpoint} stopped answering (${engineMessage(error)})`, { cause: error });
    }
    this.assertUsable();
    if (state?.Running === false) {
      throw new SandboxGoneError(
        this.id,
        'container-gone',
        `its container stopped (exit ${state.ExitCode ?? '?'}${state.OOMKilled ? ', killed for memory' : ''})`,
      );
    }
  }

  private watchDisk(intervalMs: number): void {
    this.watchdog = new DiskWatchdog(this.container, this.diskLimit.bytes, intervalMs, (written) => {
      this.stoppedBy = new SandboxLimitError(
        this.id,
        'disk',
        `stopped: its writable layer reached ${written} bytes, past the disk limit of ${this.diskLimit.bytes} bytes`,
      );
      // Killing the container ends whatever runs in it; the owner still closes (removes) it.
      void this.container.kill().catch(() => undefined);
    });
  }

  private resolve(path: string): string {
    return posix.resolve(WORKDIR, path);
  }
}

async function createContainer(engine: DockerEngine, config: DockerSandboxConfig): Promise<{ container: Docker.Container; storageQuota: boolean }> {
  const diskLimitBytes = config.diskLimitBytes ?? DOCKER_DEFAULTS.diskLimitBytes;
  if (await storageQuotaSupported(engine)) {
    try {
      return { container: await createContainerWith(engine, config, { size: String(diskLimitBytes) }), storageQuota: true };
    } catch (error) {
      if (!isQuotaRefusal(engineMessage((error as { cause?: unknown }).cause ?? error))) throw error;
      noteQuotaRefused(engine);
    }
  }
  return { container: await createContainerWith(engine, config, undefined), storageQuota: false };
}

async function createContainerWith(
  engine: DockerEngine,
  config: DockerSandboxConfig,
  storageOpt: Record<string, string> | undefined,
): Promise<Docker.Container> {
  const memoryBytes = config.memoryBytes ?? DOCKER_DEFAULTS.memoryBytes;
  const network = config.network ?? DOCKER_DEFAULTS.network;
  const diskLimitBytes = config.diskLimitBytes ?? DOCKER_DEFAULTS.diskLimitBytes;
  try {
    return await engine.docker.createContainer({
      Image: config.image,
      // Our own main process, whatever the image's entrypoint: the supervisor, which also keeps the
      // container alive; the session is an exec beside it. Its stdin stays open for our requests.
      Entrypoint: SessionSupervisor.ENTRYPOINT,
      Cmd: [],
      OpenStdin: true,
      StdinOnce: false,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
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
        // No single file past the disk limit; without CAP_SYS_RESOURCE the container cannot raise it.
        Ulimits: [{ Name: 'fsize', Soft: diskLimitBytes, Hard: diskLimitBytes }],
        ...(storageOpt ? { StorageOpt: storageOpt } : {}),
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

/**
 * Why a sandbox failed to start when its container stopped as it started (its supervisor, a bash,
 * could not run): an error that says so instead of the engine's answer to the next call ("not
 * running"). Undefined when the container is still running, or the engine cannot tell.
 */
async function stoppedAtStart(container: Docker.Container, image: string): Promise<UnavailableError | undefined> {
  const state = await container.inspect().then((info) => info.State, () => undefined);
  if (state === undefined || state.Running) return undefined;
  return new UnavailableError(
    `the container from ${image} stopped as it started (exit ${state.ExitCode}${state.Error ? `: ${state.Error}` : ''}); ` +
      'does the image have bash, and a /testbed directory?',
  );
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

/** A connection failure to the engine (its socket gone, a TCP reset), not an answer from it. */
function isEngineLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && ENGINE_LOST_CODES.has(code) && (error as { statusCode?: number }).statusCode === undefined) return true;
  return /socket hang up/.test((error as Error).message ?? '');
}

async function readBaseCommit(shell: PersistentShell): Promise<string | undefined> {
  const gitEnv = Object.entries(DIFF_GIT_ENV)
    .map(([name, value]) => `${name}='${value}'`)
    .join(' ');
  const result = await shell.run(`${gitEnv} git -C ${WORKDIR} rev-parse --verify -q HEAD 2>/dev/null`, { timeoutMs: 30_000 });
  const commit = result.output.trim();
  return result.exitCode === 0 && BASE_COMMIT_PATTERN.test(commit) ? commit : undefined;
}
