import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseXmlFunctionCall } from '../../src/tools/parsers/index.js';
import {
  readAllTrajectories,
  serializeSweAgentTraj,
  toChatXml,
  writeJsonLines,
  type Trajectory,
} from '../../src/trajectories/index.js';
import { SHARED_TRAJECTORY_FILES, sharedDataPath } from '../helpers/shared-data.js';
import { withTempDir } from '../helpers/temp-dir.js';

const sharedFiles = SHARED_TRAJECTORY_FILES;
const openAiFixture = fileURLToPath(new URL('../fixtures/trajectories/openai-messages.jsonl', import.meta.url));

async function sources(): Promise<Array<{ name: string; trajectory: Trajectory }>> {
  const out: Array<{ name: string; trajectory: Trajectory }> = [];
  for (const name of sharedFiles) {
    const path = sharedDataPath('sweagent', name);
    if (path) out.push({ name, trajectory: (await readAllTrajectories(path))[0]! });
  }
  out.push({ name: 'openai-messages fixture', trajectory: (await readAllTrajectories(openAiFixture))[0]! });
  return out;
}

test('read, write .traj, read again gives the same normalized trajectory', async () => {
  await withTempDir(async (dir) => {
    for (const { name, trajectory } of await sources()) {
      const path = join(dir, `${trajectory.instance_id}.traj`);
      await writeFile(path, serializeSweAgentTraj(trajectory));
      const [back] = await readAllTrajectories(path);
      assert.deepEqual({ ...back, source_format: trajectory.source_format }, trajectory, name);
      assert.equal(back!.source_format, 'swe-agent-traj');
    }
  });
});

test('read, write chat JSONL (XML calls), read again gives the same steps', async () => {
  await withTempDir(async (dir) => {
    const all = await sources();
    const path = join(dir, 'chat.jsonl');
    await writeJsonLines(path, all.map(({ trajectory }) => toChatXml(trajectory)));
    const back = await readAllTrajectories(path);
    assert.equal(back.length, all.length);
    back.forEach((read, index) => {
      const { name, trajectory } = all[index]!;
      assert.equal(read.tool_format, 'xml_function_calling', name);
      assert.equal(read.problem_statement, trajectory.problem_statement, name);
      assert.equal(read.final_patch, trajectory.final_patch, name);
      assert.deepEqual(read.metadata, trajectory.metadata, name);
      assert.equal(read.steps.length, trajectory.steps.length, name);
      read.steps.forEach((step, k) => {
        const original = trajectory.steps[k]!;
        const { action, ...rest } = step;
        const { action: originalAction, ...originalRest } = original;
        assert.deepEqual(rest, originalRest, `${name} step ${k}`);
        // The action text is now the XML call; an XML source keeps its own text.
        const reparsed = parseXmlFunctionCall(action);
        assert.ok(reparsed.ok && reparsed.text === action, `${name} step ${k}`);
        if (trajectory.tool_format === 'xml_function_calling') assert.equal(action, originalAction);
      });
    });
  });
});

test('a .traj we write is a SWE-agent .traj: history with tool calls and footers, info, replay_config string', async () => {
  const [trajectory] = (await sources()).filter(({ trajectory }) => trajectory.tool_format === 'function_calling').map((s) => s.trajectory);
  assert.ok(trajectory);
  const written = JSON.parse(serializeSweAgentTraj(trajectory)) as {
    trajectory: unknown[];
    history: Array<{ role: string; tool_calls?: Array<{ function: { name: string; arguments: string } }>; content: string }>;
    info: { exit_status: unknown; submission: unknown };
    replay_config: string;
  };
  assert.equal(written.trajectory.length, trajectory.steps.length);
  const calls = written.history.filter((m) => m.role === 'assistant').map((m) => m.tool_calls?.[0]?.function.name);
  assert.equal(calls.length, trajectory.steps.length);
  assert.ok(calls.every((name) => typeof name === 'string'));
  assert.equal(written.history.filter((m) => m.role === 'tool').length, trajectory.steps.length);
  const replay = JSON.parse(written.replay_config) as { problem_statement: { text: string; id: string } };
  assert.equal(replay.problem_statement.text, trajectory.problem_statement);
  assert.equal(replay.problem_statement.id, trajectory.instance_id);
  assert.equal(written.info.submission, trajectory.final_patch);
});
