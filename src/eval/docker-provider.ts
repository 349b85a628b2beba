/**
 * Sandboxes for evaluation on Docker. The image comes from one of two sources:
 *  - `build` (the default, no registry needed): the instance image (base → environment → instance,
 *    each cached by a content hash) is ensured once per instance and engine;
 *  - `swebench`: SWE-bench's prebuilt `swebench/sweb.eval.x86_64.<id>` image, pulled where a
 *    registry answers; its session starts by activating the `testbed` conda environment.
 * Every sandbox is then a fresh container, labelled with the run id so an interrupted run's
 * leftovers can be found, with the limits of the environment spec, overridden by the run's.
 */
import { UnavailableError } from '../errors.js';
import type { EnsureInstanceImageOptions } from '../sandbox/images/instance-image.js';
import { InstanceImages } from '../sandbox/images/instance-images.js';
import type { ContainerLimits, EnvironmentSpec } from '../sandbox/images/environment-spec.js';
import { imageExists } from '../sandbox/images/image-store.js';
import { ensureSweBenchImage, SWEBENCH_CONDA_ACTIVATION, type SweBenchImageNaming } from '../sandbox/images/swebench-image.js';
import { defaultDockerEngines, DockerEngines, LABELS, pruneSandboxes } from '../sandbox/index.js';
import type { DockerSandboxConfig } from '../sandbox/factory.js';
import { SandboxPlan, WarmPool } from '../sandbox/pool/index.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instances.js';
import type { InstanceSandboxProvider } from './sandbox-provider.js';
import type { RunLeftovers } from './summary.js';
import type { ImageSource } from './run-choices.js';

/** Test logs are the evidence kept per instance: far more room than an agent's observation gets. */
export const EVAL_OUTPUT_LIMIT_BYTES = 16 * 1024 * 1024;

export { IMAGE_SOURCES, type ImageSource } from './run-choices.js';

export interface DockerProviderOptions {
  /** Labels every container (`swe-srl.run`). */
  runId: string;
  /** `owner__name` clones or bundles of the instances' repositories (for `build`). */
  reposDir?: string;
  /** Default: the engines named by the environment (SWE_SRL_DOCKER_HOSTS, DOCKER_HOST, the socket). */
  engines?: DockerEngines;
  /**
   * The run's container limits: each one set here wins over the environment spec's, which wins
   * over the sandbox defaults (1 CPU, 2 GiB, 512 pids, no network).
   */
  limits?: ContainerLimits;
  outputLimitBytes?: number;
  /** Passed to image building (force rebuilds, lock waiting, base image options). */
  imageOptions?: Pick<EnsureInstanceImageOptions, 'force' | 'lock' | 'environmentOptions'>;
  /** Default `build`. */
  imageSource?: ImageSource;
  /** For `swebench`: naming (namespace, tag) and how long a pull may take. */
  sweBench?: SweBenchImageNaming & { pullTimeoutMs?: number };
  /**
   * Sandboxes started ahead of the workers (the run configuration's `sandbox.poolSize`): while one
   * instance runs its tests, the next ones' containers start. 0 starts each when it is opened.
   */
  poolSize?: number;
}

