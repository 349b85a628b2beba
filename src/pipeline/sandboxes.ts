/**
 * The sandboxes of a pipeline run, on one backend for the whole run: Docker when an engine answers
 * (or when the file asks for it), else the local bubblewrap backend. Stages ask here instead of
 * choosing a backend themselves, so one run never mixes them and the choice is made (and said)
 * once, before any work.
 *
 * Both backends give the same things: an `InstanceSandboxProvider` (what the evaluator and the
 * agent's episodes open sandboxes from: the instance's repository at its base commit, clean) and a
 * scratch sandbox on a repository of one's own.
 */
import { join } from 'node:path';
import Docker from 'dockerode';
import { UnavailableError } from '../errors.js';
import { DockerInstanceProvider, type InstanceSandboxProvider } from '../eval/index.js';
import type { Instance } from '../eval/instances.js';
import { createSandbox, findBubblewrap, resolveBackend, type BackendChoice, type SandboxBackend } from '../sandbox/index.js';
import { ensureEnvironmentImage } from '../sandbox/images/environment-image.js';
import type { EnvironmentSpec } from '../sandbox/images/environment-spec.js';
import { repoDirName } from '../sandbox/repos/repo-names.js';
import type { Sandbox } from '../sandbox/types.js';

export interface PipelineSandboxOptions {
  backend: BackendChoice;
  maxWorkers: number;
  allowUnsafe: boolean;
}

export interface ProviderOptions {
  /** Labels the run's containers (so an interrupted run's leftovers can be removed). */
  runId: string;
  /** `owner__name` repositories of the instances. */
  reposDir: string;
  /** Cap on one command's output; default the backend's (100 KiB), or 16 MiB for evaluation. */
  outputLimitBytes?: number;
}

/** The environment of the images (src/sandbox/images/base-image.ts): no bytecode files in a diff. */
const LOCAL_BASE_ENV = { PYTHONDONTWRITEBYTECODE: '1' };

/**
 * Sandboxes for instances on the host: a work tree of the repository at the base commit under
 * bubblewrap, with the environment spec's variables (the image would have set them).
 */
export class LocalInstanceProvider implements InstanceSandboxProvider {
  constructor(private readonly options: ProviderOptions & { allowUnsafe: boolean }) {}

  open(instance: Instance, environment: EnvironmentSpec): Promise<Sandbox> {
    return createSandbox({
      type: 'local',
      repoPath: join(this.options.reposDir, repoDirName(instance.repo)),
      commit: instance.base_commit,
      env: { ...LOCAL_BASE_ENV, ...environment.env },
      ...(this.options.allowUnsafe ? { allowUnsafe: true } : {}),
      ...(this.options.outputLimitBytes !== undefined ? { outputLimitBytes: this.options.outputLimitBytes } : {}),
    });
  }
}

export class PipelineSandboxes {
  private resolved: { backend: SandboxBackend; reason?: string } | undefined;
  private docker: Docker | undefined;

  constructor(readonly options: PipelineSandboxOptions) {}

  get maxWorkers(): number {
    return this.options.maxWorkers;
  }

  /** Picks the backend (once) and checks it can run: an engine that answers, or bubblewrap. */
  async backend(): Promise<{ backend: SandboxBackend; reason?: string }> {
    if (this.resolved) return this.resolved;
    const choice = await resolveBackend(this.options.backend);
    if (choice.backend === 'local' && !this.options.allowUnsafe && findBubblewrap() === undefined) {
      const why = choice.fallbackReason ? `${choice.fallbackReason}, and ` : '';
      throw new UnavailableError(`${why}bubblewrap (bwrap) is not installed for the local backend: run scripts/setup-docker.sh as root, or apt-get install bubblewrap`);
    }
    if (choice.backend === 'docker') this.docker = new Docker();
    this.resolved = { backend: choice.backend, ...(choice.fallbackReason ? { reason: choice.fallbackReason } : {}) };
    return this.resolved;
  }

  /** Where instance sandboxes come from on this run's backend. */
  async provider(options: ProviderOptions): Promise<InstanceSandboxProvider> {
    await this.backend();
    return this.providerNow(options);
  }

  /** The same, once the backend is chosen (the runner chooses it before any stage that uses sandboxes). */
  providerNow(options: ProviderOptions): InstanceSandboxProvider {
    if (!this.resolved) throw new Error('the sandbox backend is not chosen yet: call backend() first');
    if (this.resolved.backend === 'docker') {
      return new DockerInstanceProvider({ runId: options.runId, reposDir: options.reposDir, ...(options.outputLimitBytes !== undefined ? { outputLimitBytes: options.outputLimitBytes } : {}) });
    }
    return this.localProvider(options);
  }

  /** The local backend's provider, for callers that choose the backend themselves. */
  localProvider(options: ProviderOptions): InstanceSandboxProvider {
    return new LocalInstanceProvider({ ...options, allowUnsafe: this.options.allowUnsafe });
  }

  /**
   * A sandbox with an environment's tools but no task in it: on Docker a container of the
   * environment image, locally a work tree of `repoPath` (a repository the caller made).
   */
  async scratch(environment: EnvironmentSpec, repoPath: string, runId: string, instanceId: string): Promise<Sandbox> {
    const { backend } = await this.backend();
    if (backend === 'docker') {
      const image = await ensureEnvironmentImage(this.docker!, environment);
      return createSandbox({ type: 'docker', image: image.tag, runId, instanceId });
    }
    return createSandbox({ type: 'local', repoPath, env: { ...LOCAL_BASE_ENV, ...environment.env }, ...(this.options.allowUnsafe ? { allowUnsafe: true } : {}) });
  }

  /** The Docker client, for stages that build images (undefined on the local backend). */
  async dockerClient(): Promise<Docker | undefined> {
    await this.backend();
    return this.docker;
  }
}
