/**
 * The classic tools against SWE-agent's own recordings: each shared `.traj` is replayed step by
 * step on a rebuilt copy of its repository, and every step that used a classic tool (open, edit,
 * create, find_file, submit, …) must produce the recorded observation, path root aside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ToolSession } from '../../src/tools/tool-session.js';
import type { ToolboxConfigInput } from '../../src/tools/config.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { rebuildRepository, type RawTrajStep } from '../helpers/traj-repos.js';
import { TempDirSandbox } from '../helpers/temp-dir-sandbox.js';

const CLASSIC = /^(open|goto|scroll_up|scroll_down|create|edit|insert|find_file|search_dir|search_file|submit)\b/;

function normalise(text: string, recordedRoot: string, workdir: string): string {
  return text
    .replaceAll('\r\n', '\n')
    .replaceAll(recordedRoot, workdir)
    .split('\n')
    .filter((line) => !/^index [0-9a-f]+\.\.[0-9a-f]+/.test(line))
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

const cases: Array<{ file: string; config: ToolboxConfigInput }> = [
  { file: 'humanevalfix-python-0.traj', config: { flavor: 'swe-agent-0', bundles: ['bash', 'windowed', 'search', 'edit_range', 'submit'] } },
  { file: 'pydicom__pydicom-1458.traj', config: { flavor: 'swe-agent-0', bundles: ['bash', 'windowed', 'search', 'edit_range', 'submit'] } },
  { file: '6e44b9__sweagenttestrepo-1c2844.traj', config: { flavor: 'swe-agent-1', bundles: ['bash', 'windowed', 'search', 'edit_replace', 'submit'] } },
];

for (const { file, config } of cases) {
  test(`classic tools reproduce the recorded observations of ${file}`, { skip: skipUnlessShared('sweagent', file) }, async () => {
    const traj = JSON.parse(readFileSync(sharedDataPath('sweagent', file)!, 'utf8')) as {
      trajectory: RawTrajStep[];
      info: { submission: string };
    };
    const repo = rebuildRepository(traj.trajectory, traj.info.submission);
    const sandbox = await TempDirSandbox.create({ files: repo.files, modes: repo.modes });
    try {
      const session = new ToolSession(sandbox, config);
      let classicSteps = 0;
      let submission: string | undefined;
      for (const [index, step] of traj.trajectory.entries()) {
        const command = step.action.replaceAll(repo.recordedRoot, sandbox.workdir);
        const outcome = await session.execute({ tool: 'bash', args: { command } });
        if (outcome.submission !== undefined) submission = outcome.submission;
        if (!CLASSIC.test(step.action.trim())) continue;
        classicSteps += 1;
        assert.equal(
          normalise(outcome.observation, repo.recordedRoot, sandbox.workdir),
          normalise(step.observation, repo.recordedRoot, sandbox.workdir),
          `step ${index} (${step.action.split('\n')[0]}) observation differs`,
        );
      }
      assert.ok(classicSteps >= 3, 'the trajectory exercised the classic tools');
      assert.ok(submission !== undefined, 'the trajectory submitted');
      assert.equal(normalise(submission, repo.recordedRoot, sandbox.workdir), normalise(traj.info.submission, repo.recordedRoot, sandbox.workdir));
    } finally {
      await sandbox.close();
    }
  });
}
