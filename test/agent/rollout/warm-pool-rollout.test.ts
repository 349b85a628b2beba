/**
 * A rollout on a warm pool: the run announces its plan (each instance `samples` times), so the
 * pool starts the next episodes' sandboxes while earlier ones run; every sandbox is used by one
 * episode only, and none is left when the run ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runRollout } from '../../../src/agent/rollout/run-rollout.js';
import { loadAgentTemplates } from '../../../src/prompts/templates.js';
import type { Instance } from '../../../src/eval/instances.js';
import type { SandboxConfig } from '../../../src/sandbox/factory.js';
import { SandboxPlan, WarmPool } from '../../../src/sandbox/pool/index.js';
import type { Sandbox } from '../../../src/sandbox/types.js';
import { TempDirSandbox } from '../../helpers/temp-dir-sandbox.js';
import { ScriptedPolicy } from '../../helpers/scripted-policy.js';
import { withTempDir } from '../../helpers/temp-dir.js';

const instances = ['demo__calc-1', 'demo__calc-2'].map(
  (id) => ({ instance_id: id, repo: 'demo/calc', base_commit: 'HEAD', problem_statement: 'add() subtracts', FAIL_TO_PASS: [], PASS_TO_PASS: [], patch: '', test_patch: '' }) as Instance,
);
const configOf = (instance: Instance): SandboxConfig => ({ type: 'docker', image: instance.instance_id });

test('a rollout on a warm pool starts later episodes\' sandboxes ahead, uses each for one episode, and leaves none', async () => {
  await withTempDir(async (dir) => {
    const open = new Set<Sandbox>();
    const episodesOf = new Map<string, number>();
    const pool = new WarmPool({
      size: 1,
      demand: 'expected',
      create: async () => {
        const sandbox = await TempDirSandbox.create({ files: { 'calc.py': 'def add(a, b):\n    return a - b\n' } });
        open.add(sandbox);
        const close = sandbox.close.bind(sandbox);
        sandbox.close = async () => (open.delete(sandbox), close());
        return sandbox;
      },
    });
    const plan = new SandboxPlan(pool);
    let warm = 0;
    const templates = await loadAgentTemplates('thought-action');
    const summary = await runRollout({
      instances,
      samples: 2,
      outputDir: join(dir, 'out'),
      maxWorkers: 1,
      policyFor: () => new ScriptedPolicy(() => 'Done.\n```\nsubmit\n```'),
      planSandboxes: (planned) => plan.plan(planned.map((instance) => ({ key: instance.instance_id, config: async () => configOf(instance) }))),
      createSandbox: async (instance) => {
        const acquired = await plan.acquire(instance.instance_id, configOf(instance));
        if (acquired.warm) warm += 1;
        episodesOf.set(acquired.sandbox.id, (episodesOf.get(acquired.sandbox.id) ?? 0) + 1);
        return acquired.sandbox;
      },
      closeSandboxes: () => pool.close(),
      templatesFor: () => templates,
      agentConfig: { limits: { maxSteps: 3 } },
    });
    assert.equal(summary.ran, 4);
    assert.equal(summary.failed, 0);
    assert.deepEqual([...episodesOf.values()], [1, 1, 1, 1], 'four sandboxes, one episode each');
    assert.ok(warm >= 3, `every sandbox after the first was started ahead (warm: ${warm})`);
    assert.equal(pool.stats().created, 4, 'nothing started beyond the plan');
    assert.equal(open.size, 0, 'no sandbox left open');
  });
});
