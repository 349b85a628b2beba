/** Repositories at a commit, from git URLs, local clones, bundles, or the shipped samples. */
export { prepareRepository, locateRepositorySource, resolveRevision } from './prepare-repository.js';
export type { PrepareRepositoryOptions, PreparedRepository } from './prepare-repository.js';
export { UnknownRepositoryError, UnknownCommitError, RepositoryFetchError } from './repo-errors.js';
export { parseRepoName, repoDirName } from './repo-names.js';
export { loadSamples, buildSampleRepository, buildSampleRepositories, SAMPLES_DIR_NAME } from './sample-repos.js';
export type { SampleDefinition, BuiltSample } from './sample-repos.js';
