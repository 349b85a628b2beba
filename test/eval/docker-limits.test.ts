/**
 * Container limits for evaluation: the environment spec's, each overridden by the run's, the
 * sandbox defaults for the rest (1 CPU, 2 GiB, 512 pids, no network).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { DockerInstanceProvider, effectiveLimits } from '../../src/eval/docker-provider.js';
import { parseEnvironmentSpec, resolveEnvironmentSpec } from '../../src/sandbox/images/environment-spec.js';
import { dockerFixtureForFile } from './helpers/docker-fixture.js';

const SPEC = `name: clamp-pytest
repo: swe-srl/clamp-pytest
test_cmd: python3 -m pytest -rA
log_parser: pytest
limits: {cpus: 1.5, memory: 1g, pids: 256}
versions:
  "2.0": {limits: {network: true}}
`;

test('the run overrides the spec limit by limit; the spec parses sizes and merges per version', () => {
  const file = parseEnvironmentSpec(SPEC, 'limits.yaml');
  const spec = resolveEnvironmentSpec(file, '2.0');
  assert.deepEqual(spec.limits, { cpus: 1.5, memoryBytes: 1024 ** 3, pidsLimit: 256, network: true });
  assert.deepEqual(effectiveLimits(spec.limits, { memoryBytes: 512 * 1024 ** 2, network: false }), { cpus: 1.5, memoryBytes: 512 * 1024 ** 2, pidsLimit: 256, network: false });
  assert.throws(() => parseEnvironmentSpec(SPEC.replace('memory: 1g', 'memory: lots'), 'limits.yaml'), /limits\.yaml:5: limits\.memory: must be a size/);
});

const { skip, fixture } = await dockerFixtureForFile();

test("an evaluation container gets the spec's limits, with the run's flags winning", { skip, timeout: 300_000 }, async () => {
  const project = fixture().projects.pytest;
  const environment = resolveEnvironmentSpec(parseEnvironmentSpec(SPEC, 'limits.yaml'));
  const provider = new DockerInstanceProvider({ runId: `limits-${process.pid}`, reposDir: fixture().reposDir, limits: { pidsLimit: 128 } });
  const sandbox = await provider.open(project.instance, environment, () => {});
  try {
    const info = await new Docker().getContainer(sandbox.id).inspect();
    assert.equal(info.HostConfig.NanoCpus, 1.5e9);
    assert.equal(info.HostConfig.Memory, 1024 ** 3);
    assert.equal(info.HostConfig.PidsLimit, 128);
    assert.equal(info.HostConfig.NetworkMode, 'none');
  } finally {
    await sandbox.close();
  }
});
