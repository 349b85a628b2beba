/**
 * A repository at one commit, ready to be copied to /testbed: a fresh repository whose `main`
 * branch points at the commit, holding only that commit's history. Later commits (which may contain
 * the very fix an agent is asked to write) must not be reachable, so nothing past the commit is
 * fetched and, for bundles (which bring everything), unreachable objects are pruned.
 *
 * Sources, in order: an explicit `url` (any git URL or path); `reposDir/owner__name` (a clone, bare
 * or not), `reposDir/owner__name.git`, `reposDir/owner__name.bundle`; else GitHub.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { InputError } from '../../errors.js';
import { UnknownCommitError, UnknownRepositoryError, RepositoryFetchError } from './repo-errors.js';
import { repoDirName, parseRepoName } from './repo-names.js';

export interface PrepareRepositoryOptions {
  /** `owner/name`, as SWE-bench spells it. */
  repo: string;
  /** A full commit id (or any revision the source can resolve: a branch, a tag, a short id in a local clone). */
  commit: string;
  /** A directory of `owner__name` clones or `owner__name.bundle` files. */
  reposDir?: string;
  /** A git URL or path to fetch from; wins over `reposDir`. */
  url?: string;
  /** Where to create the repository (must not exist or be empty); a new temporary directory by default. */
  destination?: string;
  /** The branch that points at the commit. */
  branch?: string;
  /** A fetch from the network may take at most this long (default 15 minutes). */
  timeoutMs?: number;
}

export interface PreparedRepository {
  path: string;
  /** The full commit id HEAD points at. */
  commit: string;
  /** Where the history came from, for messages. */
  source: string;
  /** Removes the directory (only when prepareRepository created it). */
  cleanup(): Promise<void>;
}

type RepositorySource = { kind: 'directory' | 'bundle' | 'url'; location: string };

/** Finds where a repository's history is, without touching the network. */
export function locateRepositorySource(options: Pick<PrepareRepositoryOptions, 'repo' | 'reposDir' | 'url'>): RepositorySource {
  parseRepoName(options.repo);
  if (options.url !== undefined) {
    // git runs inside the new repository, so a relative path would point at the wrong place.
    if (!existsSync(options.url)) return { kind: 'url', location: options.url };
    return { kind: options.url.endsWith('.bundle') ? 'bundle' : 'directory', location: resolve(options.url) };
  }
  if (options.reposDir !== undefined) {
    const base = join(resolve(options.reposDir), repoDirName(options.repo));
    for (const candidate of [base, `${base}.git`]) {
      if (existsSync(candidate) && statSync(candidate).isDirectory()) return { kind: 'directory', location: candidate };
    }
    if (existsSync(`${base}.bundle`)) return { kind: 'bundle', location: `${base}.bundle` };
    throw new UnknownRepositoryError(
      `unknown repository ${options.repo}: ${options.reposDir} holds neither ${repoDirName(options.repo)}/, ` +
        `${repoDirName(options.repo)}.git/ nor ${repoDirName(options.repo)}.bundle`,
    );
  }
  return { kind: 'url', location: `https://github.com/${options.repo}.git` };
}

function gitErrorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split('\n').slice(-3).join(' | ');
}

/** For a local clone we can say "unknown commit" for certain, and accept short ids and branch names. */
async function resolveInLocalClone(source: RepositorySource, repo: string, commit: string): Promise<string> {
  const git = simpleGit(source.location);
  try {
    await git.raw(['rev-parse', '--git-dir']);
  } catch (error) {
    throw new UnknownRepositoryError(`${source.location} (for ${repo}) is not a git repository: ${gitErrorText(error)}`, { cause: error });
  }
  // simple-git only rejects when git writes to stderr, so no --quiet here, and the answer is checked.
  const resolved = await git.raw(['rev-parse', '--verify', '--end-of-options', `${commit}^{commit}`]).catch((error: unknown) => {
    throw new UnknownCommitError(`unknown commit ${commit} in ${repo} (${source.location})`, { cause: error });
  });
  const full = resolved.trim();
  if (!/^[0-9a-f]{40}$/.test(full)) throw new UnknownCommitError(`unknown commit ${commit} in ${repo} (${source.location})`);
  return full;
}

/**
 * The full commit id for `commit` when it can be known without fetching (a local clone), else
 * `commit` as given. Image tags hash this, so a branch name never stands for a moving target there.
 */
export async function resolveRevision(options: Pick<PrepareRepositoryOptions, 'repo' | 'commit' | 'reposDir' | 'url'>): Promise<string> {
  if (/^[0-9a-f]{40}$/.test(options.commit)) return options.commit;
  const source = locateRepositorySource(options);
  return source.kind === 'directory' ? resolveInLocalClone(source, options.repo, options.commit) : options.commit;
}

const MISSING_REVISION = /couldn't find remote ref|not our ref|no such remote ref|unadvertised object|bad object|did not send all necessary objects|not a valid object|upload-pack: not our ref/i;

async function fetchCommit(git: SimpleGit, source: RepositorySource, repo: string, revision: string): Promise<void> {
  try {
    await git.fetch(['--no-tags', '--quiet', source.location, revision]);
  } catch (error) {
    const text = gitErrorText(error);
    if (MISSING_REVISION.test(text)) {
      throw new UnknownCommitError(`unknown commit ${revision} in ${repo} (${source.location}): ${text}`, { cause: error });
    }
    throw new RepositoryFetchError(`cannot fetch ${repo} at ${revision} from ${source.location}: ${text}`, { cause: error });
  }
}

/** Creates a repository holding `repo` at `commit`, with a clean working tree. */
export async function prepareRepository(options: PrepareRepositoryOptions): Promise<PreparedRepository> {
  if (options.commit.trim().length === 0 || options.commit.startsWith('-')) {
    throw new InputError(`commit: "${options.commit}" is not a revision`);
  }
  const source = locateRepositorySource(options);
  const revision = source.kind === 'directory' ? await resolveInLocalClone(source, options.repo, options.commit) : options.commit;

  const ownsDirectory = options.destination === undefined;
  const path = options.destination ?? (await mkdtemp(join(tmpdir(), `swe-srl-repo-${repoDirName(options.repo)}-`)));
  const cleanup = async (): Promise<void> => {
    if (ownsDirectory) await rm(path, { recursive: true, force: true });
  };
  try {
    const branch = options.branch ?? 'main';
    await simpleGit().raw(['init', '--quiet', '--initial-branch', branch, path]);
    const git = simpleGit(path, { timeout: { block: options.timeoutMs ?? 15 * 60_000 } });
    await fetchCommit(git, source, options.repo, revision);
    let commit: string;
    try {
      commit = (await git.raw(['rev-parse', '--verify', 'FETCH_HEAD^{commit}'])).trim();
    } catch (error) {
      throw new UnknownCommitError(`${options.commit} in ${options.repo} is not a commit`, { cause: error });
    }
    if (!/^[0-9a-f]{40}$/.test(commit)) throw new UnknownCommitError(`${options.commit} in ${options.repo} is not a commit`);
    await git.raw(['reset', '--quiet', '--hard', commit]);
    // FETCH_HEAD names the source; a bundle's pack holds later history. Neither belongs in /testbed.
    await rm(join(path, '.git', 'FETCH_HEAD'), { force: true });
    if (source.kind === 'bundle') {
      await git.raw(['reflog', 'expire', '--expire=now', '--all']);
      await git.raw(['gc', '--quiet', '--prune=now']);
    }
    return { path, commit, source: source.location, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
