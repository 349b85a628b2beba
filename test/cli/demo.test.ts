import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { runCli } from '../helpers/cli.js';
import { removeTree, tempDir } from '../helpers/temp-dir.js';

const reposDir = await tempDir('demo-repos');
const workDir = await tempDir('demo-work');
after(async () => {
  await removeTree(reposDir);
  await removeTree(workDir);
});

const runDemo = (args: string[], env: Record<string, string> = {}) => runCli(args, { env, timeoutMs: 300_000 });

test('the main job builds the images, runs the sample tests in a Docker sandbox and prints each result', { skip: await skipUnlessDocker() }, async () => {
  await baseImageForTests(new Docker());
  const result = await runDemo(['demo', '--repos', reposDir, '--work-dir', workDir, '--quiet']);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  for (const step of ['[1/5] repository', '[2/5] images', '[3/5] sandbox', '[4/5] tests', '[5/5] evaluation']) assert.ok(result.stdout.includes(step), step);
  assert.match(result.stdout, /swe-srl\/instance\.sample-calculator:[0-9a-f]{12}/);
  assert.match(result.stdout, /\/testbed at [0-9a-f]{12}, clean/);
  // The sample's base commit has a bug in mean(): exactly that test fails, the others pass.
  assert.match(result.stdout, /FAILED\s+tests\/test_calculator\.py::test_mean\n/);
  assert.match(result.stdout, /PASSED\s+tests\/test_calculator\.py::test_add\n/);
  assert.match(result.stdout, /Result: 5 passed, 1 failed/);
  // The evaluation step grades the sample instances: gold patches resolve, wrong ones do not.
  assert.match(result.stdout, /swe-srl__sample-textkit-1\s+resolved \(validated\)\s+unresolved/);
  assert.match(result.stdout, /resolved: gold 3\/3, wrong 0\/3/);

  const containers = await new Docker().listContainers({ all: true, filters: JSON.stringify({ label: ['swe-srl.instance=sample-calculator'] }) });
  assert.deepEqual(containers, [], 'the sandbox container is removed');
});

test('without a Docker engine the main job exits non-zero and says how to get one', async () => {
  const result = await runDemo(['demo', '--repos', reposDir], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /no Docker engine answers/);
  assert.match(result.stderr, /scripts\/setup-docker\.sh/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

test('--no-eval runs the sandbox steps only', { skip: await skipUnlessDocker() }, async () => {
  const result = await runDemo(['demo', '--repos', reposDir, '--no-eval', '--quiet']);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.ok(result.stdout.includes('[4/4] tests'));
  assert.doesNotMatch(result.stdout, /evaluation/);
});

test('an unknown sample is a clear input error', { skip: await skipUnlessDocker() }, async () => {
  const result = await runDemo(['demo', '--repos', reposDir, '--sample', 'nope']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--sample: no sample "nope" under .*environments\/samples \(have: calculator/);
});
