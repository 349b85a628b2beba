import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DockerInstanceProvider } from '../../src/eval/docker-provider.js';
import { rlvrReward } from '../../src/eval/rlvr-reward.js';
import { applyPatch } from '../../src/eval/patch-apply.js';
import { findEnvironmentSpec, loadEnvironmentSpecs } from '../../src/sandbox/images/environment-spec.js';
import type { Sandbox } from '../../src/sandbox/types.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import type { Candidate, Flavour } from './helpers/clamp-project.js';
import { containersOfRun, createDockerFixture, type DockerFixture } from './helpers/docker-fixture.js';

const skip = await skipUnlessDocker();
const runId = `eval-rlvr-docker-${process.pid}`;
let fixture: DockerFixture;
let provider: DockerInstanceProvider;

before(async () => {
  if (skip) return;
  await baseImageForTests();
  fixture = await createDockerFixture();
  provider = new DockerInstanceProvider({ runId, reposDir: fixture.reposDir });
});

after(async () => {
  await fixture?.cleanup();
});

/** An episode in a real container that ends with the agent's edits (a candidate patch) in /testbed. */
async function rewardAfter(flavour: Flavour, candidate: Candidate, partialCredit = false) {
  const project = fixture.projects[flavour];
  const environment = findEnvironmentSpec(await loadEnvironmentSpecs(fixture.environmentsDir), project.instance.repo);
  const sandbox: Sandbox = await provider.open(project.instance, environment, () => undefined);
  try {
    assert.equal((await applyPatch(sandbox, project.patches[candidate])).applied, true);
    return await rlvrReward(sandbox, project.instance, environment, { partialCredit });
  } finally {
    await sandbox.close();
  }
}

test('in Docker, the reward at the end of an episode is 1 for a fix, partial credit on request, 0 for a forged log', { skip, timeout: 180_000 }, async () => {
  const fixed = await rewardAfter('pytest', 'gold');
  assert.equal(fixed.reward, 1, fixed.testOutput);
  const half = await rewardAfter('unittest', 'half', true);
  assert.equal(half.reward, 0.5);
  const forged = await rewardAfter('unittest', 'forgesAndExits');
  assert.equal(forged.reward, 0);
  assert.ok(forged.issues.some((issue) => /report is missing/.test(issue)));
  assert.deepEqual(containersOfRun(runId), []);
});
