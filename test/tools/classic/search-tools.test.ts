import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ToolSession } from '../../../src/tools/tool-session.js';
import { TempDirSandbox } from '../../helpers/temp-dir-sandbox.js';

let sandbox: TempDirSandbox;
let session: ToolSession;
const bash = (command: string) => session.execute({ tool: 'bash', args: { command } });

before(async () => {
  sandbox = await TempDirSandbox.create({
    files: {
      'b/util.py': 'import os\nTODO = 1\n# TODO later\n',
      'a/util.py': 'TODO\n',
      'a/main.py': 'print(1)\n',
      '.hidden/util.py': 'TODO\n',
    },
  });
  session = new ToolSession(sandbox, {});
});

after(async () => {
  await sandbox.close();
});

test('find_file lists matching files, sorted, with their absolute paths', async () => {
  const outcome = await bash('find_file util.py');
  assert.equal(
    outcome.observation,
    `Found 3 matches for "util.py" in ${sandbox.workdir}:\n${sandbox.workdir}/.hidden/util.py\n${sandbox.workdir}/a/util.py\n${sandbox.workdir}/b/util.py\n`,
  );
  const none = await bash('find_file nothing.py a');
  assert.equal(none.observation, `No matches found for "nothing.py" in ${sandbox.workdir}/a\n`);
  const missing = await bash('find_file util.py nowhere');
  assert.equal(missing.observation, 'Directory nowhere not found\n');
});

test('search_dir counts matches per file and skips hidden directories', async () => {
  const outcome = await bash('search_dir TODO');
  assert.equal(
    outcome.observation,
    `Found 3 matches for "TODO" in ${sandbox.workdir}:\n${sandbox.workdir}/a/util.py (1 matches)\n${sandbox.workdir}/b/util.py (2 matches)\nEnd of matches for "TODO" in ${sandbox.workdir}\n`,
  );
});

test('search_file lists matching lines of the open file', async () => {
  const noFile = await bash('search_file TODO');
  assert.equal(noFile.observation, 'No file open. Use the open command first.\n');
  await bash('open b/util.py');
  const outcome = await bash('search_file TODO');
  assert.equal(
    outcome.observation,
    `Found 2 matches for "TODO" in ${sandbox.workdir}/b/util.py:\nLine 2:TODO = 1\nLine 3:# TODO later\nEnd of matches for "TODO" in ${sandbox.workdir}/b/util.py\n`,
  );
  const other = await bash('search_file print a/main.py');
  assert.match(other.observation, /Found 1 matches for "print" in .*a\/main\.py:\nLine 1:print\(1\)/);
});
