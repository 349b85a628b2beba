import { UnavailableError } from '../../errors.js';

/** The repository is not where we were told to look (`--repos DIR`, a URL). */
export class UnknownRepositoryError extends UnavailableError {}

/** The repository is there but does not hold the commit asked for. */
export class UnknownCommitError extends UnavailableError {}

/** Fetching failed for another reason (network, permissions, a corrupt bundle). */
export class RepositoryFetchError extends UnavailableError {}
