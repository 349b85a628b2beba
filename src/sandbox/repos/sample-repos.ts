/**
 * Sample repositories ship as plain files under `environments/samples/<name>/repo/` and become git
 * repositories on demand, so the main job and the tests need no network. Each is one commit with a
 * fixed author, committer and date: its id depends only on the files, so instance files can name it
 * as `base_commit` and it is the same on every machine.
 *
 * The result is laid out as `--repos DIR` expects (`DIR/owner__name`), so everything downstream
 * (prepareRepository, instance images, the evaluator) treats samples like any other repository.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError, describeLocation } from '../../errors.js';
import { repoDirName } from './repo-names.js';

export const SAMPLES_DIR_NAME = 'samples';
const SAMPLE_FILE = 'sample.yaml';
const FILES_DIR = 'repo';

// Other parts (issue 5's gold and wrong patches) may add their own fields to sample.yaml.
const sampleFileSchema = z.looseObject({
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name'),
  commit_message: z.string().trim().min(1).default('Initial import'),
  date: z.iso.datetime({ offset: true }).default('2024-01-01T00:00:00Z'),
});

export interface SampleDefinition {
  /** The sample's directory name (`calculator`). */
  name: string;
  /** Its directory, holding sample.yaml and repo/. */
  dir: string;
  repo: string;
  commitMessage: string;
  date: string;
  /** Everything sample.yaml says, for parts that extend it. */
  raw: Record<string, unknown>;
}

export interface BuiltSample {
  repo: string;
  commit: string;
  path: string;
}

/** Every sample under `environmentsDir/samples/`, sorted by name. */
export async function loadSamples(environmentsDir: string): Promise<SampleDefinition[]> {
  const samplesDir = join(environmentsDir, SAMPLES_DIR_NAME);
  const names = existsSync(samplesDir) ? (await readdir(samplesDir)).sort() : [];
  const samples: SampleDefinition[] = [];
  for (const name of names) {
    const file = join(samplesDir, name, SAMPLE_FILE);
    if (!existsSync(file)) continue;
    let raw: unknown;
    try {
      raw = parseYaml(await readFile(file, 'utf8'));
    } catch (error) {
      throw new InputError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    const parsed = sampleFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(`${describeLocation(file, undefined, issue.path.join('.') || '(top level)')}: ${issue.message}`);
    }
    const filesDir = join(samplesDir, name, FILES_DIR);
    if (!existsSync(filesDir) || !(await stat(filesDir)).isDirectory()) {
      throw new InputError(`${file}: the sample has no ${FILES_DIR}/ directory next to it`);
    }
    samples.push({
      name,
      dir: join(samplesDir, name),
      repo: parsed.data.repo,
      commitMessage: parsed.data.commit_message,
      date: parsed.data.date,
      raw: parsed.data as Record<string, unknown>,
    });
  }
  return samples;
}

/** The commit id in `path`, or undefined when it is not a repository with a commit. */
async function headCommit(path: string): Promise<string | undefined> {
  if (!existsSync(join(path, '.git'))) return undefined;
  try {
    const commit = (await simpleGit(path).raw(['rev-parse', '--verify', 'HEAD'])).trim();
    return /^[0-9a-f]{40}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

/** Makes a one-commit repository from the files of a sample, in a fresh directory. */
async function commitSampleFiles(sample: SampleDefinition, path: string): Promise<string> {
  await cp(join(sample.dir, FILES_DIR), path, { recursive: true });
  const identity = { name: 'swe-srl samples', email: 'samples@swe-srl.invalid' };
  // A user's global config (signing, autocrlf, hooks) must not change the commit id.
  const git = simpleGit(path, {
    config: ['commit.gpgsign=false', 'core.autocrlf=false', 'core.fileMode=true'],
  }).env({
    // A minimal environment: a caller's GIT_DIR, EDITOR or GIT_CONFIG_* must not reach this commit.
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_AUTHOR_DATE: sample.date,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_COMMITTER_DATE: sample.date,
  });
  await git.raw(['init', '--quiet', '--initial-branch', 'main']);
  // The sample's own .gitignore applies: caches left by running its tests in place are not part of it.
  await git.raw(['add', '--all', '.']);
  await git.raw(['commit', '--quiet', '--no-verify', '-m', sample.commitMessage]);
  return (await git.raw(['rev-parse', 'HEAD'])).trim();
}

/**
 * Builds the sample's repository at `reposDir/owner__name`, or leaves it as it is when it already
 * holds exactly this sample's commit. Safe when several processes build the same sample at once.
 */
export async function buildSampleRepository(sample: SampleDefinition, reposDir: string): Promise<BuiltSample> {
  const target = join(reposDir, repoDirName(sample.repo));
  await mkdir(reposDir, { recursive: true });
  // Staging next to the target keeps the final rename on one file system (atomic).
  const staging = await mkdtemp(join(reposDir, `.${repoDirName(sample.repo)}-staging-`));
  try {
    const commit = await commitSampleFiles(sample, staging);
    if ((await headCommit(target)) === commit) return { repo: sample.repo, commit, path: target };
    // Another commit (the sample's files changed) or a broken directory: replace it.
    await rm(target, { recursive: true, force: true });
    try {
      await rename(staging, target);
    } catch (error) {
      // Another process renamed its identical build into place first.
      if ((await headCommit(target)) !== commit) throw error;
    }
    return { repo: sample.repo, commit, path: target };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Builds every sample under `environmentsDir/samples` into `reposDir`. */
export async function buildSampleRepositories(environmentsDir: string, reposDir: string): Promise<BuiltSample[]> {
  const built: BuiltSample[] = [];
  for (const sample of await loadSamples(environmentsDir)) built.push(await buildSampleRepository(sample, reposDir));
  return built;
}
