/**
 * The Done-when of issue 14's replay deliverable: `marshmallow-1867__function_calling_replace.traj`
 * (recorded with SWE-agent 1.0's `tools/defaults` + `tools/search` + `tools/edit_replace` +
 * `tools/submit`, a layout no other shared file uses, and calling `python`) replays in Docker on
 * the real repository (the shared git bundle at the instance's base commit) to its recorded
 * submission, and its tool steps give the recorded observations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTrajReplay } from '../../src/cli/traj-replay.js';
import { inferToolbox } from '../../src/agent/replay/recorded-toolbox.js';
import { readAllTrajectories } from '../../src/trajectories/index.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { withTempDir } from '../helpers/temp-dir.js';

const TRAJ = 'marshmallow-1867__function_calling_replace.traj';
const INSTANCES = 'marshmallow-code__marshmallow-1867.jsonl';
const BUNDLE = 'marshmallow-code__marshmallow.bundle';
const TOOL_ACTION = /^(open|goto|scroll_up|scroll_down|create|edit|insert|find_file|search_dir|search_file|submit)\b/;

const skipShared = skipUnlessShared('sweagent', TRAJ) || skipUnlessShared('swe-bench', INSTANCES) || skipUnlessShared('swe-bench', BUNDLE);

test('the marshmallow trajectory names a bundle layout the inference knows: tools/defaults is the windowed viewer of SWE-agent 1.x', { skip: skipShared }, async () => {
  const path = sharedDataPath('sweagent', TRAJ)!;
  const [trajectory] = await readAllTrajectories(path);
  const inferred = inferToolbox(JSON.parse(readFileSync(path, 'utf8')), trajectory!);
  assert.equal(inferred.source, 'bundles');
  assert.deepEqual(inferred.layout, ['tools/defaults', 'tools/search', 'tools/edit_replace', 'tools/submit']);
  assert.deepEqual(inferred.tools, {
    flavor: 'swe-agent-1',
    windowedRevision: 'defaults',
    bundles: ['bash', 'windowed', 'search', 'edit_replace', 'submit'],
    window: 100,
    overlap: 2,
  });
  assert.deepEqual(inferred.warnings, []);
});

test('traj replay reproduces marshmallow-1867__function_calling_replace.traj in Docker on the real repository', { skip: skipShared || (await skipUnlessDocker()), timeout: 900_000 }, async () => {
  await baseImageForTests();
  await withTempDir(async (dir) => {
    const reposDir = join(dir, 'repos');
    const environmentsDir = join(dir, 'environments');
    mkdirSync(reposDir);
    mkdirSync(environmentsDir);
    // prepareRepository reads REPOS/owner__name.bundle; the shared bundle is linked, not copied.
    symlinkSync(sharedDataPath('swe-bench', BUNDLE)!, join(reposDir, BUNDLE));
    // marshmallow is pure Python: with its sources on PYTHONPATH the recorded `python reproduce.py` runs.
    writeFileSync(
      join(environmentsDir, 'marshmallow.yaml'),
      'name: replay-marshmallow\nrepo: marshmallow-code/marshmallow\napt: []\ninstall: []\nenv: {PYTHONPATH: /testbed/src}\ntest_cmd: python3 -m pytest -rA {tests}\nlog_parser: pytest\n',
    );
    const lines: string[] = [];
    const [report] = await runTrajReplay(
      sharedDataPath('sweagent', TRAJ)!,
      { instances: sharedDataPath('swe-bench', INSTANCES)!, repos: reposDir, environments: environmentsDir, backend: 'docker', actionTimeout: 60, quiet: true },
      (line) => lines.push(line),
    );
    assert.ok(report);
    const output = lines.join('\n');
    assert.equal(report.exitStatus, 'submitted', output);
    assert.equal(report.patchMatches, true, output);
    assert.match(output, /final patch: {2}equals the recorded submission/);
    // `python reproduce.py` prints 344 before the fix and 345 after it, as recorded.
    const python = report.steps.filter((step) => step.action.startsWith('python reproduce.py'));
    assert.deepEqual(python.map((step) => step.replayed), ['344', '345'], output);
    for (const step of report.steps) {
      if (TOOL_ACTION.test(step.action)) assert.ok(step.matches, `step ${step.index + 1} (${step.action}) differs:\n${output}`);
    }
    // Every step matches but `ls -F`: SWE-agent's shell was a terminal, where ls prints columns.
    const differing = report.steps.filter((step) => !step.matches).map((step) => step.action);
    assert.deepEqual(differing, ['ls -F'], output);
  });
});
