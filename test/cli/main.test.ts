/** What every `swe-srl` command shares: the entry point in src/cli/main.ts. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { skipUnlessDocker } from '../helpers/docker.js';
import { projectRoot } from '../helpers/cli.js';

test('a reader that closes standard output early (| head) does not crash a command with EPIPE', { skip: await skipUnlessDocker() }, async () => {
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'swe-srl.js'), 'image', 'list'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed before the command has started up, so its first line meets a pipe with no reader.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.doesNotMatch(stderr, /EPIPE|Unhandled/, stderr);
  assert.equal(code, 0, stderr);
});
