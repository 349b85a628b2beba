/**
 * The agent loop with scripted and replay policies on a temporary repository: an episode that
 * submits, every exit status, format errors that count but do not crash, hooks in order, and the
 * recorded run written as a SWE-agent `.traj` that the trajectories reader reads back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAgent } from '../../src/agent/agent-loop.js';
import { loadAgentTemplates } from '../../src/prompts/templates.js';
import { writeTrajFile } from '../../src/agent/record-traj.js';
import { readAllTrajectories } from '../../src/trajectories/index.js';
import { PolicyHttpError } from '../../src/policy/policy-errors.js';
import type { Policy } from '../../src/policy/types.js';
import { estimateTokens } from '../../src/agent/history.js';
import { TempDirSandbox } from '../helpers/temp-dir-sandbox.js';
import { ScriptedPolicy } from '../helpers/scripted-policy.js';
import { withTempDir } from '../helpers/temp-dir.js';

const files = { 'calc.py': 'def add(a, b):\n    return a - b\n' };
const instance = { instanceId: 'demo__calc-1', problemStatement: 'add() subtracts instead of adding' };

function fenced(thought: string, command: string): string {
  return `${thought}\n\n\`\`\`\n${command}\n\`\`\``;
}

async function withSandbox<T>(body: (sandbox: TempDirSandbox) => Promise<T>): Promise<T> {
  const sandbox = await TempDirSandbox.create({ files });
  try {
    return await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

test('an episode opens, edits and submits; the trajectory records each step with its state', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const policy = new ScriptedPolicy([
      fenced('Look at the file.', 'open calc.py'),
      fenced('Fix the operator.', 'edit 2:2\n    return a + b\nend_of_edit'),
      fenced('Done.', 'submit'),
    ]);
    const events: string[] = [];
    const result = await runAgent({
      instance,
      sandbox,
      policy,
      templates,
      hooks: {
        onRunStart: () => void events.push('start'),
        onStepStart: ({ step }) => void events.push(`step ${step}`),
        onActionExecuted: ({ step, action }) => void events.push(`done ${step} ${action.tool}`),
        onRunDone: ({ exitStatus }) => void events.push(`end ${exitStatus}`),
      },
    });
    assert.equal(result.exitStatus, 'submitted');
    assert.match(result.patch ?? '', /-    return a - b\n\+    return a \+ b/);
    assert.deepEqual(events, ['start', 'step 1', 'done 1 open', 'step 2', 'done 2 edit', 'step 3', 'done 3 submit', 'end submitted']);
    assert.deepEqual(result.trajectory.steps.map((step) => step.action), ['open calc.py', 'edit 2:2\n    return a + b\nend_of_edit', 'submit']);
    assert.equal(result.trajectory.steps[0]!.thought, 'Look at the file.');
    assert.equal(result.trajectory.steps[1]!.state?.open_file, `${sandbox.workdir}/calc.py`);
    // The policy saw the observation with SWE-agent's footer.
    const secondPrompt = policy.prompts[1]!;
    assert.match(secondPrompt.at(-1)!.content, /^\[File: calc\.py \(2 lines total\)\][\s\S]*\n\(Open file: .*calc\.py\)\n\(Current directory: .*\)\nbash-\$$/);
    assert.match(secondPrompt[0]!.content, /open:\n  docstring: opens the file/, 'the system prompt lists the tools');
    assert.match(secondPrompt[1]!.content, /add\(\) subtracts instead of adding/);
  });
});

test('malformed outputs get a format-error message, count toward the limit and leave no step behind', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const policy = new ScriptedPolicy(['', 'I will think but give no command.', fenced('ok', 'submit')]);
    const reasons: string[] = [];
    const result = await runAgent({ instance, sandbox, policy, templates, hooks: { onFormatError: ({ reason }) => void reasons.push(reason) } });
    assert.equal(result.exitStatus, 'submitted');
    assert.equal(result.stats.formatErrors, 2);
    assert.equal(result.trajectory.steps.length, 1);
    assert.equal(reasons[0], 'the response is empty');
    assert.match(policy.prompts[2]!.at(-1)!.content, /could not be read as one action \(no command in a ``` block\)/);
    assert.equal(policy.prompts[2]!.length, 6, 'both failed turns were shown to the policy');
  });
});

test('too many malformed outputs in a row end the episode with exit_format', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const policy = new ScriptedPolicy(() => 'no command here');
    const result = await runAgent({ instance, sandbox, policy, templates, config: { limits: { maxConsecutiveFormatErrors: 2 } } });
    assert.equal(result.exitStatus, 'exit_format');
    assert.equal(policy.prompts.length, 2);
  });
});

test('the step limit ends the episode with exit_step_limit, and the changes still become the patch', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const policy = new ScriptedPolicy([fenced('edit', "sed -i 's/a - b/a + b/' calc.py"), fenced('look', 'cat calc.py'), fenced('again', 'cat calc.py')]);
    const result = await runAgent({ instance, sandbox, policy, templates, config: { limits: { maxSteps: 2 } } });
    assert.equal(result.exitStatus, 'exit_step_limit');
    assert.equal(result.trajectory.steps.length, 2);
    assert.match(result.patch ?? '', /\+    return a \+ b/);
  });
});

test('the total time limit ends a slow episode with exit_timeout', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const policy = new ScriptedPolicy(async (_call, request) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (request.signal?.aborted) throw new Error('aborted');
      return fenced('wait', 'sleep 5');
    });
    const started = Date.now();
    const result = await runAgent({ instance, sandbox, policy, templates, config: { limits: { totalTimeMs: 1_200 } } });
    assert.equal(result.exitStatus, 'exit_timeout');
    assert.ok(Date.now() - started < 5_000, 'the running action was cut at the deadline');
  });
});

test('a time limit too long for node timers is refused, not turned into an instant timeout', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const policy = new ScriptedPolicy([fenced('done', 'submit')]);
    await assert.rejects(
      runAgent({ instance, sandbox, policy, templates, config: { limits: { totalTimeMs: 3_000_000_000 } } }),
      /limits\.totalTimeMs: must be at most 2147483647 ms/,
    );
    await assert.rejects(
      runAgent({ instance, sandbox, policy, templates, config: { limits: { actionTimeoutMs: 3_000_000_000 } } }),
      /limits\.actionTimeoutMs: must be at most 2147483647 ms/,
    );
    assert.equal(policy.prompts.length, 0);
  });
});

test('a prompt over the context budget ends the episode with exit_context', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const policy = new ScriptedPolicy(() => fenced('print a lot', 'seq 1 20000'));
    const result = await runAgent({ instance, sandbox, policy, templates, config: { limits: { contextBudgetTokens: 8_000 } } });
    assert.equal(result.exitStatus, 'exit_context');
    assert.equal(result.trajectory.steps.length, 1);
  });
});

test('an observation shown after a format error still counts toward the context budget', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const script = new ScriptedPolicy(['no command here', fenced('print a lot', 'seq 1 20000'), fenced('done', 'submit')]);
    // An endpoint that reports its prompt tokens, as real servers do.
    const policy: Policy = {
      name: 'counting',
      complete: async (request) => {
        const response = await script.complete(request);
        const promptTokens = estimateTokens(request.messages);
        return { ...response, usage: { promptTokens, completionTokens: 1, totalTokens: promptTokens + 1 } };
      },
    };
    const result = await runAgent({ instance, sandbox, policy, templates, config: { limits: { contextBudgetTokens: 8_000 } } });
    assert.equal(result.exitStatus, 'exit_context');
    assert.equal(script.prompts.length, 2, 'the prompt holding the long observation was not sent');
  });
});

test('an endpoint that reports a context overflow ends with exit_context; other failures with exit_error', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const overflow = new PolicyHttpError('HTTP 400', 400, 'maximum context length is 8192 tokens');
    const result = await runAgent({ instance, sandbox, policy: new ScriptedPolicy([overflow]), templates });
    assert.equal(result.exitStatus, 'exit_context');
    const broken = await runAgent({ instance, sandbox, policy: new ScriptedPolicy([new Error('connection refused')]), templates });
    assert.equal(broken.exitStatus, 'exit_error');
    assert.match(broken.error ?? '', /connection refused/);
  });
});

test('the XML format requires the monologue in <think> and reads one function call', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('xml-function-calling');
    const path = `${sandbox.workdir}/calc.py`;
    const policy = new ScriptedPolicy([
      '<function=bash><parameter=command>ls</parameter></function>',
      `<think>\nFix it.\n</think>\n<function=str_replace_editor>\n<parameter=command>str_replace</parameter>\n<parameter=path>${path}</parameter>\n<parameter=old_str>a - b</parameter>\n<parameter=new_str>a + b</parameter>\n</function>`,
      '<think>Submit.</think>\n<function=submit>\n</function>',
    ]);
    const result = await runAgent({ instance, sandbox, policy, templates });
    assert.equal(result.exitStatus, 'submitted');
    assert.equal(result.stats.formatErrors, 1, 'the call without <think> was a format error');
    assert.equal(result.trajectory.steps[0]!.thought, 'Fix it.');
    assert.match(result.patch ?? '', /\+    return a \+ b/);
    assert.match(policy.prompts[2]!.at(-1)!.content, /^OBSERVATION:\nThe file .*calc\.py has been edited/);
  });
});

test('native function calling reads the tool call and answers with a tool message', async () => {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('function-calling');
    const policy = new ScriptedPolicy([
      { text: 'Check the file.', toolCalls: [{ id: 'c1', name: 'bash', arguments: '{"command":"cat calc.py"}' }] },
      { text: 'Submit.', toolCalls: [{ id: 'c2', name: 'submit', arguments: '{}' }] },
    ]);
    const result = await runAgent({ instance, sandbox, policy, templates });
    assert.equal(result.exitStatus, 'submitted');
    const second = policy.prompts[1]!;
    const answer = second.at(-1)!;
    assert.equal(answer.role, 'tool');
    assert.equal(answer.role === 'tool' && answer.toolCallId, 'c1');
    assert.equal(answer.content.trim(), 'def add(a, b):\n    return a - b');
    assert.equal(result.trajectory.steps[0]!.action, 'cat calc.py');
  });
});

/** A two-step run (open, submit) and a temporary directory to record it in. */
async function withRecordedRun(body: (result: Awaited<ReturnType<typeof runAgent>>, dir: string) => Promise<void>): Promise<void> {
  await withSandbox(async (sandbox) => {
    const templates = await loadAgentTemplates('thought-action');
    const policy = new ScriptedPolicy([fenced('Look.', 'open calc.py'), fenced('Done.', 'submit')]);
    const result = await runAgent({ instance, sandbox, policy, templates });
    await withTempDir((dir) => body(result, dir));
  });
}

