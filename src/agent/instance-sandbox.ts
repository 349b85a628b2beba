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
import { SandboxPlan, WarmPool } from '../sandbox/pool/index.js';
import type { DockerSandboxConfig } from '../sandbox/factory.js';

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
  /**
   * Docker: sandboxes started ahead of the episodes that will take them (`sandbox.poolSize`), from
   * the plan a run gives `plan()`; 0 (default) starts each when it is asked for.
   */
  poolSize?: number;
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
  private pool: WarmPool | undefined;
  private sandboxPlan: SandboxPlan | undefined;

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
    if (this.pooled) {
      const config = await this.pooledConfig(instance, labels);
      return (await this.sandboxPlan!.acquire(instance.instance_id, config)).sandbox;
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

  /**
   * The sandboxes a run will ask for, in order; with a pool, the next `poolSize` of them start
   * (their images built) while earlier episodes run. A plan replaces the previous one.
   */
  plan(instances: readonly Instance[], labels: { runId?: string } = {}): void {
    if (!this.pooled) return;
    this.sandboxPlan!.plan(instances.map((instance) => ({ key: instance.instance_id, config: () => this.pooledConfig(instance, labels) })));
  }

  /** Removes the sandboxes started ahead and never taken; the source stays usable. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.sandboxPlan = undefined;
    await pool?.close();
  }

  private get pooled(): boolean {
    if (this.options.backend !== 'docker' || (this.options.poolSize ?? 0) === 0) return false;
    if (this.pool === undefined) {
      this.pool = new WarmPool({ size: this.options.poolSize!, demand: 'expected' });
      this.sandboxPlan = new SandboxPlan(this.pool);
    }
    return true;
  }

  /**
   * A pooled sandbox's config: started before anyone asks for it, it cannot be placed by the
   * engine slot of its episode, so the image is on every engine and the engine picks at creation.
   */
  private async pooledConfig(instance: Instance, labels: { runId?: string }): Promise<DockerSandboxConfig> {
    const options = this.options;
    const engines = this.engines;
    const tags = await Promise.all(engines.engines.map((engine) => this.imageOn(engine, instance)));
    return {
      type: 'docker',
      image: tags[0]!,
      instanceId: instance.instance_id,
      engines,
      ...(labels.runId !== undefined ? { runId: labels.runId } : {}),
      ...(options.network !== undefined ? { network: options.network } : {}),
      ...(options.outputLimitBytes !== undefined ? { outputLimitBytes: options.outputLimitBytes } : {}),
      ...options.limits,
    };
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
