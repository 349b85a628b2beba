import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { buildSampleRepository, loadSamples } from '../../../src/sandbox/repos/sample-repos.js';
import { InputError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/temp-dir.js';

const environmentsDir = fileURLToPath(new URL('../../../environments', import.meta.url));
const scratch = await tempDir('samples');
after(() => rm(scratch, { recursive: true, force: true }));

test('the shipped calculator sample loads from environments/samples', async () => {
  const samples = await loadSamples(environmentsDir);
  const calculator = samples.find((sample) => sample.name === 'calculator');
  assert.ok(calculator, 'environments/samples/calculator exists');
  assert.equal(calculator.repo, 'swe-srl/sample-calculator');
});

test('a sample builds into owner__name with the same commit id on every build', async () => {
  const [calculator] = (await loadSamples(environmentsDir)).filter((sample) => sample.name === 'calculator');
  assert.ok(calculator);
  const first = await buildSampleRepository(calculator, join(scratch, 'a'));
  const second = await buildSampleRepository(calculator, join(scratch, 'b'));
  assert.equal(first.path, join(scratch, 'a', 'swe-srl__sample-calculator'));
  assert.match(first.commit, /^[0-9a-f]{40}$/);
  assert.equal(second.commit, first.commit, 'fixed author, committer and date make the id reproducible');
  const git = simpleGit(first.path);
  assert.equal((await git.raw(['status', '--porcelain'])).trim(), '');
  assert.match(await git.raw(['ls-files']), /calculator\.py/);

  // Building again over an existing, identical repository keeps it.
  const again = await buildSampleRepository(calculator, join(scratch, 'a'));
  assert.equal(again.commit, first.commit);
});

test('changing a sample file changes the commit id and replaces the old repository', async () => {
  const copy = join(scratch, 'envs');
  await cp(join(environmentsDir, 'samples', 'calculator'), join(copy, 'samples', 'calculator'), { recursive: true });
  const [original] = await loadSamples(copy);
  assert.ok(original);
  const before = await buildSampleRepository(original, join(scratch, 'c'));
  await writeFile(join(copy, 'samples', 'calculator', 'repo', 'NOTES.txt'), 'one more file\n');
  const after = await buildSampleRepository(original, join(scratch, 'c'));
  assert.notEqual(after.commit, before.commit);
  assert.equal((await simpleGit(after.path).revparse(['HEAD'])).trim(), after.commit);
});

test('a sample.yaml without a valid repo names the file and field', async () => {
  const broken = join(scratch, 'broken');
  await mkdir(join(broken, 'samples', 'bad', 'repo'), { recursive: true });
  await writeFile(join(broken, 'samples', 'bad', 'sample.yaml'), 'repo: no-slash\n');
  await assert.rejects(loadSamples(broken), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /samples\/bad\/sample\.yaml: repo: must be owner\/name/);
    return true;
  });
});
