import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Command } from 'commander';
import { registerRewardCommand, rewardCommandOf } from '../../src/cli/reward.js';
import { registerTrajCommand } from '../../src/cli/traj.js';
import { InputError } from '../../src/errors.js';
import { runInProcess } from '../helpers/cli.js';
import { readJsonlFile, writeJsonlFile } from '../helpers/jsonl-files.js';
import { sharedDataPath, skipUnlessShared } from '../helpers/shared-data.js';
import { withTempDir } from '../helpers/temp-dir.js';

const skipShared = skipUnlessShared('sweagent', 'xml_function_calling_demo.jsonl');

const run = (t: TestContext, ...args: string[]): Promise<string[]> => runInProcess(t, [registerTrajCommand, registerRewardCommand], args);

test('reward srl writes one line per response, in order, with the reason for every -1', { skip: skipShared }, async (t) => {
  await withTempDir(async (dir) => {
    const steps = join(dir, 'steps.jsonl');
    await run(t, 'traj', 'steps', sharedDataPath('sweagent', 'xml_function_calling_demo.jsonl')!, '--form', 'chat', '-o', steps);
    const rows = await readJsonlFile(steps);
    const responses = rows.flatMap((row, k) => [
      { step_id: row.step_id, group: k, response: `<think>\nplan\n</think>\n${row.target as string}` },
      { step_id: row.step_id, group: k, response: '<think>plan</think>\n<function=bash>\n<parameter=command>ls</parameter>\n</function>' },
      { step_id: row.step_id, group: k, response: '<think>plan, then nothing' },
    ]);
    await writeJsonlFile(join(dir, 'responses.jsonl'), responses);
    const output = join(dir, 'rewards.jsonl');
    const messages = await run(t, 'reward', 'srl', '--steps', steps, '--responses', join(dir, 'responses.jsonl'), '-o', output);
    const rewards = await readJsonlFile(output);
    assert.equal(rewards.length, responses.length);
    rewards.forEach((line, i) => {
      assert.equal(line.step_id, responses[i]!.step_id);
      assert.equal(line.group, responses[i]!.group);
      assert.equal('response' in line, false);
    });
    assert.deepEqual(rewards.filter((_, i) => i % 3 === 0).map((l) => l.reward), [1, 1, 1, 1]);
    assert.ok(rewards.filter((_, i) => i % 3 === 1).every((l) => l.format_ok === true && (l.reward as number) < 1 && (l.reward as number) >= 0));
    assert.ok(rewards.filter((_, i) => i % 3 === 2).every((l) => l.reward === -1 && l.format_ok === false && l.reason === 'no closing </think>'));
    assert.match(messages.at(-1)!, /^scored 12 responses \(canonical\): 4 format violations, mean reward /);
  });
});

test('raw and chat step files give the same canonical rewards; --mode raw compares text', { skip: skipShared }, async (t) => {
  await withTempDir(async (dir) => {
    const trajectory = sharedDataPath('sweagent', 'humanevalfix-python-0.traj')!;
    await run(t, 'traj', 'steps', trajectory, '--form', 'chat', '-o', join(dir, 'chat.jsonl'));
    await run(t, 'traj', 'steps', trajectory, '--form', 'raw', '-o', join(dir, 'raw.jsonl'));
    const chatRows = await readJsonlFile(join(dir, 'chat.jsonl'));
    const responses = chatRows.map((row) => ({ step_id: row.step_id, response: '<think>t</think>\n```\nopen "main.py"\n```' }));
    await writeJsonlFile(join(dir, 'responses.jsonl'), responses);
    const score = async (stepsFile: string, mode: string): Promise<number[]> => {
      const output = join(dir, `${stepsFile}-${mode}.out.jsonl`);
      await run(t, 'reward', 'srl', '--steps', join(dir, stepsFile), '--responses', join(dir, 'responses.jsonl'), '--mode', mode, '-o', output);
      return (await readJsonlFile(output)).map((line) => line.reward as number);
    };
    const fromChat = await score('chat.jsonl', 'canonical');
    assert.deepEqual(await score('raw.jsonl', 'canonical'), fromChat);
    assert.equal(fromChat[1], 1, 'step 1 is `open main.py`: the quotes do not matter');
    const raw = await score('chat.jsonl', 'raw');
    assert.ok(raw[1]! < 1, 'raw text differs by the quotes');
    assert.deepEqual(await score('raw.jsonl', 'raw'), raw);
  });
});

test('bad response lines name the file, the line and the field', { skip: skipShared }, async (t) => {
  await withTempDir(async (dir) => {
    const steps = join(dir, 'steps.jsonl');
    await run(t, 'traj', 'steps', sharedDataPath('sweagent', 'humanevalfix-python-0.traj')!, '-o', steps);
    const responses = join(dir, 'responses.jsonl');
    const reject = async (pattern: RegExp): Promise<void> => {
      await assert.rejects(run(t, 'reward', 'srl', '--steps', steps, '--responses', responses, '-o', join(dir, 'out.jsonl')), (error: unknown) => {
        assert.ok(error instanceof InputError, String(error));
        assert.match(error.message, pattern);
        return true;
      });
    };
    await writeFile(responses, `${JSON.stringify({ step_id: 'humanevalfix-python-0#0', response: '<think>a</think>```\nls\n```' })}\n${JSON.stringify({ step_id: 'humanevalfix-python-0#1' })}\n`);
    await reject(/responses\.jsonl:2: response: expected the model response as a string/);
    await writeFile(responses, `${JSON.stringify({ step_id: 'nope#3', response: 'x' })}\n`);
    await reject(/responses\.jsonl:1: step_id: "nope#3" is not in the steps file/);
    await writeFile(responses, '{"step_id": "humanevalfix-python-0#0", "response": "<think>');
    await reject(/responses\.jsonl:1: truncated JSON/);
    await writeFile(steps, `${JSON.stringify({ step_id: 'a#0', messages: [{ role: 'user', content: 'x' }], target: 'x', tool_format: 'xml', target_parsed: { tool: 'bash', args: {} } })}\n`);
    await reject(/steps\.jsonl:1: not a chat step row: .*tool_format: Invalid option/);
  });
});

test('the reward command is shared: another file can add a subcommand to it', () => {
  const program = new Command();
  const reward = registerRewardCommand(program);
  assert.equal(rewardCommandOf(program), reward);
  rewardCommandOf(program).command('groups');
  assert.deepEqual(reward.commands.map((command) => command.name()), ['srl', 'groups']);
  assert.equal(program.commands.filter((command) => command.name() === 'reward').length, 1);
});
