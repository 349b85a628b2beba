/**
 * `--image-source swebench`: SWE-bench's prebuilt image of an instance, found under SWE-bench's name
 * (`swebench/sweb.eval.x86_64.<id, __ as _1776_>`), its session in the `testbed` conda
 * environment, SWE-bench's test command run there. With no registry here, the image is one built
 * locally with the same name and layout (/testbed with SWE-bench's setup commit on top of the base
 * commit, /opt/miniconda3/bin/activate, an environment `testbed` whose bin holds `pytest`).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { DockerInstanceProvider } from '../../src/eval/docker-provider.js';
import { runEvaluation } from '../../src/eval/run-evaluation.js';
import { findEnvironmentSpec, loadEnvironmentSpecs } from '../../src/sandbox/images/environment-spec.js';
import { ensureInstanceImage } from '../../src/sandbox/images/instance-image.js';
import { buildImageFromDockerfile } from '../../src/sandbox/images/image-build.js';
import { ensureSweBenchImage, sweBenchImageName } from '../../src/sandbox/images/swebench-image.js';
import { skipUnlessDocker } from '../helpers/docker.js';
import { baseImageForTests } from '../helpers/images.js';
import { containersOfRun, createDockerFixture, type DockerFixture } from './helpers/docker-fixture.js';

const skip = await skipUnlessDocker();
const docker = new Docker();
let fixture: DockerFixture;
const INSTANCE_ID = `swe-srl__clamp-swebench-${process.pid}`;
let image: string;
let instanceTag: string | undefined;

// A conda stand-in with conda's layout: `conda activate NAME` puts /opt/miniconda3/envs/NAME/bin first.
const ACTIVATE = `conda() {
  if [ "$1" = activate ] && [ -d "/opt/miniconda3/envs/$2" ]; then
    export CONDA_DEFAULT_ENV="$2"; export PATH="/opt/miniconda3/envs/$2/bin:$PATH"
  elif [ "$1" = activate ]; then echo "EnvironmentNameNotFound: $2" >&2; return 1; fi
}
`;

before(async () => {
  if (skip) return;
  await baseImageForTests();
  fixture = await createDockerFixture();
  const project = fixture.projects.pytest;
  const environment = findEnvironmentSpec(await loadEnvironmentSpecs(fixture.environmentsDir), project.instance.repo);
  const instance = await ensureInstanceImage(docker, { environment, repo: project.instance.repo, commit: project.instance.base_commit, instanceId: INSTANCE_ID, reposDir: fixture.reposDir });
  instanceTag = instance.tag;
  image = sweBenchImageName(INSTANCE_ID);
  await buildImageFromDockerfile(docker, {
    tag: image,
    dockerfile: [
      `FROM ${instance.tag}`,
      'COPY activate /opt/miniconda3/bin/activate',
      'RUN mkdir -p /opt/miniconda3/envs/testbed/bin && printf \'#!/bin/sh\\nexec python3 -m pytest "$@"\\n\' > /opt/miniconda3/envs/testbed/bin/pytest && chmod +x /opt/miniconda3/envs/testbed/bin/pytest',
      // SWE-bench commits its setup on top of the base commit, so HEAD is not the base commit.
      'RUN cd /testbed && git -c user.email=setup@swebench.config -c user.name=SWE-bench commit --allow-empty -qam SWE-bench',
      'WORKDIR /testbed',
    ].join('\n'),
    context: { files: [{ path: 'activate', content: ACTIVATE }] },
  });
  // SWE-bench's own spec shape: its bare `pytest` is only on PATH inside the conda environment.
  const swebenchEnvironments = join(fixture.root, 'swebench-environments');
  await mkdir(swebenchEnvironments, { recursive: true });
  await writeFile(
    join(swebenchEnvironments, 'clamp.yaml'),
    // What a pre-test step exports reaches the test command (SWE-bench's eval_commands export locales).
    'name: swebench-clamp\nrepo: swe-srl/clamp-pytest\ntest_cmd: echo "greeting=$GREETING"; pytest -rA\nlog_parser: swebench-pytest\n' +
      'pre_test: [\'echo "conda env: $CONDA_DEFAULT_ENV"\', \'export GREETING=from-pre-test\']\n',
  );
});

after(async () => {
  // Both images are this process's own (its pid is in the id).
  if (image) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
  if (instanceTag) await docker.getImage(instanceTag).remove().catch(() => undefined);
  await fixture?.cleanup();
});

test("SWE-bench's image name: the id lowercased, `__` written `_1776_`, under swebench/", () => {
  assert.equal(sweBenchImageName('django__django-11099'), 'swebench/sweb.eval.x86_64.django_1776_django-11099:latest');
  assert.equal(sweBenchImageName('Pydicom__pydicom-1458', { tag: 'v1', namespace: 'mirror.example/swebench' }), 'mirror.example/swebench/sweb.eval.x86_64.pydicom_1776_pydicom-1458:v1');
});

test('with SWE-bench image source, the gold patch resolves in the conda environment of the image', { skip, timeout: 300_000 }, async () => {
  const project = fixture.projects.pytest;
  const runId = `eval-swebench-${process.pid}`;
  const instance = { ...project.instance, instance_id: INSTANCE_ID };
  const result = await runEvaluation({
    instances: [instance],
    predictions: [
      { instance_id: INSTANCE_ID, model_name_or_path: 'swebench-source', model_patch: project.patches.gold },
    ],
    environments: await loadEnvironmentSpecs(join(fixture.root, 'swebench-environments')),
    provider: new DockerInstanceProvider({ runId, imageSource: 'swebench', sweBench: { pullTimeoutMs: 10_000 } }),
    runId,
    logsDir: join(fixture.root, 'logs'),
    reportDir: join(fixture.root, 'reports'),
    progress: null,
  });
  assert.deepEqual(result.summary.resolved_ids, [INSTANCE_ID], JSON.stringify(result.results));
  const log = await readFile(join(fixture.root, 'logs', runId, 'swebench-source', INSTANCE_ID, 'test_output.txt'), 'utf8');
  assert.match(log, /^conda env: testbed$/m);
  assert.match(log, />>>>> Start Test Output\ngreeting=from-pre-test\n/);
  assert.match(log, /^PASSED tests\/test_mathlib\.py::test_clamp_high$/m);
  assert.deepEqual(containersOfRun(runId), []);
});

test('without a registry, an instance whose SWE-bench image is absent fails at once, saying so', { skip, timeout: 120_000 }, async () => {
  await assert.rejects(ensureSweBenchImage(docker, 'nobody__nothing-1', { pullTimeoutMs: 20_000 }), (error: Error) => {
    assert.equal(error.name, 'UnavailableError');
    assert.match(error.message, /SWE-bench's image swebench\/sweb\.eval\.x86_64\.nobody_1776_nothing-1:latest is not on this engine and could not be pulled \(.+\)\. Pull it where a registry answers/);
    return true;
  });
});
