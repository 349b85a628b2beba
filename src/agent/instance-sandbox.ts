/**
 * A fresh sandbox for a task instance, at its base commit: in Docker, on the instance image
 * (environment spec from the environments folder, repository from the repos folder, built once and
 * then reused by tag); or locally, on a temporary work tree of the clone in the repos folder.
 * Rollouts and replays start every episode here.
 *
 * With several Docker engines the engine is chosen first (the least-loaded one that answers), and
 * the image is built, or found, on that engine: an engine never gets a container whose image it
 * lacks, and no engine builds images for sandboxes it will not run.
 */
import { join } from 'node:path';
import { FieldError } from '../errors.js';
import type { Instance } from '../eval/instances.js';
import { createSandbox, defaultDockerEngines } from '../sandbox/factory.js';
import { DockerEngines, pruneSandboxes, type DockerEngine } from '../sandbox/docker/engines.js';
import type { Sandbox } from '../sandbox/types.js';
import type { SandboxBackend } from '../sandbox/backend-choice.js';
import { findEnvironmentSpec, loadEnvironmentSpecs, type EnvironmentSpecFile } from '../sandbox/images/environment-spec.js';
import { InstanceImages } from '../sandbox/images/instance-images.js';
import { repoDirName } from '../sandbox/repos/repo-names.js';

export type { SandboxBackend } from '../sandbox/backend-choice.js';

export interface InstanceSandboxOptions {
  backend: SandboxBackend;
  /** Clones named `owner__name` (the run configuration's `sandbox.repos`). */
  reposDir: string;
  /** Environment specs (`sandbox.environments`); needed for Docker. */
  environmentsDir?: string;
  /** Local backend without bubblewrap: runs model commands on the host. */
  allowUnsafe?: boolean;
  /** Docker: network access inside the sandbox (default off). */
  network?: boolean;
  /** Cap on one command's output in bytes. */
  outputLimitBytes?: number;
  /** Docker: where sandboxes may go; default the engines the environment names. */
  engines?: DockerEngines;
  /** Docker: container limits (default 2 GiB, 1 CPU, 512 pids). */
  limits?: { memoryBytes?: number; cpus?: number; pidsLimit?: number };
  /** Progress lines while images build. */
  onProgress?: (line: string) => void;
}

/**
 * Makes sandboxes for many instances; environment specs are read once and each engine's images
 * are ensured once per instance, so parallel workers build each image once (the image module
 * locks builds).
 */
export class InstanceSandboxes {
  private specs: Promise<EnvironmentSpecFile[]> | undefined;
  private readonly images: InstanceImages;
  /** A one-engine placement per endpoint, so a sandbox lands where its image was ensured. */
  private readonly pinned = new Map<string, DockerEngines>();

  constructor(private readonly options: InstanceSandboxOptions) {
    if (options.backend === 'docker' && options.environmentsDir === undefined) {
      throw new FieldError('sandbox.environments', 'is required with the docker backend (it holds the environment specs)');
    }
    this.images = new InstanceImages({ reposDir: options.reposDir, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  }

  get engines(): DockerEngines {
    return this.options.engines ?? defaultDockerEngines();
  }

  /** A fresh sandbox at the instance's base commit; `runId` labels a Docker container (`swe-srl.run`). */
  async create(instance: Instance, labels: { runId?: string } = {}): Promise<Sandbox> {
    const options = this.options;
    if (options.backend === 'local') {
      return createSandbox({
        type: 'local',
        repoPath: join(options.reposDir, repoDirName(instance.repo)),
        commit: instance.base_commit,
        ...(options.allowUnsafe !== undefined ? { allowUnsafe: options.allowUnsafe } : {}),
        ...(options.outputLimitBytes !== undefined ? { outputLimitBytes: options.outputLimitBytes } : {}),
      });
    }
    const engines = this.engines;
    // The slot is held for the sandbox's life, so placement keeps counting it.
    const engine = await engines.acquire();
    try {
      const image = await this.imageOn(engine, instance);
      const sandbox = await createSandbox({
        type: 'docker',
        image,
        instanceId: instance.instance_id,
        engines: this.pinnedTo(engine),
        ...(labels.runId !== undefined ? { runId: labels.runId } : {}),
        ...(options.network !== undefined ? { network: options.network } : {}),
        ...(options.outputLimitBytes !== undefined ? { outputLimitBytes: options.outputLimitBytes } : {}),
        ...options.limits,
      });
      const close = sandbox.close.bind(sandbox);
      let released = false;
      sandbox.close = async () => {
        try {
          await close();
        } finally {
          if (!released) engines.release(engine);
          released = true;
        }
      };
      return sandbox;
    } catch (error) {
      engines.release(engine);
      throw error;
    }
  }

  /** Removes what an earlier, killed process of this run left behind (Docker containers by label). */
  async removeLeftovers(runId: string): Promise<number> {
    if (this.options.backend !== 'docker') return 0;
    return pruneSandboxes({ runId, engines: this.engines });
  }

  /** The instance image on this engine, built there when it is missing. */
  private async imageOn(engine: DockerEngine, instance: Instance): Promise<string> {
    this.specs ??= loadEnvironmentSpecs(this.options.environmentsDir!);
    return this.images.on(engine, instance, findEnvironmentSpec(await this.specs, instance.repo, instance.version));
  }

  private pinnedTo(engine: DockerEngine): DockerEngines {
    let pinned = this.pinned.get(engine.endpoint);
    if (!pinned) {
      pinned = DockerEngines.fromEndpoints([engine.endpoint]);
      this.pinned.set(engine.endpoint, pinned);
    }
    return pinned;
  }
}
