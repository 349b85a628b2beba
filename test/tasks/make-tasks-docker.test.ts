/**
 * The task family on the real stack: probe and validation in Docker (instance images from the
 * generated repository, the eval library's gold, no-op and single-edit runs), then the CLI as a
 * user runs it, and `swe-srl eval --gold` on its output with `--repos`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { loadInstances } from '../../src/eval/instances.js';
import { makeTasks, type MakeTasksResult } from '../../src/tasks/index.js';
import { runCli } from '../helpers/cli.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';
import { containersOfRun } from '../eval/helpers/docker-fixture.js';
import { hostSandboxes } from './helpers/host-tasks.js';
import { preferSystemPython } from './helpers/system-python.js';
import { differences, treeBytes } from './helpers/tree-bytes.js';

preferSystemPython();

const skip = await skipUnlessDocker();
let root: string;
const made = new Set<string>();

before(async () => {
  root = await tempDir('tasks-docker');
});

after(async () => {
  // The instance images these tests built (one per task); other images stay.
  if (!skip) {
    const docker = new Docker();
    const images = await docker.listImages({ filters: JSON.stringify({ label: ['swe-srl.kind=instance', 'swe-srl.repo=swe-srl/tasks'] }) });
    for (const image of images) {
      if (!made.has(image.Labels?.['swe-srl.instance'] ?? '')) continue;
      for (const tag of image.RepoTags ?? []) await docker.getImage(tag).remove().catch(() => undefined);
    }
  }
  await removeTree(root);
});

const options = { count: 1, seed: 43, tier: 'hard' as const };

test('in Docker, hard tasks validate (gold, base commit, each edit alone) and equal, byte for byte, the same tasks made on the host', { skip, timeout: 900_000 }, async () => {
  await baseImageForTests();
  const outDir = join(root, 'docker');
  const result: MakeTasksResult = await makeTasks({ ...options, outDir });
  for (const instance of result.instances) made.add(instance.instance_id);
  assert.equal(result.summary.made, 1);
  for (const teacher of result.teacher) {
    assert.equal(teacher.edits.length, 2);
    assert.ok(teacher.namesakes.length > 0);
  }
  const runIdPrefix = `tasks-${createHash('sha256').update(resolve(outDir)).digest('hex').slice(0, 10)}`;
  for (const run of ['gold', 'noop', 'single-edit', 'probe']) assert.deepEqual(containersOfRun(`${runIdPrefix}-${run}`), [], `${run} containers are gone`);
  const logs = execFileSync('find', [join(outDir, 'work', 'logs'), '-name', 'report.json']).toString().trim().split('\n');
  assert.ok(logs.some((path) => path.includes('/single-edit-2/')), 'each edit alone was evaluated');

  const hostDir = join(root, 'host');
  await makeTasks({ ...options, outDir: hostDir, ...hostSandboxes() });
  const artefacts = (dir: string) => treeBytes(dir, (path) => path === 'work');
  assert.deepEqual(differences(await artefacts(outDir), await artefacts(hostDir)), []);
});

test('swe-srl tasks make writes tasks that swe-srl eval --gold validates from --repos', { skip, timeout: 900_000 }, async () => {
  await baseImageForTests();
  const outDir = join(root, 'cli');
  const made1 = await runCli(['tasks', 'make', '--count', '1', '--seed', '5', '--tier', 'medium', '-o', outDir, '--quiet'], { timeoutMs: 600_000 });
  assert.equal(made1.code, 0, made1.stderr);
  assert.match(made1.stderr, /✓ 1\/1 swe-srl__tasks-train-medium-s5-0000 \(/);
  assert.match(made1.stdout, /teacher: .*teacher\.jsonl \(for the scripted teacher only/);
  const instances = await loadInstances(join(outDir, 'instances.jsonl'));
  for (const instance of instances) made.add(instance.instance_id);
  // The shipped spec serves the generated tasks as well as the copy in the output.
  for (const environments of [join(outDir, 'environments'), 'environments']) {
    const check = await runCli(
      ['eval', '--gold', '--instances', join(outDir, 'instances.jsonl'), '--repos', join(outDir, 'repos'), '--environments', environments, '--run-id', `tasks-cli-check-${process.pid}`, '--report-dir', join(root, 'reports'), '--logs-dir', join(root, 'logs'), '--rerun'],
      { timeoutMs: 600_000 },
    );
    assert.equal(check.code, 0, check.stderr + check.stdout);
    assert.match(check.stdout, /Instances resolved: 1\n/);
    assert.match(check.stdout, /Gold validation failed: none/);
  }
});