test('a recorded .traj keeps the conversation the model last saw as its history, and model_stats where SWE-agent keeps it', async () => {
  await withRecordedRun(async (result, dir) => {
    const path = join(dir, `${instance.instanceId}.traj`);
    await writeTrajFile(path, result.trajectory, result.messages);
    const file = JSON.parse(await readFile(path, 'utf8')) as {
      history: Array<{ role: string; content: string; message_type: string }>;
      info: { model_stats?: { api_calls?: number } };
    };
    assert.deepEqual(file.history.map((entry) => entry.content), result.messages.map((message) => message.content));
    assert.equal(file.history[0]?.role, 'system');
    assert.equal(file.history[0]?.message_type, 'system_prompt');
    assert.equal(file.info.model_stats?.api_calls, result.stats.modelCalls);
    const [read] = await readAllTrajectories(path);
    assert.deepEqual(read?.steps.map((step) => step.action), result.trajectory.steps.map((step) => step.action));
  });
});

test('a recorded run is written as a SWE-agent .traj that reads back to the same steps', async () => {
  await withRecordedRun(async (result, dir) => {
    const path = join(dir, `${instance.instanceId}.traj`);
    await writeTrajFile(path, result.trajectory);
    const [read] = await readAllTrajectories(path);
    assert.ok(read);
    assert.deepEqual(read.steps.map((step) => [step.action, step.observation]), result.trajectory.steps.map((step) => [step.action, step.observation]));
    assert.equal(read.exit_status, 'submitted');
    assert.equal(read.instance_id, instance.instanceId);
  });
});
