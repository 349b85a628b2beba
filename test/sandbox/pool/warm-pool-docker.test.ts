import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import Docker from 'dockerode';
import { LABELS } from '../../../src/sandbox/index.js';
import { WarmPool } from '../../../src/sandbox/pool/index.js';
import { skipUnlessDocker } from '../../helpers/docker.js';
import { baseImageForTests } from '../../helpers/images.js';

const docker = new Docker();

async function containersOf(runId: string): Promise<string[]> {
  return (await docker.listContainers({ all: true, filters: { label: [`${LABELS.run}=${runId}`] } })).map((info) => info.Id);
}

test('in Docker, warm sandboxes are real containers handed out once, a used one is removed, and close leaves none', { skip: await skipUnlessDocker() }, async () => {
  const runId = `test-pool-${randomBytes(4).toString('hex')}`;
  const image = await baseImageForTests(docker);
  const pool = new WarmPool({ size: 2 });
  try {
    await pool.prewarm({ type: 'docker', image, runId });
    assert.equal((await containersOf(runId)).length, 2);
    const first = await pool.acquire({ type: 'docker', image, runId });
    const second = await pool.acquire({ type: 'docker', image, runId });
    assert.equal(first.warm && second.warm, true);
    assert.notEqual(first.sandbox.id, second.sandbox.id);
    // What one borrower did is never seen by the next: a used sandbox goes away whole.
    assert.equal((await first.sandbox.run('echo used > /testbed/marker && cat /testbed/marker')).output.trim(), 'used');
    await first.sandbox.close();
    const third = await pool.acquire({ type: 'docker', image, runId });
    assert.equal((await third.sandbox.run('test -e /testbed/marker; echo $?')).output.trim(), '1');
    assert.ok(![first.sandbox.id, second.sandbox.id].includes(third.sandbox.id));
    await second.sandbox.close();
    await third.sandbox.close();
  } finally {
    await pool.close();
  }
  assert.deepEqual(await containersOf(runId), []);
});
