/**
 * Environment images: the base plus what one repository (version) needs to run its tests, generated
 * from its YAML spec. The tag hashes the base's hash and every field that changes the image's
 * content; the test command, parser and timeout are read at run time and do not force a rebuild.
 */
import type Docker from 'dockerode';
import { baseImageHash, ensureBaseImage, type EnsureBaseImageOptions, type EnsuredImage } from './base-image.js';
import { withBuildLock, type BuildLockOptions } from './build-lock.js';
import { contentHash, sanitizeForImageName } from './content-hash.js';
import type { ProgressSink } from './docker-progress.js';
import type { EnvironmentSpec } from './environment-spec.js';
import { buildImageFromDockerfile } from './image-build.js';
import { ImageBuildError } from './image-errors.js';
import { engineKey, imageExists, LABELS } from './image-store.js';

export const ENVIRONMENT_IMAGE_PREFIX = 'swe-srl/env.';

/** Bump when the generated Dockerfile changes meaning. */
const ENVIRONMENT_RECIPE_VERSION = 1;

export interface EnsureEnvironmentImageOptions {
  onProgress?: ProgressSink;
  /** Passed on when the base image has to be built first. */
  base?: Omit<EnsureBaseImageOptions, 'onProgress'>;
  force?: boolean;
  /** A whole build (apt and install commands) may take at most this long; default 60 minutes. */
  buildTimeoutMs?: number;
  lock?: BuildLockOptions;
}

export interface EnsuredEnvironmentImage extends EnsuredImage {
  base: EnsuredImage;
}

/** `swe-srl/env.<name>` or, for a version, `swe-srl/env.<name>-<version>`. */
export function environmentImageRepository(spec: Pick<EnvironmentSpec, 'name' | 'version'>): string {
  const suffix = spec.version !== undefined ? `-${sanitizeForImageName(spec.version)}` : '';
  return `${ENVIRONMENT_IMAGE_PREFIX}${sanitizeForImageName(spec.name)}${suffix}`;
}

export function environmentImageHash(spec: EnvironmentSpec, baseHash: string): string {
  return contentHash({
    recipe: ENVIRONMENT_RECIPE_VERSION,
    base: baseHash,
    apt: spec.apt,
    install: spec.install,
    env: spec.env,
  });
}

/** A RUN line in exec form, so the command reaches bash verbatim (newlines, quotes and `$` intact). */
export function runInBash(command: string): string {
  return `RUN ${JSON.stringify(['/bin/bash', '-euo', 'pipefail', '-c', command])}`;
}

// Inside double quotes a Dockerfile still expands `$VAR` and treats `\` as an escape.
function dockerfileQuote(value: string): string {
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

// Env values keep `$VAR` expansion on purpose: `PATH: /opt/tool/bin:$PATH` is the common case.
function envValueQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function environmentDockerfile(spec: EnvironmentSpec, baseTag: string, hash: string): string {
  const lines = [`FROM ${baseTag}`];
  const envEntries = Object.entries(spec.env).sort(([a], [b]) => (a < b ? -1 : 1));
  // Variables come first so install commands already see them (proxy settings, pip options).
  if (envEntries.length > 0) lines.push(`ENV ${envEntries.map(([key, value]) => `${key}=${envValueQuote(value)}`).join(' ')}`);
  if (spec.apt.length > 0) {
    lines.push(
      runInBash(
        `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${spec.apt.join(' ')} && rm -rf /var/lib/apt/lists/*`,
      ),
    );
  }
  for (const command of spec.install) lines.push(runInBash(command));
  lines.push(
    `LABEL ${LABELS.kind}=env ${LABELS.hash}=${hash} ${LABELS.environment}=${dockerfileQuote(spec.name)} ${LABELS.repo}=${dockerfileQuote(spec.repo)}`,
    'WORKDIR /testbed',
  );
  return `${lines.join('\n')}\n`;
}

/** The Python the base image has: Debian bookworm's python3. */
export const BASE_PYTHON_VERSION = '3.11';

/**
 * What an environment needs that an offline build from Debian's packages cannot give it: another
 * Python than the base's, conda packages (or a requirements.txt / environment.yml), pip packages.
 * SWE-bench's specs all need some; empty means the spec builds here.
 */
export function offlineBuildNeeds(spec: Pick<EnvironmentSpec, 'python' | 'packages' | 'pipPackages'>): string[] {
  const needs: string[] = [];
  if (spec.python !== undefined && spec.python !== BASE_PYTHON_VERSION) {
    needs.push(`Python ${spec.python} (the base image has Debian bookworm's ${BASE_PYTHON_VERSION}; SWE-bench gets other versions from conda)`);
  }
  if (spec.packages === 'requirements.txt') needs.push("the repository's requirements.txt, installed from PyPI");
  else if (spec.packages === 'environment.yml') needs.push("the conda environment of the repository's environment.yml");
  else if (spec.packages !== undefined) needs.push(`conda packages: ${spec.packages}`);
  if (spec.pipPackages.length > 0) needs.push(`pip packages from PyPI: ${spec.pipPackages.join(' ')}`);
  return needs;
}

/** Makes sure the environment image (and the base below it) exists, building what is missing. */
export async function ensureEnvironmentImage(
  docker: Docker,
  spec: EnvironmentSpec,
  options: EnsureEnvironmentImageOptions = {},
): Promise<EnsuredEnvironmentImage> {
  const progress = options.onProgress ?? (() => {});
  // Before anything is built: an image made elsewhere (docker load) may exist under the tag.
  const needs = offlineBuildNeeds(spec);
  if (needs.length > 0) {
    const tag = `${environmentImageRepository(spec)}:${environmentImageHash(spec, baseImageHash())}`;
    if (options.force || !(await imageExists(docker, tag))) {
      throw new ImageBuildError(
        tag,
        `${spec.file}${spec.version !== undefined ? ` version ${spec.version}` : ''} cannot be built offline from Debian's packages: it needs ${needs.join('; ')}. ` +
          "Where a registry answers, use SWE-bench's prebuilt images (--image-source swebench).",
      );
    }
  }
  const base = await ensureBaseImage(docker, { ...options.base, onProgress: progress });
  const hash = environmentImageHash(spec, base.hash);
  const tag = `${environmentImageRepository(spec)}:${hash}`;
  if (!options.force && (await imageExists(docker, tag))) return { tag, hash, built: false, base };

  return withBuildLock(
    `${engineKey(docker)} ${tag}`,
    async () => {
      if (!options.force && (await imageExists(docker, tag))) return { tag, hash, built: false, base };
      progress(`building ${tag} from ${spec.file}`);
      await buildImageFromDockerfile(docker, {
        tag,
        dockerfile: environmentDockerfile(spec, base.tag, hash),
        onProgress: progress,
        timeoutMs: options.buildTimeoutMs ?? 60 * 60_000,
      });
      return { tag, hash, built: true, base };
    },
    { ...options.lock, onWait: options.lock?.onWait ?? progress },
  );
}
