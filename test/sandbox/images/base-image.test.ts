import { test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { baseImageForTests } from '../../helpers/images.js';
import { ensureBaseImage, baseImageTag } from '../../../src/sandbox/images/base-image.js';
import { LABELS } from '../../../src/sandbox/images/image-store.js';
import { runInImage } from './run-in-image.js';

const docker = new Docker();


test('the base image is tagged by its recipe hash and a second ensure builds nothing', { skip: await skipUnlessDocker() }, async () => {
  const tag = await baseImageForTests(docker);
  assert.equal(tag, baseImageTag());
  const before = await docker.getImage(tag).inspect();

  const again = await ensureBaseImage(docker);
  assert.equal(again.built, false);
  assert.equal(again.tag, tag);
  const after = await docker.getImage(tag).inspect();
  assert.equal(after.Id, before.Id);
  assert.equal(after.Config.Labels?.[LABELS.kind], 'base');
  assert.equal(after.Config.Labels?.[LABELS.hash], tag.split(':')[1]);
});

test('the base image has the tools agents and graders need, a git identity and /testbed', { skip: await skipUnlessDocker() }, async () => {
  const tag = await baseImageForTests(docker);
  const output = await runInImage(
    docker,
    tag,
    'pwd; for tool in bash git python3 patch ps; do command -v $tool >/dev/null && echo "has $tool"; done; ' +
      'python3 -m pytest --version 2>&1 | head -1; git config user.email; python -c "import sys; print(\'python is\', sys.version_info[0])"',
  );
  assert.match(output, /^\/testbed/m);
  for (const tool of ['bash', 'git', 'python3', 'patch', 'ps']) assert.match(output, new RegExp(`has ${tool}`));
  assert.match(output, /pytest \d+/);
  assert.match(output, /swe-srl@localhost/);
  // SWE-agent's runs call `python` (python reproduce.py); Debian's python-is-python3 provides it.
  assert.match(output, /^python is 3$/m);
});
