/** Images for sandboxes: base → environment → instance, each tagged by a hash of its inputs. */
export { ensureBaseImage, requireBaseImage, baseImageTag, baseImageHash, BASE_RECIPE, BASE_IMAGE_REPOSITORY } from './base-image.js';
export type { EnsureBaseImageOptions, EnsuredImage, EnsuredBaseImage, BaseImageSource } from './base-image.js';
export { findAptMirror, DEFAULT_DEBIAN_MIRROR } from './apt-mirror.js';
export { contentHash, sanitizeForImageName } from './content-hash.js';
export type { ProgressSink } from './docker-progress.js';
export { ImageBuildError } from './image-errors.js';
export { imageExists, listSweSrlImages, removeSweSrlImages, LABELS, KIND_LABEL } from './image-store.js';
export type { ImageKind, RemovedImages, SweSrlImage } from './image-store.js';
export { loadEnvironmentSpecs, findEnvironmentSpec, parseEnvironmentSpec, resolveEnvironmentSpec, buildTestCommand, LOG_PARSERS } from './environment-spec.js';
export type { EnvironmentSpec, EnvironmentSpecFile, LogParserName } from './environment-spec.js';
export { ensureEnvironmentImage, environmentImageRepository, environmentImageHash } from './environment-image.js';
export type { EnsureEnvironmentImageOptions, EnsuredEnvironmentImage } from './environment-image.js';
export { ensureInstanceImage, instanceImageRepository, instanceImageHash } from './instance-image.js';
export type { EnsureInstanceImageOptions, EnsuredInstanceImage } from './instance-image.js';
export { requireEngine } from './engine-check.js';
export { sweBenchImageName, ensureSweBenchImage, SWEBENCH_CONDA_ACTIVATION } from './swebench-image.js';
export { pullImage, type PullResult } from './image-pull.js';
