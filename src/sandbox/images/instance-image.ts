/**
 * Instance images: an environment image plus the repository at its base commit in /testbed, with a
 * clean `git status` and HEAD at that commit, which is what every sandbox for the instance starts
 * from. The tag hashes the environment's hash, the repository, the commit and the instance's install
 * commands, so when it exists nothing is fetched at all.
 */
import type Docker from 'dockerode';
import { prepareRepository, resolveRevision } from '../repos/prepare-repository.js';
import { repoDirName } from '../repos/repo-names.js';
import { withBuildLock, type BuildLockOptions } from './build-lock.js';
import { contentHash, sanitizeForImageName } from './content-hash.js';
import type { ProgressSink } from './docker-progress.js';
import { ensureEnvironmentImage, runInBash, type EnsuredEnvironmentImage, type EnsureEnvironmentImageOptions } from './environment-image.js';
import type { EnvironmentSpec } from './environment-spec.js';
import type { EnsuredImage } from './base-image.js';
import { buildImageFromDockerfile } from './image-build.js';
import { engineKey, imageExists, LABELS } from './image-store.js';

export const INSTANCE_IMAGE_PREFIX = 'swe-srl/instance.';

/** Bump when the generated Dockerfile changes meaning. */
const INSTANCE_RECIPE_VERSION = 1;

export interface EnsureInstanceImageOptions {
  environment: EnvironmentSpec;
  repo: string;
  /** The base commit; a full id is best (short ids and branch names only resolve in local clones). */
  commit: string;
  /** Names the image; `owner__name-<commit>` when absent. */
  instanceId?: string;
  reposDir?: string;
  url?: string;
  onProgress?: ProgressSink;
  /** Passed on when the environment (and base) image has to be built first. */
  environmentOptions?: Omit<EnsureEnvironmentImageOptions, 'onProgress'>;
  force?: boolean;
  lock?: BuildLockOptions;
}

export interface EnsuredInstanceImage extends EnsuredImage {
  environment: EnsuredEnvironmentImage;
}

export function instanceImageRepository(instanceId: string): string {
  return `${INSTANCE_IMAGE_PREFIX}${sanitizeForImageName(instanceId)}`;
}

export function instanceImageHash(environmentHash: string, repo: string, commit: string, instanceInstall: readonly string[]): string {
  return contentHash({ recipe: INSTANCE_RECIPE_VERSION, environment: environmentHash, repo, commit, instanceInstall });
}

function instanceDockerfile(environmentTag: string, spec: EnvironmentSpec, repo: string, commit: string, instanceId: string, hash: string): string {
  const lines = [`FROM ${environmentTag}`, 'COPY testbed/ /testbed/', 'WORKDIR /testbed'];
  for (const command of spec.instanceInstall) lines.push(runInBash(command));
  // Copying changes every file's timestamps, so the index is refreshed here once rather than on
  // each sandbox's first `git status`; then the tree must be clean at the base commit, or every diff
  // taken later would carry noise.
  lines.push(
    runInBash(
      `test "$(git rev-parse HEAD)" = ${JSON.stringify(commit)} || { echo "HEAD is $(git rev-parse HEAD), expected ${commit}"; exit 1; }; ` +
        'git update-index -q --refresh || true; ' +
        'if [ -n "$(git status --porcelain)" ]; then echo "the working tree is not clean (add build outputs to .gitignore):"; git status --porcelain | head -20; exit 1; fi',
    ),
    `LABEL ${LABELS.kind}=instance ${LABELS.hash}=${hash} ${LABELS.repo}=${JSON.stringify(repo)} ${LABELS.commit}=${commit} ${LABELS.instance}=${JSON.stringify(instanceId)}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Makes sure the instance image (and the environment and base below it) exists. */
export async function ensureInstanceImage(docker: Docker, options: EnsureInstanceImageOptions): Promise<EnsuredInstanceImage> {
  const progress = options.onProgress ?? (() => {});
  const environment = await ensureEnvironmentImage(docker, options.environment, { ...options.environmentOptions, onProgress: progress });
  const source = {
    repo: options.repo,
    commit: options.commit,
    ...(options.reposDir !== undefined ? { reposDir: options.reposDir } : {}),
    ...(options.url !== undefined ? { url: options.url } : {}),
  };
  const commit = await resolveRevision(source);
  const instanceId = options.instanceId ?? `${repoDirName(options.repo)}-${commit.slice(0, 12)}`;
  const hash = instanceImageHash(environment.hash, options.repo, commit, options.environment.instanceInstall);
  const tag = `${instanceImageRepository(instanceId)}:${hash}`;
  if (!options.force && (await imageExists(docker, tag))) return { tag, hash, built: false, environment };

  return withBuildLock(
    `${engineKey(docker)} ${tag}`,
    async () => {
      if (!options.force && (await imageExists(docker, tag))) return { tag, hash, built: false, environment };
      progress(`preparing ${options.repo} at ${commit}`);
      const repository = await prepareRepository({ ...source, commit });
      try {
        progress(`building ${tag}`);
        await buildImageFromDockerfile(docker, {
          tag,
          dockerfile: instanceDockerfile(environment.tag, options.environment, options.repo, repository.commit, instanceId, hash),
          context: { directories: [{ source: repository.path, target: 'testbed' }] },
          onProgress: progress,
        });
      } finally {
        await repository.cleanup();
      }
      return { tag, hash, built: true, environment };
    },
    { ...options.lock, onWait: options.lock?.onWait ?? progress },
  );
}
