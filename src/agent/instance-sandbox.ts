/**
 * A fresh sandbox for a task instance, at its base commit: in Docker, on the instance image
 * (environment spec from `--environments`, repository from `--repos`, built once and then reused
 * by tag); or locally, on a temporary work tree of the clone in `--repos`. Rollouts and replays
 * both start every episode here.
 */
import { join } from 'node:path';
import Docker from 'dockerode';
import { InputError } from '../errors.js';
import type { Instance } from '../eval/instances.js';
import { createSandbox } from '../sandbox/factory.js';
import type { Sandbox } from '../sandbox/types.js';
import type { SandboxBackend } from '../sandbox/backend-choice.js';
import { findEnvironmentSpec, loadEnvironmentSpecs, type EnvironmentSpecFile } from '../sandbox/images/environment-spec.js';
import { ensureInstanceImage } from '../sandbox/images/instance-image.js';
import { repoDirName } from '../sandbox/repos/repo-names.js';

export type { SandboxBackend } from '../sandbox/backend-choice.js';

export interface InstanceSandboxOptions {
  backend: SandboxBackend;
  /** Clones named `owner__name` (what `--repos` points at). */
  reposDir: string;
  /** Environment specs (what `--environments` points at); needed for Docker. */
  environmentsDir?: string;
  /** Local backend without bubblewrap: runs model commands on the host. */
  allowUnsafe?: boolean;
  /** Docker: network access inside the sandbox (default off). */
  network?: boolean;
  /** Cap on one command's output in bytes. */
  outputLimitBytes?: number;
  /** Progress lines while images build. */
  onProgress?: (line: string) => void;
}

/**
 * Makes sandboxes for many instances; environment specs are read once and the Docker client is
 * shared, so parallel workers only build each image once (the image module locks builds).
 */
export class InstanceSandboxes {
  private specs: Promise<EnvironmentSpecFile[]> | undefined;
  private docker: Docker | undefined;

  constructor(private readonly options: InstanceSandboxOptions) {
    if (options.backend === 'docker' && options.environmentsDir === undefined) {
      throw new InputError('--environments is required with the docker backend (it holds the environment specs)');
    }
  }

  async create(instance: Instance): Promise<Sandbox> {
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
    this.specs ??= loadEnvironmentSpecs(options.environmentsDir!);
    this.docker ??= new Docker();
    const environment = findEnvironmentSpec(await this.specs, instance.repo, instance.version);
    const image = await ensureInstanceImage(this.docker, {
      environment,
      repo: instance.repo,
      commit: instance.base_commit,
      instanceId: instance.instance_id,
      reposDir: options.reposDir,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return createSandbox({
      type: 'docker',
      image: image.tag,
      instanceId: instance.instance_id,
      ...(options.network !== undefined ? { network: options.network } : {}),
      ...(options.outputLimitBytes !== undefined ? { outputLimitBytes: options.outputLimitBytes } : {}),
    });
  }
}
