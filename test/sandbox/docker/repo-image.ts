/**
 * An image for the docker sandbox tests: the base image with a small git repository committed
 * at /testbed (a text file, an executable script, a binary file). Built once per content and
 * reused by tag, like every swe-srl image.
 */
import { createHash } from 'node:crypto';
import Docker from 'dockerode';
import { baseImageForTests } from '../../helpers/images.js';

/** Every byte value once: the binary file of the fixture repository. */
export const BINARY_FIXTURE = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));

const SETUP_SCRIPT = `set -e
cd /testbed
printf 'hello\\n' > README.md
printf '#!/bin/sh\\necho run\\n' > script.sh
chmod 755 script.sh
printf '${[...BINARY_FIXTURE].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('')}' > data.bin
git init -q
git add -A
git -c user.name=fixture -c user.email=fixture@example.com commit -qm base
`;

let ensured: Promise<string> | undefined;

/** The fixture image's tag. Call only from tests that skip without Docker. */
export function repoImageForTests(docker: Docker = new Docker()): Promise<string> {
  ensured ??= build(docker);
  ensured.catch(() => {
    ensured = undefined;
  });
  return ensured;
}

async function build(docker: Docker): Promise<string> {
  const base = await baseImageForTests(docker);
  const hash = createHash('sha256').update(base).update(SETUP_SCRIPT).digest('hex').slice(0, 12);
  const tag = `swe-srl-test/sandbox-repo:${hash}`;
  if (await docker.getImage(tag).inspect().then(() => true, () => false)) return tag;
  const container = await docker.createContainer({
    Image: base,
    Cmd: ['sh', '-c', SETUP_SCRIPT],
    Labels: { 'swe-srl.run': 'test-fixture-build' },
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (StatusCode !== 0) throw new Error(`the fixture repository setup failed with status ${StatusCode}`);
    const [repo, version] = tag.split(':') as [string, string];
    await container.commit({ repo, tag: version, changes: ['WORKDIR /testbed', 'CMD ["bash"]'] });
    return tag;
  } finally {
    await container.remove({ force: true });
  }
}

let withoutBash: Promise<string> | undefined;

/** The fixture image with bash deleted: a sandbox can start its container but not its session. */
export function imageWithoutBashForTests(docker: Docker = new Docker()): Promise<string> {
  withoutBash ??= (async () => {
    const source = await repoImageForTests(docker);
    const tag = `swe-srl-test/no-bash:${source.split(':')[1]}`;
    if (await docker.getImage(tag).inspect().then(() => true, () => false)) return tag;
    const container = await docker.createContainer({
      Image: source,
      Cmd: ['rm', '-f', '/bin/bash', '/usr/bin/bash'],
      Labels: { 'swe-srl.run': 'test-fixture-build' },
    });
    try {
      await container.start();
      await container.wait();
      const [repo, version] = tag.split(':') as [string, string];
      await container.commit({ repo, tag: version, changes: ['CMD ["sleep", "infinity"]'] });
      return tag;
    } finally {
      await container.remove({ force: true });
    }
  })();
  withoutBash.catch(() => {
    withoutBash = undefined;
  });
  return withoutBash;
}
