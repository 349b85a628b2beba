/**
 * Sandboxes for evaluation on Docker: the instance image (base → environment → instance, each cached
 * by a content hash) is ensured once per instance and engine, then every sandbox is a fresh
 * container from it, labelled with the run id so an interrupted run's leftovers can be found.
 */
import { ensureInstanceImage, type EnsureInstanceImageOptions } from '../sandbox/images/instance-image.js';
import type { EnvironmentSpec } from '../sandbox/images/environment-spec.js';
import { createSandbox, defaultDockerEngines, DockerEngines, pruneSandboxes, type DockerSandboxConfig } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instances.js';
import type { InstanceSandboxProvider } from './sandbox-provider.js';

/** Test logs are the evidence kept per instance: far more room than an agent's observation gets. */
export const EVAL_OUTPUT_LIMIT_BYTES = 16 * 1024 * 1024;

export interface DockerProviderOptions {
  /** Labels every container (`swe-srl.run`). */
  runId: string;
  /** `owner__name` clones or bundles of the instances' repositories. */
  reposDir?: string;
  /** Default: the engines named by the environment (SWE_SRL_DOCKER_HOSTS, DOCKER_HOST, the socket). */
  engines?: DockerEngines;
  /** Container limits; the sandbox defaults otherwise (1 CPU, 2 GiB, no network). */
  limits?: Pick<DockerSandboxConfig, 'memoryBytes' | 'cpus' | 'pidsLimit' | 'network'>;
  outputLimitBytes?: number;
  /** Passed to image building (force rebuilds, lock waiting, base image options). */
  imageOptions?: Pick<EnsureInstanceImageOptions, 'force' | 'lock' | 'environmentOptions'>;
}

export class DockerInstanceProvider implements InstanceSandboxProvider {
  private readonly engines: DockerEngines;
  // One build per instance and engine, shared by every sandbox (a gold run opens two per instance).
  private readonly images = new Map<string, Promise<string>>();

  constructor(private readonly options: DockerProviderOptions) {
    this.engines = options.engines ?? defaultDockerEngines();
  }

  private imageOn(engineIndex: number, instance: Instance, environment: EnvironmentSpec, onProgress: (line: string) => void): Promise<string> {
    const engine = this.engines.engines[engineIndex]!;
    const key = `${engine.endpoint}\u0000${instance.instance_id}\u0000${environment.file}\u0000${environment.version ?? ''}`;
    let image = this.images.get(key);
    if (!image) {
      image = (async () => {
        await engine.ensureReachable();
        const ensured = await ensureInstanceImage(engine.docker, {
          ...this.options.imageOptions,
          environment,
          repo: instance.repo,
          commit: instance.base_commit,
          instanceId: instance.instance_id,
          ...(this.options.reposDir !== undefined ? { reposDir: this.options.reposDir } : {}),
          onProgress,
        });
        if (ensured.built) onProgress(`built image ${ensured.tag}`);
        return ensured.tag;
      })();
      // A failed build is retried by the next sandbox rather than remembered.
      image.catch(() => this.images.delete(key));
      this.images.set(key, image);
    }
    return image;
  }

  async open(instance: Instance, environment: EnvironmentSpec, onProgress: (line: string) => void): Promise<Sandbox> {
    // The engine a sandbox lands on is chosen when it is created, so the image must be on each.
    const tags = await Promise.all(this.engines.engines.map((_, index) => this.imageOn(index, instance, environment, onProgress)));
    return createSandbox({
      type: 'docker',
      image: tags[0]!,
      runId: this.options.runId,
      instanceId: instance.instance_id,
      outputLimitBytes: this.options.outputLimitBytes ?? EVAL_OUTPUT_LIMIT_BYTES,
      engines: this.engines,
      ...this.options.limits,
    });
  }

  removeLeftovers(runId: string): Promise<number> {
    return pruneSandboxes({ runId, engines: this.engines });
  }
}
