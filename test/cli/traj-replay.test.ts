/**
 * `swe-srl traj replay` on the shared SWE-agent trajectories, in Docker (the Done-when) and on the
 * local backend: each repository is rebuilt from what the trajectory's observations show, laid out
 * as `--repos`, `--environments` and `--instances`, and the replay must reproduce the recorded
 * submission and the recorded observations of every step that used SWE-agent's tools.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { registerTrajReplaySubcommand, runTrajReplay, type TrajReplayOptions } from '../../src/cli/traj-replay.js';
import { findBubblewrap } from '../../src/sandbox/index.js';
import { SHARED_TRAJECTORY_FILES, sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { rebuildRepository, withSharedReplayFixture, writeReplayFixture, type RawTrajStep } from '../helpers/traj-repos.js';
import { withTempDir } from '../helpers/temp-dir.js';

const TRAJECTORIES = SHARED_TRAJECTORY_FILES;
const TOOL_ACTION = /^(open|goto|scroll_up|scroll_down|create|edit|insert|find_file|search_dir|search_file|submit|str_replace_editor)\b/;
/** SWE-agent lists a directory in the file system's order; we sort it, so only that step may differ. */
const DIRECTORY_LISTING = "Here's the files and directories";

async function replayInFixture(file: string, backend: 'docker' | 'local'): Promise<void> {
  await withSharedReplayFixture(file, async ({ path, fixture }) => {
    const lines: string[] = [];
    const options: TrajReplayOptions = {
      instances: fixture.instancesPath,
      repos: fixture.reposDir,
      environments: fixture.environmentsDir,
      backend,
      actionTimeout: 60,
      quiet: true,
      ...(backend === 'local' && (await findBubblewrap()) === undefined ? { allowUnsafe: true } : {}),
    };
    const [report] = await runTrajReplay(path, options, (line) => lines.push(line));
    assert.ok(report);
    assert.equal(report.exitStatus, 'submitted', lines.join('\n'));
    assert.equal(report.patchMatches, true, lines.join('\n'));
    for (const step of report.steps) {
      if (TOOL_ACTION.test(step.action) && !step.recorded.startsWith(DIRECTORY_LISTING)) assert.ok(step.matches, `step ${step.index + 1} (${step.action}) differs:\n${step.replayed}\n--- recorded ---\n${step.recorded}`);
    }
    assert.match(lines.join('\n'), /final patch: {2}equals the recorded submission/);
  });
}

for (const file of TRAJECTORIES) {
  test(`traj replay reproduces ${file} in Docker`, { skip: skipUnlessShared('sweagent', file) || (await skipUnlessDocker()), timeout: 600_000 }, async () => {
    await baseImageForTests();
    await replayInFixture(file, 'docker');
  });
}

for (const file of TRAJECTORIES) {
  test(`traj replay reproduces ${file} on the local backend`, { skip: skipUnlessShared('sweagent', file), timeout: 120_000 }, async () => {
    await replayInFixture(file, 'local');
  });
}

test('traj replay names the missing instance and the flag to choose another', { skip: skipUnlessShared('sweagent', TRAJECTORIES[0]!) }, async () => {
  await withTempDir(async (dir) => {
    const path = sharedDataPath('sweagent', TRAJECTORIES[0]!)!;
    const raw = JSON.parse(await readFile(path, 'utf8')) as { trajectory: RawTrajStep[]; info: { submission: string } };
    const fixture = writeReplayFixture(dir, rebuildRepository(raw.trajectory, raw.info.submission), 'some-other-instance');
    const program = new Command().exitOverride();
    registerTrajReplaySubcommand(program.command('traj'));
    await assert.rejects(
      program.parseAsync(['traj', 'replay', path, '--instances', fixture.instancesPath, '--repos', fixture.reposDir, '--backend', 'local', '--allow-unsafe'], { from: 'user' }),
      /no instance "humanevalfix-python-0".*--instance-id/,
    );
  });
});