/** The limits a container gets: the run's over the spec's (absent ones fall to the sandbox defaults). */
export function effectiveLimits(spec: ContainerLimits, run: ContainerLimits = {}): ContainerLimits {
  const merged: ContainerLimits = { ...spec };
  for (const [key, value] of Object.entries(run) as Array<[keyof ContainerLimits, ContainerLimits[keyof ContainerLimits]]>) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

export class DockerInstanceProvider implements InstanceSandboxProvider {
  private readonly engines: DockerEngines;
  // One image per instance and engine, shared by every sandbox (a gold run opens two per instance):
  // built ones through the shared InstanceImages, SWE-bench's pulled ones here.
  private readonly instanceImages: InstanceImages;
  private readonly images = new Map<string, Promise<string>>();
  private readonly usedImages = new Set<string>();
  /** Sandboxes handed out: `warm` were started ahead by the pool, `cold` when opened. */
  readonly opens = { warm: 0, cold: 0 };
  private pool!: WarmPool;
  private sandboxPlan!: SandboxPlan;

  constructor(private readonly options: DockerProviderOptions) {
    this.engines = options.engines ?? defaultDockerEngines();
    this.newPool();
    this.instanceImages = new InstanceImages({
      ...(options.reposDir !== undefined ? { reposDir: options.reposDir } : {}),
      ...(options.imageOptions ? { imageOptions: options.imageOptions } : {}),
    });
  }

  private get imageSource(): ImageSource {
    return this.options.imageSource ?? 'build';
  }

  private imageOn(engineIndex: number, instance: Instance, environment: EnvironmentSpec, onProgress: (line: string) => void): Promise<string> {
    const engine = this.engines.engines[engineIndex]!;
    if (this.imageSource === 'build') return this.instanceImages.on(engine, instance, environment, onProgress);
    // SWE-bench's image of an instance, pulled once per engine.
    const key = `${engine.endpoint}\u0000${instance.instance_id}`;
    let image = this.images.get(key);
    if (!image) {
      image = (async () => {
        await engine.ensureReachable();
        const { pullTimeoutMs, ...naming } = this.options.sweBench ?? {};
        return ensureSweBenchImage(engine.docker, instance.instance_id, { ...naming, onProgress, ...(pullTimeoutMs !== undefined ? { pullTimeoutMs } : {}) });
      })();
      // A failed pull is tried again by the next sandbox rather than remembered.
      image.catch(() => this.images.delete(key));
      this.images.set(key, image);
    }
    return image;
  }

  /** The config of an instance's sandbox; its image is built (or pulled) on every engine first. */
  private async configFor(instance: Instance, environment: EnvironmentSpec, onProgress: (line: string) => void): Promise<DockerSandboxConfig> {
    // The engine a sandbox lands on is chosen when it is created, so the image must be on each.
    const tags = await Promise.all(this.engines.engines.map((_, index) => this.imageOn(index, instance, environment, onProgress)));
    for (const tag of tags) this.usedImages.add(tag);
    const limits = effectiveLimits(environment.limits, this.options.limits);
    return {
      type: 'docker',
      image: tags[0]!,
      runId: this.options.runId,
      instanceId: instance.instance_id,
      outputLimitBytes: this.options.outputLimitBytes ?? EVAL_OUTPUT_LIMIT_BYTES,
      engines: this.engines,
      ...limits,
    };
  }

  plan(opens: ReadonlyArray<{ instance: Instance; environment: EnvironmentSpec; count: number }>): void {
    if (this.pool.size === 0) return;
    this.sandboxPlan.plan(
      opens.flatMap(({ instance, environment, count }) =>
        Array.from({ length: count }, () => ({ key: instance.instance_id, config: () => this.configFor(instance, environment, () => undefined) })),
      ),
    );
  }

  async open(instance: Instance, environment: EnvironmentSpec, onProgress: (line: string) => void): Promise<Sandbox> {
    const config = await this.configFor(instance, environment, onProgress);
    const { sandbox, warm } = await this.sandboxPlan.acquire(instance.instance_id, config);
    this.opens[warm ? 'warm' : 'cold'] += 1;
    if (this.imageSource === 'swebench') await activateTestbedEnvironment(sandbox, config.image);
    return sandbox;
  }

  /** Removes the sandboxes started ahead and not taken; the provider stays usable (a fresh pool). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.newPool();
    await pool.close();
  }

  private newPool(): void {
    this.pool = new WarmPool({ size: this.options.poolSize ?? 0, demand: 'expected' });
    this.sandboxPlan = new SandboxPlan(this.pool);
  }

  removeLeftovers(runId: string): Promise<number> {
    return pruneSandboxes({ runId, engines: this.engines });
  }

  /** Containers of this run still on the engines, and the images this provider used still there. */
  async leftovers(runId: string): Promise<RunLeftovers> {
    const containers: string[] = [];
    const images: string[] = [];
    for (const engine of this.engines.engines) {
      const found = await engine.docker.listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`] } });
      containers.push(...found.map((info) => (info.Names[0] ?? info.Id).replace(/^\//, '')));
      for (const image of this.usedImages) if (await imageExists(engine.docker, image)) images.push(image);
    }
    return { containers, images: [...new Set(images)] };
  }
}

/** The session of a SWE-bench image runs everything in its `testbed` conda environment. */
async function activateTestbedEnvironment(sandbox: Sandbox, image: string): Promise<void> {
  const result = await sandbox.run(SWEBENCH_CONDA_ACTIVATION, { timeoutMs: 120_000 });
  if (result.exitCode !== 0) {
    await sandbox.close().catch(() => undefined);
    throw new UnavailableError(`${image} has no conda environment "testbed" (\`${SWEBENCH_CONDA_ACTIVATION}\` exited ${result.exitCode ?? 'none'}): ${result.output.trim().slice(-300)}`);
  }
}
