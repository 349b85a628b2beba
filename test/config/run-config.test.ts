/**
 * One run configuration for every command: a YAML file whose mistakes name the file, the line and
 * the field; flags that override it; `swe-srl config print` showing the effective result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadRunConfigFile, resolveRunConfig } from '../../src/config/run-config.js';
import { configFromFlags } from '../../src/cli/config-flags.js';
import { ROLLOUT_BINDINGS } from '../../src/cli/rollout.js';
import { runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

const RUN_YAML = `# a rollout
sandbox:
  backend: local
  repos: repos
agent:
  template: xml-function-calling
  limits: {maxSteps: 20, actionTimeoutMs: 5000}
tools: {window: 50}
policy: {type: openai, model: from-file, baseUrl: 'http://127.0.0.1:9/v1'}
sampling: {temperature: 0.7, logprobs: true}
rollout: {samples: 8, maxWorkers: 2}
`;

test('flags override the file, the file overrides the defaults, and unset flags hide nothing', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'run.yaml');
    await writeFile(path, RUN_YAML);
    const file = await loadRunConfigFile(path);
    const config = resolveRunConfig(file, configFromFlags(ROLLOUT_BINDINGS, { maxSteps: 5, actionTimeout: 2, model: 'from-flag', samples: undefined }));
    assert.equal(config.agent.limits.maxSteps, 5, 'the flag wins');
    assert.equal(config.agent.limits.actionTimeoutMs, 2000, 'in the field’s unit');
    assert.equal(config.agent.limits.totalTimeMs, 3_600_000, 'the default stays');
    assert.equal(config.rollout.samples, 8, 'an unset flag leaves the file’s value');
    assert.deepEqual(config.tools, { window: 50 }, 'tool settings override the template’s, without bringing back defaults');
    assert.equal(config.policy?.type, 'openai');
    assert.equal((config.policy as { model?: string }).model, 'from-flag');
    assert.equal(config.sandbox.backend, 'local');
    assert.equal(config.sandbox.environments, 'environments');
    // A policy of another type replaces the section instead of mixing settings.
    const replay = resolveRunConfig(file, configFromFlags(ROLLOUT_BINDINGS, { policy: 'replay', trajectories: ['a.traj'] }));
    assert.deepEqual(replay.policy, { type: 'replay', trajectories: ['a.traj'] });
  });
});

test('a mistake in the file names the file, the line and the field', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'run.yaml');
    await writeFile(path, 'agent:\n  limits:\n    maxSteps: 0\n');
    await assert.rejects(loadRunConfigFile(path), new RegExp(`^InputError: ${path}:3: agent\\.limits\\.maxSteps: Too small`));
    await writeFile(path, 'rollout:\n  samples: 2\n  smaples: 3\n');
    await assert.rejects(loadRunConfigFile(path), new RegExp(`${path}:3: rollout\\.smaples: `));
    await writeFile(path, 'sandbox: [unclosed\n');
    await assert.rejects(loadRunConfigFile(path), /run\.yaml:\d+: not valid YAML/);
  });
});

test('config print shows the effective configuration of a command line; every command checks --config', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'run.yaml');
    await writeFile(path, RUN_YAML);
    const printed = await runCli(['config', 'print', '--config', path, 'rollout', '--max-steps', '7', '--temperature', '0']);
    assert.equal(printed.code, 0, printed.stderr);
    const effective = parseYaml(printed.stdout) as { agent: { template: string; limits: { maxSteps: number } }; sampling: Record<string, unknown>; rollout: { samples: number } };
    assert.equal(effective.agent.template, 'xml-function-calling');
    assert.equal(effective.agent.limits.maxSteps, 7);
    assert.deepEqual(effective.sampling, { temperature: 0, logprobs: true });
    assert.equal(effective.rollout.samples, 8);
    await writeFile(path, 'steps:\n  form: prose\n');
    const refused = await runCli(['similarity', '--config', path, path]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^swe-srl: .*run\.yaml:2: steps\.form: /m);
  });
});
