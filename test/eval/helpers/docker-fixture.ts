/**
 * On-disk inputs for evaluations in Docker, as a user would have them: `repos/owner__name` clones
 * of the clamp projects and an environments directory with their specs.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, before } from 'node:test';
import { createClampProject, type ClampProject, type Flavour } from './clamp-project.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { baseImageForTests } from '../../helpers/images.js';
import { removeTree, tempDir } from '../../helpers/temp-dir.js';

export interface DockerFixture {
  root: string;
  reposDir: string;
  environmentsDir: string;
  projects: Record<Flavour, ClampProject>;
  cleanup(): Promise<void>;
}

const SPECS: Record<Flavour, string> = {
  pytest: 'name: clamp-pytest\nrepo: swe-srl/clamp-pytest\ntest_cmd: python3 -m pytest -rA -p no:cacheprovider\nlog_parser: pytest\ntimeout: 60\n',
  unittest: 'name: clamp-unittest\nrepo: swe-srl/clamp-unittest\ntest_cmd: python3 -m unittest -v\nlog_parser: unittest\ntimeout: 60\n',
};

export async function createDockerFixture(): Promise<DockerFixture> {
  const root = await tempDir('eval-docker');
  const reposDir = join(root, 'repos');
  const environmentsDir = join(root, 'environments');
  await mkdir(environmentsDir, { recursive: true });
  const projects = {} as Record<Flavour, ClampProject>;
  for (const flavour of ['pytest', 'unittest'] as const) {
    projects[flavour] = await createClampProject(flavour, { path: join(reposDir, `swe-srl__clamp-${flavour}`) });
    await writeFile(join(environmentsDir, `clamp-${flavour}.yaml`), SPECS[flavour]);
  }
  return { root, reposDir, environmentsDir, projects, cleanup: () => removeTree(root) };
}

/**
 * One fixture for all the Docker tests of the calling file: registers the file's `before` (the base
 * image built, then the fixture created; nothing without Docker) and `after` (the fixture removed).
 * `skip` is for the tests' options; `fixture()` is the fixture, there once `before` has run.
 */
export async function dockerFixtureForFile(): Promise<{ skip: false | string; fixture: () => DockerFixture }> {
  const skip = await skipUnlessDocker();
  let created: DockerFixture | undefined;
  before(async () => {
    if (skip) return;
    await baseImageForTests();
    created = await createDockerFixture();
  });
  after(async () => {
    await created?.cleanup();
  });
  const fixture = (): DockerFixture => {
    if (!created) throw new Error('the Docker fixture is made in before(), and only when Docker is there');
    return created;
  };
  return { skip, fixture };
}

/** Ids of containers carrying this run's label, running or not. */
export function containersOfRun(runId: string): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=swe-srl.run=${runId}`], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim() !== '');
}
