/**
 * `swe-srl rollout --policy replay` on the shared SWE-agent trajectories (local backend): each
 * recorded run played back as a rollout gives a prediction whose patch is the recorded
 * submission, in SWE-bench's prediction format, and a `.traj` per instance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runRolloutCommand } from '../../src/cli/rollout.js';
import { normalizePatch } from '../../src/agent/replay/normalize.js';
import { findBubblewrap } from '../../src/sandbox/index.js';
import { SHARED_TRAJECTORY_FILES, skipUnlessShared } from '../helpers/shared-data.js';
import { withSharedReplayFixture } from '../helpers/traj-repos.js';

for (const file of SHARED_TRAJECTORY_FILES) {
  test(`a replay rollout of ${file} predicts the recorded submission`, { skip: skipUnlessShared('sweagent', file), timeout: 300_000 }, async () => {
    await withSharedReplayFixture(file, async ({ path, trajectory, fixture, dir }) => {
      const output = join(dir, 'out');
      const log: string[] = [];
      await runRolloutCommand(
        {
          policy: 'replay',
          trajectories: [path],
          instances: fixture.instancesPath,
          repos: fixture.reposDir,
          backend: 'local',
          ...((await findBubblewrap()) === undefined ? { allowUnsafe: true } : {}),
          maxWorkers: 1,
          output,
          quiet: true,
        },
        (line) => log.push(line),
      );
      const lines = (await readFile(join(output, 'preds.jsonl'), 'utf8')).trim().split('\n');
      assert.equal(lines.length, 1, log.join('\n'));
      const prediction = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.deepEqual(Object.keys(prediction), ['instance_id', 'model_name_or_path', 'model_patch']);
      assert.equal(prediction.instance_id, trajectory.instance_id);
      assert.equal(normalizePatch(prediction.model_patch as string), normalizePatch(trajectory.final_patch), log.join('\n'));
      assert.deepEqual(await readdir(join(output, 'trajectories')), [`${trajectory.instance_id}.traj`]);
      assert.match(log.join('\n'), /ran 1 \(1 submitted\); 0 failed/);
    });
  });
}
