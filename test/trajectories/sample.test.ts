import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chatStepPrompts, readAllTrajectories } from '../../src/trajectories/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the sample trajectory in trajectories/ reads, decomposes, and its edit gives its recorded patch', async () => {
  const [trajectory] = await readAllTrajectories(`${root}trajectories/sample-calculator-mean.traj`);
  assert.ok(trajectory);
  assert.equal(trajectory.instance_id, 'swe-srl__sample-calculator-mean');
  assert.deepEqual(trajectory.steps.map((s) => s.parsed_action.tool), ['bash', 'find_file', 'open', 'edit', 'bash', 'submit']);
  assert.equal(chatStepPrompts(trajectory).length, 6);

  // Apply the windowed edit to the sample repository's file and compare with the submission.
  const edit = trajectory.steps[3]!.parsed_action;
  assert.equal(edit.tool, 'edit');
  const { start, end, replacement } = edit.args as { start: number; end: number; replacement: string };
  const original = readFileSync(`${root}environments/samples/calculator/repo/calculator.py`, 'utf8').split('\n');
  const removed = original.slice(start - 1, end);
  const patch = trajectory.final_patch!;
  for (const line of removed) assert.ok(patch.includes(`\n-${line}\n`), line);
  for (const line of replacement.split('\n')) assert.ok(patch.includes(`\n+${line}\n`), line);
});
