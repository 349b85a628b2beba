import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayPolicy, type ReplayStep } from '../../src/policy/replay-policy.js';
import { PolicyExhaustedError } from '../../src/policy/policy-errors.js';
import { readPolicyOutput } from '../../src/agent/read-output.js';

const steps: ReplayStep[] = [
  { thought: 'Look at it.', action: 'open "/repo/a.py" 3', parsed_action: { tool: 'open', args: { path: '/repo/a.py', line: 3 } } },
  { thought: 'Done.', action: 'submit', parsed_action: { tool: 'submit', args: {} } },
];
const rewrite = (text: string) => text.replaceAll('/repo', '/testbed');

test('each call plays the next recorded action, and the loop reads it back to the same action', async () => {
  for (const format of ['thought_action', 'xml_function_calling', 'function_calling'] as const) {
    const policy = new ReplayPolicy(steps, { format, rewrite });
    const first = (await policy.complete({ messages: [], n: 2 })).samples;
    assert.equal(first.length, 2, 'n samples of the same step');
    const read = readPolicyOutput(first[0]!, format, false);
    assert.ok(read.ok, format);
    assert.deepEqual(read.action, { tool: 'open', args: { path: '/testbed/a.py', line: 3 } }, format);
    assert.equal(read.thought, 'Look at it.');
    const second = readPolicyOutput((await policy.complete({ messages: [] })).samples[0]!, format, false);
    assert.ok(second.ok && second.action.tool === 'submit');
    await assert.rejects(policy.complete({ messages: [] }), PolicyExhaustedError);
  }
});

test('thought-action replays play the recorded command line itself, quoting included', async () => {
  const policy = new ReplayPolicy(steps, { format: 'thought_action', rewrite });
  const sample = (await policy.complete({ messages: [] })).samples[0]!;
  assert.equal(sample.text, 'Look at it.\n\n```\nopen "/testbed/a.py" 3\n```');
});
