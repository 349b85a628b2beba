/**
 * The base image every environment builds on: Debian bookworm with bash, git, python3, pytest,
 * patch and procps, a git identity for agents' commits, and `/testbed` as the working directory.
 *
 * It comes from `debian:bookworm-slim` when that is on the engine or a registry answers; otherwise
 * from debootstrap and `docker import` (machines and clusters without a registry). Both routes end
 * in the same finishing Dockerfile, and the tag hashes the recipe rather than the route, so
 * environment tags do not depend on which machine built the base.
 */
import type Docker from 'dockerode';
import { UnavailableError } from '../../errors.js';
import { findAptMirror } from './apt-mirror.js';
import { withBuildLock, type BuildLockOptions } from './build-lock.js';
import { contentHash } from './content-hash.js';
import { importDebootstrappedImage } from './debootstrap.js';
import type { ProgressSink } from './docker-progress.js';
import { buildImageFromDockerfile } from './image-build.js';
import { pullImage } from './image-pull.js';
import { engineKey, imageExists, LABELS } from './image-store.js';

export const BASE_IMAGE_REPOSITORY = 'swe-srl/base';
export const SLIM_SOURCE_IMAGE = 'debian:bookworm-slim';

/** Everything the base image is made from; changing any of it changes the tag. */
export const BASE_RECIPE = {
  // Bump when the finishing Dockerfile below changes meaning.
  recipeVersion: 1,
  suite: 'bookworm',
  packages: ['bash', 'ca-certificates', 'git', 'patch', 'procps', 'python3', 'python-is-python3', 'python3-pytest'],
} as const;

export type BaseImageSource = 'local' | 'registry' | 'debootstrap';

export interface EnsureBaseImageOptions {
  onProgress?: ProgressSink;
  /** Debian mirror for debootstrap; by default the one the host's apt uses. */
  mirror?: string;
  /** How long a registry pull may take before we give up and bootstrap (default 20 s). */
  pullTimeoutMs?: number;
  /** Skip the registry and bootstrap straight away. */
  skipRegistry?: boolean;
  /** Rebuild even when the tag exists. */
  force?: boolean;
  lock?: BuildLockOptions;
}

export interface EnsuredImage {
  /** `repository:tag`, ready for a container or a FROM line. */
  tag: string;
  hash: string;
  /** False when the image was already there and nothing was built. */
  built: boolean;
}

export interface EnsuredBaseImage extends EnsuredImage {
  /** How the image was made this time; undefined when it was already there. */
  source?: BaseImageSource;
}

export function baseImageHash(): string {
  return contentHash(BASE_RECIPE);
}

export function baseImageTag(): string {
  return `${BASE_IMAGE_REPOSITORY}:${baseImageHash()}`;
}

/** The Dockerfile that turns a Debian root (slim or bootstrapped) into the base image; exported for inspection. */
export function finishingDockerfile(from: string, installPackages: boolean, hash: string, source: BaseImageSource): string {
  const lines = [`FROM ${from}`];
  if (installPackages) {
    lines.push(
      `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${BASE_RECIPE.packages.join(' ')} && rm -rf /var/lib/apt/lists/*`,
    );
  }
  lines.push(
    // Agents commit and stash; without an identity git refuses. The repository is owned by whoever
    // copied it in, so every directory is declared safe.
    'RUN git config --system user.name "swe-srl" && git config --system user.email "swe-srl@localhost" ' +
      "&& git config --system safe.directory '*' && git config --system init.defaultBranch main && mkdir -p /testbed",
    // An imported root file system has no environment at all, so PATH is spelled out. Bytecode files
    // would show up as untracked changes in the repository's diff.
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1',
    'WORKDIR /testbed',
    `LABEL ${LABELS.kind}=base ${LABELS.hash}=${hash} ${LABELS.baseSource}=${source}`,
    'CMD ["/bin/bash"]',
  );
  return `${lines.join('\n')}\n`;
}

async function tryPull(docker: Docker, image: string, timeoutMs: number, progress: ProgressSink): Promise<boolean> {
  return (await pullImage(docker, image, timeoutMs, progress)).pulled;
}

/** Makes sure the base image exists on this engine, building it only when its tag is missing. */
export async function ensureBaseImage(docker: Docker, options: EnsureBaseImageOptions = {}): Promise<EnsuredBaseImage> {
  const hash = baseImageHash();
  const tag = `${BASE_IMAGE_REPOSITORY}:${hash}`;
  const progress = options.onProgress ?? (() => {});
  if (!options.force && (await imageExists(docker, tag))) return { tag, hash, built: false };

  return withBuildLock(
    `${engineKey(docker)} ${tag}`,
    async () => {
      // Another caller may have built it while we waited for the lock.
      if (!options.force && (await imageExists(docker, tag))) return { tag, hash, built: false };

      let source: BaseImageSource;
      let from: string;
      if (await imageExists(docker, SLIM_SOURCE_IMAGE)) {
        source = 'local';
        from = SLIM_SOURCE_IMAGE;
      } else if (!options.skipRegistry && (await tryPull(docker, SLIM_SOURCE_IMAGE, options.pullTimeoutMs ?? 20_000, progress))) {
        source = 'registry';
        from = SLIM_SOURCE_IMAGE;
      } else {
        source = 'debootstrap';
        from = `${BASE_IMAGE_REPOSITORY}-rootfs:${hash}`;
        if (options.force || !(await imageExists(docker, from))) {
          const mirror = options.mirror ?? (await findAptMirror());
          await importDebootstrappedImage(docker, from, {
            suite: BASE_RECIPE.suite,
            packages: [...BASE_RECIPE.packages],
            mirror,
            onProgress: progress,
          });
        }
      }
      progress(`finishing ${tag} from ${from}`);
      await buildImageFromDockerfile(docker, {
        tag,
        dockerfile: finishingDockerfile(from, source !== 'debootstrap', hash, source),
        onProgress: progress,
      });
      return { tag, hash, built: true, source };
    },
    { ...options.lock, onWait: options.lock?.onWait ?? progress },
  );
}

/** The base image's tag if it exists on this engine; a clear error saying how to build it if not. */
export async function requireBaseImage(docker: Docker): Promise<string> {
  const tag = baseImageTag();
  if (!(await imageExists(docker, tag))) {
    throw new UnavailableError(`the base image ${tag} is missing; build it with \`swe-srl image base\``);
  }
  return tag;
}
