/**
 * SWE-bench's prebuilt instance images, for machines where a registry answers: the image of an
 * instance is `swebench/sweb.eval.x86_64.<instance id>:latest`, the id lowercased and its `__`
 * written `_1776_` (SWE-bench's instance_image_key for a remote image), with the repository at
 * /testbed (its base commit plus SWE-bench's setup commit) and a conda environment `testbed` under
 * /opt/miniconda3. Without a registry they cannot be had, and the evaluation says so at once.
 */
import type Docker from 'dockerode';
import { UnavailableError } from '../../errors.js';
import type { ProgressSink } from './docker-progress.js';
import { pullImage } from './image-pull.js';
import { imageExists } from './image-store.js';

export interface SweBenchImageNaming {
  /** Default `swebench` (Docker Hub's namespace of SWE-bench's images). */
  namespace?: string;
  /** Default `latest`. */
  tag?: string;
  /** Default `x86_64`. */
  arch?: 'x86_64' | 'arm64';
}

export function sweBenchImageName(instanceId: string, naming: SweBenchImageNaming = {}): string {
  const key = `sweb.eval.${naming.arch ?? 'x86_64'}.${instanceId.toLowerCase()}:${naming.tag ?? 'latest'}`;
  return `${naming.namespace ?? 'swebench'}/${key}`.replace(/__/g, '_1776_');
}

/** What the session runs first in such an image, as SWE-bench's eval script does. */
export const SWEBENCH_CONDA_ACTIVATION = 'source /opt/miniconda3/bin/activate && conda activate testbed';

export interface EnsureSweBenchImageOptions extends SweBenchImageNaming {
  onProgress?: ProgressSink;
  /** How long a pull may take (default 60 s): no answer by then counts as no registry. */
  pullTimeoutMs?: number;
}

/** The instance's SWE-bench image on this engine: already there, or pulled; else a clear error. */
export async function ensureSweBenchImage(docker: Docker, instanceId: string, options: EnsureSweBenchImageOptions = {}): Promise<string> {
  const image = sweBenchImageName(instanceId, options);
  if (await imageExists(docker, image)) return image;
  const pulled = await pullImage(docker, image, options.pullTimeoutMs ?? 60_000, options.onProgress ?? (() => {}));
  if (pulled.pulled) return image;
  throw new UnavailableError(
    `SWE-bench's image ${image} is not on this engine and could not be pulled (${pulled.reason}). ` +
      'Pull it where a registry answers and load it here (docker save | docker load), or build the environment from its spec instead (--image-source build).',
  );
}
