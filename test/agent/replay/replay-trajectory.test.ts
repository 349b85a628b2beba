/**
 * Replaying the shared SWE-agent trajectories through the whole loop (replay policy, parsers,
 * tools) on rebuilt repositories: the final patch equals the recorded submission, and the steps
 * that used SWE-agent's own tools give the recorded observations. Runs on the temporary-directory
 * test double; test/cli/traj-replay.test.ts does the same through the CLI in Docker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readAllTrajectories } from '../../../src/trajectories/index.js';
import { replayTrajectory } from '../../../src/agent/replay/replay-trajectory.js';
import { recordedToolbox } from '../../../src/agent/replay/recorded-toolbox.js';
import { sharedDataPath, skipUnlessShared } from '../../helpers/shared-data.js';
import { rebuildRepository, type RawTrajStep } from '../../helpers/traj-repos.js';
import { TempDirSandbox } from '../../helpers/temp-dir-sandbox.js';

const TOOL_ACTION = /^(open|goto|scroll_up|scroll_down|create|edit|insert|find_file|search_dir|search_file|submit)\b/;

for (const file of ['humanevalfix-python-0.traj', 'pydicom__pydicom-1458.traj', '6e44b9__sweagenttestrepo-1c2844.traj']) {
  test(`${file} replays to its recorded submission`, { skip: skipUnlessShared('sweagent', file) }, async () => {
    const path = sharedDataPath('sweagent', file)!;
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { trajectory: RawTrajStep[]; info: { submission: string } };
    const [trajectory] = await readAllTrajectories(path);
    assert.ok(trajectory);
    const repo = rebuildRepository(raw.trajectory, raw.info.submission);
    const sandbox = await TempDirSandbox.create({ files: repo.files, modes: repo.modes });
    try {
      const report = await replayTrajectory({ trajectory, sandbox, tools: recordedToolbox(raw, trajectory), recordedRoot: repo.recordedRoot });
      assert.equal(report.exitStatus, 'submitted');
      assert.equal(report.patchMatches, true, `patch differs:\n${report.patch}\n---\n${report.recordedPatch}`);
      for (const step of report.steps) {
        if (TOOL_ACTION.test(step.action)) assert.ok(step.matches, `step ${step.index} (${step.action}):\n${step.replayed}\n---\n${step.recorded}`);
      }
      assert.ok(report.stepsMatched >= report.steps.filter((step) => TOOL_ACTION.test(step.action)).length);
    } finally {
      await sandbox.close();
    }
  });
}

test('function_calling_simple.traj (a history of tool calls, no trajectory[]) replays to its submission', { skip: skipUnlessShared('sweagent', 'function_calling_simple.traj') }, async () => {
  const path = sharedDataPath('sweagent', 'function_calling_simple.traj')!;
  const [trajectory] = await readAllTrajectories(path);
  assert.ok(trajectory && trajectory.final_patch !== null);
  assert.equal(trajectory.tool_format, 'function_calling');
  const repo = rebuildRepository(trajectory.steps, trajectory.final_patch);
  const sandbox = await TempDirSandbox.create({ files: repo.files, modes: repo.modes });
  try {
    const tools = recordedToolbox(JSON.parse(readFileSync(path, 'utf8')), trajectory);
    assert.equal(tools.flavor, 'swe-agent-1', 'search/replace edits mean SWE-agent 1.x');
    const report = await replayTrajectory({ trajectory, sandbox, tools, recordedRoot: repo.recordedRoot });
    assert.equal(report.patchMatches, true);
    for (const step of report.steps) {
      if (TOOL_ACTION.test(step.action)) assert.ok(step.matches, `step ${step.index} (${step.action}):\n${step.replayed}\n---\n${step.recorded}`);
    }
  } finally {
    await sandbox.close();
  }
});

for (const file of ['str_replace_anthropic_demo.yaml', 'xml_function_calling_demo.jsonl']) {
  test(`the str_replace_editor demonstration ${file} replays to its submission`, { skip: skipUnlessShared('sweagent', file) }, async () => {
    const [trajectory] = await readAllTrajectories(sharedDataPath('sweagent', file)!);
    assert.ok(trajectory && trajectory.final_patch !== null);
    const repo = rebuildRepository(trajectory.steps, trajectory.final_patch);
    assert.equal(repo.recordedRoot, '/swe-agent-test-repo');
    const sandbox = await TempDirSandbox.create({ files: repo.files, modes: repo.modes });
    try {
      const report = await replayTrajectory({ trajectory, sandbox, tools: recordedToolbox(undefined, trajectory) });
      assert.equal(report.recordedRoot, '/swe-agent-test-repo', 'found from the directory listing');
      assert.equal(report.exitStatus, 'submitted');
      assert.equal(report.patchMatches, true, `${report.patch}\n---\n${report.recordedPatch}`);
      // The directory listing is sorted here; SWE-agent's follows the file system's order.
      for (const step of report.steps.filter((candidate) => !candidate.recorded.startsWith("Here's the files and directories"))) {
        assert.ok(step.matches, `step ${step.index} (${step.action}):\n${step.replayed}\n---\n${step.recorded}`);
      }
    } finally {
      await sandbox.close();
    }
  });
}

test('the recorded toolbox follows replay_config bundles, or SWE-agent 0.x without them', async () => {
  const path = sharedDataPath('sweagent', '6e44b9__sweagenttestrepo-1c2844.traj');
  if (!path) return;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const [trajectory] = await readAllTrajectories(path);
  assert.deepEqual(recordedToolbox(raw, trajectory!), {
    flavor: 'swe-agent-1',
    bundles: ['bash', 'windowed', 'search', 'edit_replace', 'submit'],
    window: 100,
    overlap: 2,
  });
  assert.deepEqual(recordedToolbox({ trajectory: [] }, trajectory!).flavor, 'swe-agent-1', 'search/replace edits without bundles: 1.x');
  const humaneval = sharedDataPath('sweagent', 'humanevalfix-python-0.traj');
  if (humaneval) {
    const [zero] = await readAllTrajectories(humaneval);
    assert.deepEqual(recordedToolbox(JSON.parse(readFileSync(humaneval, 'utf8')), zero!), { flavor: 'swe-agent-0', bundles: ['bash', 'windowed', 'search', 'edit_range', 'submit'] });
  }
});
