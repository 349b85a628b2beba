import { test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { baseImageForTests } from '../../helpers/images.js';
import { ensureEnvironmentImage, environmentImageRepository } from '../../../src/sandbox/images/environment-image.js';
import { findEnvironmentSpec, parseEnvironmentSpec } from '../../../src/sandbox/images/environment-spec.js';
import { ImageBuildError } from '../../../src/sandbox/images/image-errors.js';
import { LABELS } from '../../../src/sandbox/images/image-store.js';
import { runInImage } from './run-in-image.js';

const docker = new Docker();
// A unique marker per run keeps this test's image from being a cached leftover of an earlier run.
const marker = `run-${process.pid}-${Date.now()}`;

function specWith(install: string[], env: Record<string, string> = {}) {
  const yaml = JSON.stringify({
    name: 'test-env-image',
    repo: 'acme/widget',
    install,
    env,
    test_cmd: 'true',
    log_parser: 'pytest',
  });
  return findEnvironmentSpec([parseEnvironmentSpec(yaml, 'test-env-image.yaml')], 'acme/widget');
}

test('an environment image builds from its spec, is reused by hash, and a changed input changes the tag', { skip: await skipUnlessDocker() }, async () => {
  await baseImageForTests(docker);
  const built: string[] = [];
  try {
    const spec = specWith([`echo ${marker} > /opt/marker`, 'printf "%s" "$GREETING" > /opt/greeting'], { GREETING: 'hello "$USER" \\o/' });
    const lines: string[] = [];
    const first = await ensureEnvironmentImage(docker, spec, { onProgress: (line) => lines.push(line) });
    built.push(first.tag);
    assert.equal(first.built, true);
    assert.ok(first.tag.startsWith(`${environmentImageRepository(spec)}:`));
    assert.ok(lines.some((line) => /Step \d+\/\d+/.test(line)), 'build progress is streamed');

    const output = await runInImage(docker, first.tag, 'cat /opt/marker; echo; cat /opt/greeting; echo; pwd');
    assert.match(output, new RegExp(marker));
    assert.match(output, /hello "" \\o\//, 'quotes and backslashes survive; $USER expands as Docker ENV does');
    assert.match(output, /\/testbed/);
    const labels = (await docker.getImage(first.tag).inspect()).Config.Labels ?? {};
    assert.equal(labels[LABELS.kind], 'env');
    assert.equal(labels[LABELS.environment], 'test-env-image');

    const again = await ensureEnvironmentImage(docker, spec);
    assert.equal(again.built, false);
    assert.equal(again.tag, first.tag);

    const changed = await ensureEnvironmentImage(docker, specWith([`echo ${marker}-changed > /opt/marker`]));
    built.push(changed.tag);
    assert.notEqual(changed.tag, first.tag);
    assert.equal(changed.built, true);
    // The test command is read at run time, so changing it alone must not rebuild.
    const sameImage = await ensureEnvironmentImage(docker, { ...specWith([`echo ${marker}-changed > /opt/marker`]), testCmd: 'pytest -x' });
    assert.equal(sameImage.tag, changed.tag);
    assert.equal(sameImage.built, false);
  } finally {
    for (const tag of built) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  }
});

test('a failing install command is an ImageBuildError carrying its output', { skip: await skipUnlessDocker() }, async () => {
  await baseImageForTests(docker);
  // Written to stderr, which the engine colours: the message must carry it without escape codes.
  const spec = specWith([`echo "about to fail ${marker}" >&2; exit 7`]);
  await assert.rejects(ensureEnvironmentImage(docker, spec), (error: unknown) => {
    assert.ok(error instanceof ImageBuildError, String(error));
    assert.match(error.message, /building swe-srl\/env\.test-env-image:[0-9a-f]{12} failed/);
    assert.match(error.message, /non-zero code: 7/);
    assert.match(error.message, new RegExp(`\\nabout to fail ${marker}\\n`));
    assert.doesNotMatch(error.message, /\u001b/);
    return true;
  });
});
