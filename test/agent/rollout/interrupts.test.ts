/**
 * Honest interrupts in rollouts: an episode cut off by a signal, or whose sandbox closes under it
 * (a lost engine, a prune, a Ctrl-C closing everything), is an infrastructure error. It is logged,
 * never recorded as a result, and the next resume runs it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runRollout, type RolloutEvent } from '../../../src/agent/rollout/run-rollout.js';
import { loadAgentTemplates } from '../../../src/prompts/templates.js';
import { SweSrlError, UnavailableError } from '../../../src/errors.js';
import type { Instance } from '../../../src/eval/instances.js';
import type { Policy } from '../../../src/policy/types.js';
import type { Sandbox } from '../../../src/sandbox/types.js';
import { TempDirSandbox } from '../../helpers/temp-dir-sandbox.js';
import { ScriptedPolicy, type ScriptedAnswer } from '../../helpers/scripted-policy.js';
import { withTempDir } from '../../helpers/temp-dir.js';
import { readPredictions } from '../../helpers/rollout-workspace.js';

const instance = { instance_id: 'demo__calc-1', repo: 'demo/calc', base_commit: 'HEAD', problem_statement: 'add() subtracts', FAIL_TO_PASS: [], PASS_TO_PASS: [], patch: '', test_patch: '' } as Instance;
const fenced = (command: string) => `Go.\n\`\`\`\n${command}\n\`\`\``;

/**
 * As the real backends do: once closed, every call says the sandbox is closed. `engineLost` makes
 * the engine go away at the end: the repository's diff can no longer be read.
 */
function closable(sandbox: TempDirSandbox, engineLost = false): Sandbox & { closed: boolean } {
  const wrapped = {
    closed: false,
    id: sandbox.id,
    backend: sandbox.backend,
    workdir: sandbox.workdir,
    run: (command: string, options?: { timeoutMs?: number }) => (wrapped.closed ? Promise.reject(new SweSrlError(`sandbox ${sandbox.id} is closed`)) : sandbox.run(command, options)),
    readFile: (path: string) => (wrapped.closed ? Promise.reject(new SweSrlError(`sandbox ${sandbox.id} is closed`)) : sandbox.readFile(path)),
    writeFile: (path: string, data: Buffer | string) => (wrapped.closed ? Promise.reject(new SweSrlError(`sandbox ${sandbox.id} is closed`)) : sandbox.writeFile(path, data)),
    diff: () =>
      engineLost
        ? Promise.reject(new UnavailableError('no Docker engine answers at unix:///var/run/docker.sock (ECONNREFUSED)'))
        : wrapped.closed
          ? Promise.reject(new SweSrlError(`sandbox ${sandbox.id} is closed`))
          : sandbox.diff(),
    close: async () => {
      wrapped.closed = true;
      await sandbox.close();
    },
  };
  return wrapped;
}

async function rollout(dir: string, policy: (sandbox: Sandbox & { closed: boolean }) => Policy, extra: { signal?: AbortSignal; maxSteps?: number; engineLost?: boolean } = {}) {
  const events: RolloutEvent[] = [];
  const templates = await loadAgentTemplates('thought-action');
  let current: (Sandbox & { closed: boolean }) | undefined;
  const summary = await runRollout({
    instances: [instance],
    outputDir: join(dir, 'out'),
    maxWorkers: 1,
    policyFor: () => policy(current!),
    createSandbox: async () => (current = closable(await TempDirSandbox.create({ files: { 'calc.py': 'def add(a, b):\n    return a - b\n' } }), extra.engineLost)),
    templatesFor: () => templates,
    agentConfig: { limits: { maxSteps: extra.maxSteps ?? 5 } },
    onEvent: (event) => events.push(event),
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
  return { summary, events };
}

const answers = (script: (sandbox: Sandbox & { closed: boolean }, call: number) => ScriptedAnswer | Promise<ScriptedAnswer>) => (sandbox: Sandbox & { closed: boolean }) =>
  new ScriptedPolicy((call) => script(sandbox, call));

test('an episode whose sandbox closes under it is not recorded, and a resume runs it again', async () => {
  await withTempDir(async (dir) => {
    // The sandbox goes away while the model thinks; the step limit then ends the episode.
    const first = await rollout(
      dir,
      answers(async (sandbox) => {
        await sandbox.close();
        return fenced("sed -i 's/a - b/a + b/' calc.py");
      }),
      { maxSteps: 1 },
    );
    assert.equal(first.summary.failed, 1);
    assert.deepEqual(await readPredictions(join(dir, 'out', 'preds.jsonl')), [], 'no false result recorded');
    const error = first.events.find((event) => event.kind === 'error');
    assert.ok(error && error.kind === 'error' && /is closed/.test(error.message), JSON.stringify(error));
    const runs = (await readFile(join(dir, 'out', 'runs.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(runs[0]!.recorded, false);
    assert.match(String(runs[0]!.infrastructure_error), /is closed/);

    const second = await rollout(dir, answers((_sandbox, call) => (call === 0 ? fenced("sed -i 's/a - b/a + b/' calc.py") : fenced('submit'))));
    assert.equal(second.summary.alreadyFinished, 0, 'the cut-off episode counts as not finished');
    const [prediction] = await readPredictions(join(dir, 'out', 'preds.jsonl'));
    assert.match(prediction?.model_patch ?? '', /\+    return a \+ b/);
  });
});

test('an episode whose engine is lost at its end (its patch cannot be read) is not recorded as an empty patch, and a resume runs it again', async () => {
  await withTempDir(async (dir) => {
    const first = await rollout(dir, answers(() => fenced("sed -i 's/a - b/a + b/' calc.py")), { maxSteps: 1, engineLost: true });
    assert.equal(first.summary.failed, 1);
    assert.deepEqual(await readPredictions(join(dir, 'out', 'preds.jsonl')), [], 'no prediction with a null patch');
    const error = first.events.find((event) => event.kind === 'error');
    assert.ok(error && error.kind === 'error' && /the patch could not be taken: no Docker engine answers/.test(error.message), JSON.stringify(error));
    await rollout(dir, answers((_sandbox, call) => (call === 0 ? fenced("sed -i 's/a - b/a + b/' calc.py") : fenced('submit'))));
    const [prediction] = await readPredictions(join(dir, 'out', 'preds.jsonl'));
    assert.match(prediction?.model_patch ?? '', /\+    return a \+ b/);
  });
});

test('an episode cut off by a signal is not recorded, even when its last action completed', async () => {
  await withTempDir(async (dir) => {
    const interrupt = new AbortController();
    const first = await rollout(
      dir,
      answers(() => {
        // SIGTERM arrives while the model answers; its answer still reaches the tools.
        interrupt.abort(new Error('interrupted by SIGTERM'));
        return fenced('submit');
      }),
      { signal: interrupt.signal },
    );
    assert.equal(first.summary.failed, 1);
    assert.deepEqual(await readPredictions(join(dir, 'out', 'preds.jsonl')), [], 'the interrupted episode left no result');
    const second = await rollout(dir, answers(() => fenced('submit')));
    assert.equal(second.summary.ran, 1);
    assert.equal((await readPredictions(join(dir, 'out', 'preds.jsonl'))).length, 1);
  });
});
