import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { rlvrReward, type RlvrRewardOptions, type RlvrRewardResult } from '../../src/eval/rlvr-reward.js';
import { applyPatch } from '../../src/eval/patch-apply.js';
import { getLogParser } from '../../src/eval/log-parsers/index.js';
import { createClampProject, type Candidate, type ClampProject, type Flavour } from './helpers/clamp-project.js';
import { HostDirectorySandbox } from './helpers/host-sandbox.js';
import { removeTree } from '../helpers/temp-dir.js';
import { hostPytestUnavailable } from './helpers/run-on-host.js';

const projects = new Map<Flavour, Promise<ClampProject>>();
const directories: string[] = [];

function project(flavour: Flavour): Promise<ClampProject> {
  let made = projects.get(flavour);
  if (!made) {
    made = createClampProject(flavour);
    projects.set(flavour, made);
  }
  return made;
}

after(async () => {
  for (const made of projects.values()) await removeTree((await made).repository.path);
  for (const dir of directories) await removeTree(dir);
});

/** A fresh clone of the project with a candidate patch applied, as an agent would leave it. */
async function episodeEndingWith(flavour: Flavour, candidate: Candidate | undefined): Promise<{ sandbox: HostDirectorySandbox; clamp: ClampProject }> {
  const clamp = await project(flavour);
  const dir = await mkdtemp(join(tmpdir(), 'swe-srl-episode-'));
  directories.push(dir);
  await simpleGit().clone(clamp.repository.path, dir);
  const sandbox = new HostDirectorySandbox(dir);
  if (candidate) assert.equal((await applyPatch(sandbox, clamp.patches[candidate])).applied, true);
  return { sandbox, clamp };
}

async function rewardFor(flavour: Flavour, candidate: Candidate | undefined, options: RlvrRewardOptions = {}): Promise<RlvrRewardResult> {
  const { sandbox, clamp } = await episodeEndingWith(flavour, candidate);
  return rlvrReward(sandbox, clamp.instance, clamp.environment, options);
}

for (const flavour of ['pytest', 'unittest'] as const) {
  const skip = flavour === 'pytest' ? hostPytestUnavailable() : false;

  test(`${flavour}: the fix earns 1`, { skip }, async () => {
    const result = await rewardFor(flavour, 'gold');
    assert.equal(result.reward, 1, result.testOutput);
    assert.equal(result.resolved, true);
    assert.deepEqual(result.issues, []);
    assert.equal(result.testsStatus!.FAIL_TO_PASS.failure.length, 0);
  });

  test(`${flavour}: no change earns 0, with the new tests failing and the old ones kept`, { skip }, async () => {
    const result = await rewardFor(flavour, undefined);
    assert.equal(result.reward, 0);
    assert.equal(result.testsStatus!.FAIL_TO_PASS.success.length, 0);
    assert.equal(result.testsStatus!.PASS_TO_PASS.failure.length, 0);
  });

  test(`${flavour}: partial credit is the share of FAIL_TO_PASS passing, and nothing when an old test broke`, { skip }, async () => {
    const half = await rewardFor(flavour, 'half', { partialCredit: true });
    assert.equal(half.resolved, false);
    assert.equal(half.reward, 0.5);
    assert.equal((await rewardFor(flavour, 'half')).reward, 0, 'without partial credit');
    const wrong = await rewardFor(flavour, 'wrong', { partialCredit: true });
    assert.equal(wrong.failToPassFraction, 1);
    assert.equal(wrong.reward, 0);
  });

  test(`${flavour}: verdicts printed at exit after the real ones do not earn a reward`, { skip }, async () => {
    const result = await rewardFor(flavour, 'forgesAtExit');
    assert.match(result.testOutput, /test_clamp_high\b.*(ok|PASSED)|PASSED .*test_clamp_high\b/);
    assert.equal(result.reward, 0);
    assert.deepEqual(result.testsStatus!.FAIL_TO_PASS.success, []);
  });

  test(`${flavour}: a fake all-passed log followed by exit 0 earns nothing`, { skip }, async () => {
    const { sandbox, clamp } = await episodeEndingWith(flavour, 'forgesAndExits');
    const result = await rlvrReward(sandbox, clamp.instance, clamp.environment);
    // The forgery is good enough to fool the log alone: every test reads as passed.
    const parser = getLogParser(clamp.environment.logParser);
    const fromLogAlone = parser.parse(result.testOutput);
    for (const name of [...clamp.instance.FAIL_TO_PASS, ...clamp.instance.PASS_TO_PASS]) {
      assert.equal(fromLogAlone.get(parser.normalizeTestName(name)), 'PASSED', name);
    }
    assert.equal(result.reward, 0);
    assert.ok(result.issues.some((issue) => /report is missing/.test(issue)), result.issues.join('\n'));
  });

  test(`${flavour}: a hanging test run times out with reward 0`, { skip }, async () => {
    const result = await rewardFor(flavour, 'hangs', { timeoutMs: 2000 });
    assert.equal(result.timedOut, true);
    assert.equal(result.reward, 0);
  });

  test(`${flavour}: an agent that rewrote the tests to pass is graded on the real tests`, { skip }, async () => {
    const { sandbox, clamp } = await episodeEndingWith(flavour, undefined);
    // The agent weakens the existing test file (which the test patch touches) instead of fixing clamp.
    await sandbox.run(`sed -i 's/0, 10), 0)/0, 10), -5)/; s/== 0$/== -5/' tests/test_mathlib.py`);
    const result = await rlvrReward(sandbox, clamp.instance, clamp.environment);
    assert.equal(result.reward, 0);
    assert.equal(result.testsStatus!.PASS_TO_PASS.failure.length, 0, 'the original test_clamp_low is back and passes');
  });
}
