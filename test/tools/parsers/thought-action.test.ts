import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseCommandLine, parseThoughtAction, renderThoughtAction, type ParsedAction } from '../../../src/tools/parsers/index.js';
import { sharedDataPath, skipUnlessShared } from '../../helpers/shared-data.js';

test('the thought is the text around the one fenced command', () => {
  const result = parseThoughtAction("Let's look at the file.\n\n```\nopen src/main.py 120\n```\nThen we edit it.");
  assert.ok(result.ok);
  assert.deepEqual(result.action, { tool: 'open', args: { path: 'src/main.py', line: 120 } });
  assert.equal(result.thought, "Let's look at the file.\n\n\nThen we edit it.");
  assert.equal(result.text, '```\nopen src/main.py 120\n```');
});

test('an info string opens a block, so a nested fence stays inside the edit', () => {
  const output = 'Fix the README.\n```\nedit 1:3\n# Title\n```bash\npip install x\n```\nend_of_edit\n```';
  const result = parseThoughtAction(output);
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.action, { tool: 'edit', args: { start: 1, end: 3, replacement: '# Title\n```bash\npip install x\n```' } });
  const bashBlock = parseThoughtAction('```bash\nls -la\n```');
  assert.ok(bashBlock.ok);
  assert.deepEqual(bashBlock.action, { tool: 'bash', args: { command: 'ls -la' } });
});

test('zero blocks, two blocks and an unclosed block are format errors', () => {
  const none = parseThoughtAction('I will run ls now.');
  assert.ok(!none.ok);
  assert.equal(none.error.code, 'no_action');
  const two = parseThoughtAction('```\nls\n```\nand\n```\npwd\n```');
  assert.ok(!two.ok);
  assert.equal(two.error.code, 'multiple_actions');
  const unclosed = parseThoughtAction('```\nls\n');
  assert.ok(!unclosed.ok);
  assert.equal(unclosed.error.code, 'unparseable');
  const badCommand = parseThoughtAction('```\ngoto here\n```');
  assert.ok(!badCommand.ok);
  assert.equal(badCommand.error.code, 'unparseable');
});

test('the rendering parses back to the same action', () => {
  const actions: ParsedAction[] = [
    { tool: 'edit', args: { start: 1, end: 2, replacement: 'a\n```\nb' } },
    { tool: 'bash', args: { command: 'cat <<EOF\nx\nEOF' } },
  ];
  for (const action of actions) {
    const result = parseThoughtAction(`thinking\n${renderThoughtAction(action)}`);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.action, action);
  }
});

for (const file of ['humanevalfix-python-0.traj', 'pydicom__pydicom-1458.traj']) {
  test(`every recorded response of ${file} parses to its recorded action`, { skip: skipUnlessShared('sweagent', file) }, () => {
    const traj = JSON.parse(readFileSync(sharedDataPath('sweagent', file)!, 'utf8')) as { trajectory: Array<{ response: string; action: string; thought: string }> };
    assert.ok(traj.trajectory.length > 0);
    for (const step of traj.trajectory) {
      const fromResponse = parseThoughtAction(step.response);
      const fromAction = parseCommandLine(step.action);
      assert.ok(fromResponse.ok && fromAction.ok, step.response);
      assert.deepEqual(fromResponse.action, fromAction.action);
      assert.equal(fromResponse.thought, step.thought.trim());
    }
  });
}
