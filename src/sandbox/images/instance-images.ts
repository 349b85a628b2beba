/**
 * The instance images of a run, per engine: each instance's image is built, or found, once on each
 * engine that needs it, however many sandboxes start on it at once (the image module locks builds
 * across processes; this keeps one process from asking twice). A failed build is not remembered:
 * the next sandbox tries again.
 */
import type { DockerEngine } from '../docker/engines.js';
import type { EnvironmentSpec } from './environment-spec.js';
import { ensureInstanceImage, type EnsureInstanceImageOptions } from './instance-image.js';

/** What names an instance image: the task instance's id, repository and base commit (SWE-bench's fields). */
export interface ImageInstance {
  instance_id: string;
  repo: string;
  base_commit: string;
}

export interface InstanceImagesOptions {
  /** `owner__name` clones or bundles of the repositories. */
  reposDir?: string;
  /** Build progress, and a line when an image was built on an engine. */
  onProgress?: (line: string) => void;
  /** Passed to the builds (force rebuilds, lock waiting, base image options). */
  imageOptions?: Pick<EnsureInstanceImageOptions, 'force' | 'lock' | 'environmentOptions'>;
}

export class InstanceImages {
  private readonly images = new Map<string, Promise<string>>();

  constructor(private readonly options: InstanceImagesOptions = {}) {}

  /**
   * The tag of the instance's image on `engine`, built there when it is missing. `onProgress`, when
   * given, takes this call's lines instead of the options' (an evaluation logs each instance's
   * build in its own log); a build already under way reports to whoever started it.
   */
  on(engine: DockerEngine, instance: ImageInstance, environment: EnvironmentSpec, onProgress = this.options.onProgress): Promise<string> {
    const key = [engine.endpoint, instance.instance_id, environment.file, environment.version ?? ''].join('\u0000');
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
          ...(onProgress ? { onProgress } : {}),
        });
        if (ensured.built) onProgress?.(`built image ${ensured.tag} on ${engine.endpoint}`);
        return ensured.tag;
      })();
      image.catch(() => this.images.delete(key));
      this.images.set(key, image);
    }
    return image;
  }
}
