/**
 * An `eval` cut off by SIGINT or SIGTERM while an instance's tests run, in Docker as CI runs it:
 * the instance in flight gets no report (its sandbox was closed under it, which says nothing about
 * the patch), no container is left, and a resume with the same run id evaluates it and the ones
 * never started: 3/3 resolved, not 2/3.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { writeJsonlFile } from '../helpers/jsonl-files.js';
import { containersOfRun, createDockerFixture, type DockerFixture } from '../eval/helpers/docker-fixture.js';
import { slowGoldPatch } from '../eval/helpers/hostile-patches.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(projectRoot, 'bin/swe-srl.js');
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NODE_TEST')));
const skip = await skipUnlessDocker();
let fixture: DockerFixture;
let instances: string;
let predictions: string;
const ids = ['interrupt-1', 'interrupt-2', 'interrupt-3'];

before(async () => {
  if (skip) return;
  await baseImageForTests();
  fixture = await createDockerFixture();
  const project = fixture.projects.pytest;
  // The fix, with tests that take seconds: long enough for the signal to land while they run.
  const patch = await slowGoldPatch(project, 6);
  instances = await writeJsonlFile(join(fixture.root, 'instances.jsonl'), ids.map((id) => ({ ...project.instance, instance_id: id })));
  predictions = await writeJsonlFile(
    join(fixture.root, 'predictions.jsonl'),
    ids.map((id) => ({ instance_id: id, model_name_or_path: 'interrupt-test', model_patch: patch })),
  );
});

after(async () => {
  await fixture?.cleanup();
});

function evalArgs(runId: string): string[] {
  return [
    cli, 'eval', '--instances', instances, '--predictions', predictions, '--repos', fixture.reposDir,
    '--environments', fixture.environmentsDir, '--run-id', runId, '--max-workers', '1', '--report-dir', join(fixture.root, 'reports'),
  ];
}

const instanceDir = (runId: string, id: string) => join(fixture.root, 'logs', 'run_evaluation', runId, 'interrupt-test', id);

async function waitFor(condition: () => Promise<boolean>, what: string, limitMs = 240_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} during an instance's tests leaves no false report, and a resume gets 3/3`, { skip, timeout: 600_000 }, async () => {
    const runId = `eval-interrupt-${signal.toLowerCase()}-${process.pid}`;
    const first = spawn(process.execPath, evalArgs(runId), { cwd: fixture.root, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    first.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => first.on('exit', (status) => resolve(status)));
    // The second instance's tests are running: the first is done, the third not started.
    await waitFor(
      async () => (await readFile(join(instanceDir(runId, 'interrupt-2'), 'run_instance.log'), 'utf8').catch(() => '')).includes('test patch applied'),
      'the second instance to start its tests',
    );
    first.kill(signal);
    assert.equal(await exited, code, stderr);

    const report = (id: string) => join(instanceDir(runId, id), 'report.json');
    assert.equal(existsSync(report('interrupt-1')), true, 'the instance finished before the signal keeps its report');
    assert.equal(existsSync(report('interrupt-2')), false, 'the instance cut off has no report');
    assert.equal(existsSync(report('interrupt-3')), false);
    assert.deepEqual(containersOfRun(runId), [], 'the signal handler removed the sandboxes');

    const second = spawnSync(process.execPath, evalArgs(runId), { cwd: fixture.root, env: childEnv, encoding: 'utf8' });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /1 instance\(s\) already evaluated under run/);
    assert.match(second.stdout, /Instances resolved: 3\n/);
    const summary = JSON.parse(await readFile(join(fixture.root, 'reports', `interrupt-test.${runId}.json`), 'utf8'));
    assert.deepEqual([summary.resolved_ids, summary.error_ids], [ids, []]);
  });
}
