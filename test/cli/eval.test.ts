import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { containersOfRun, createDockerFixture, type DockerFixture } from '../eval/helpers/docker-fixture.js';
import { writeJsonlFile } from '../helpers/jsonl-files.js';
import type { Candidate } from '../eval/helpers/clamp-project.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
// The published bin registers tsx itself, so the CLI runs from any working directory.
const cliArgs = [join(projectRoot, 'bin/swe-srl.js'), 'eval'];
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NODE_TEST')));

function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...cliArgs, ...args], { cwd, encoding: 'utf8', env: childEnv });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const skipDocker = await skipUnlessDocker();
let fixture: DockerFixture;

before(async () => {
  fixture = await createDockerFixture();
  if (!skipDocker) await baseImageForTests();
});

after(async () => {
  await fixture?.cleanup();
});

test('a bad instances file is reported with its file, line and field, without a stack trace', async () => {
  const instances = join(fixture.root, 'bad-instances.jsonl');
  await writeFile(instances, `${JSON.stringify({ ...fixture.projects.pytest.instance })}\n${JSON.stringify({ instance_id: 'x', repo: 'a/b', base_commit: 'c', FAIL_TO_PASS: 5 })}\n`);
  const result = runCli(['--instances', instances, '--predictions', instances, '--run-id', 'bad', '--environments', fixture.environmentsDir], fixture.root);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^swe-srl: .*bad-instances\.jsonl:2: FAIL_TO_PASS: expected a list of test names/m);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

test('--gold and --predictions together are refused', () => {
  const result = runCli(['--instances', 'i.jsonl', '--predictions', 'p.jsonl', '--gold', '--run-id', 'x'], fixture.root);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /either --predictions FILE or --gold/);
});

test('a killed run resumes: only the instances without a report are evaluated again', { skip: skipDocker, timeout: 300_000 }, async () => {
  const project = fixture.projects.unittest;
  // The second instance hangs for the first run's whole timeout, so the kill lands while it runs.
  const order: Candidate[] = ['gold', 'hangs', 'wrong', 'half'];
  const instances = await writeJsonlFile(
    join(fixture.root, 'resume-instances.jsonl'),
    order.map((candidate) => ({ ...project.instance, instance_id: `resume-${candidate}` })),
  );
  const predictions = await writeJsonlFile(
    join(fixture.root, 'resume-predictions.jsonl'),
    order.map((candidate) => ({ instance_id: `resume-${candidate}`, model_name_or_path: 'cli-test', model_patch: project.patches[candidate] })),
  );
  const runId = `eval-cli-resume-${process.pid}`;
  const common = ['--instances', instances, '--predictions', predictions, '--repos', fixture.reposDir, '--environments', fixture.environmentsDir];
  // Timed-out tests as unresolved (swe-srl's choice) rather than errors (SWE-bench's), so the hung instance completes.
  const common2 = [...common, '--run-id', runId, '--max-workers', '1', '--report-dir', join(fixture.root, 'reports'), '--model-failures', 'unresolved'];
  const reportOf = (candidate: Candidate) => join(fixture.root, 'logs', 'run_evaluation', runId, 'cli-test', `resume-${candidate}`, 'report.json');

  const first = spawn(process.execPath, [...cliArgs, ...common2, '--timeout', '120'], { cwd: fixture.root, env: childEnv, stdio: 'ignore' });
  const exited = new Promise((resolve) => first.on('exit', resolve));
  const deadline = Date.now() + 120_000;
  while (!existsSync(reportOf('gold')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(existsSync(reportOf('gold')), 'the first report appeared');
  first.kill('SIGKILL');
  await exited;
  const goldWritten = (await stat(reportOf('gold'))).mtimeMs;
  assert.ok(!existsSync(reportOf('hangs')));

  const second = runCli([...common2, '--timeout', '3'], fixture.root);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /1 instance\(s\) already evaluated under run/);
  const evaluated = [...second.stderr.matchAll(/^\[\d+\/\d+\] (\S+):/gm)].map((match) => match[1]);
  assert.deepEqual(evaluated, ['resume-hangs', 'resume-wrong', 'resume-half']);
  assert.equal((await stat(reportOf('gold'))).mtimeMs, goldWritten, 'the finished instance was not evaluated again');
  assert.match(second.stdout, /Instances resolved: 1\n/);
  assert.match(second.stdout, /Test runs that timed out: resume-hangs/);
  const summary = JSON.parse(await readFile(join(fixture.root, 'reports', `cli-test.${runId}.json`), 'utf8'));
  assert.deepEqual(summary.resolved_ids, ['resume-gold']);
  assert.equal(summary.completed_instances, 4);
  // The killed process could not remove its container; the resumed run did.
  assert.deepEqual(containersOfRun(runId), []);

  // Grading the run's logs again starts nothing and changes no verdict.
  const regraded = runCli([...common2, '--regrade'], fixture.root);
  assert.equal(regraded.status, 0, regraded.stderr);
  assert.match(regraded.stderr, /regraded 4 instance\(s\) of run \S+: 0 verdict\(s\) changed/);
  const again = JSON.parse(await readFile(join(fixture.root, 'reports', `cli-test.${runId}.json`), 'utf8'));
  // What the engine held at the end is known only to a run that used one.
  const { unstopped_instances: _a, unstopped_containers: _b, unremoved_images: _c, ...graded } = summary;
  assert.deepEqual(again, graded);
  assert.deepEqual(containersOfRun(runId), []);
});
