/**
 * The tool session's promise: every action gets an observation and the episode can go on. Each
 * bad input of the issue (a hanging action, an edit outside the repository, a binary file, a path
 * with spaces, an unknown tool, an empty action) is tried, followed by an ordinary action that
 * must still work.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ToolSession } from '../../src/tools/tool-session.js';
import { TempDirSandbox } from '../helpers/temp-dir-sandbox.js';

let sandbox: TempDirSandbox;
let session: ToolSession;

before(async () => {
  sandbox = await TempDirSandbox.create({
    files: {
      'src/app.py': 'def add(a, b):\n    return a + b\n',
      'my dir/notes file.txt': 'first\nsecond\n',
      'data.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]),
      'run.sh': '#!/bin/sh\necho hi\n',
    },
    modes: { 'run.sh': 0o755 },
  });
  session = new ToolSession(sandbox, {
    actionTimeoutMs: 1_500,
    bundles: ['bash', 'windowed', 'search', 'edit_replace', 'str_replace_editor', 'submit'],
  });
});

after(async () => {
  await sandbox.close();
});

async function stillWorks(): Promise<void> {
  const outcome = await session.execute({ tool: 'bash', args: { command: 'echo alive' } });
  assert.equal(outcome.observation.trim(), 'alive');
}

test('an action that hangs is interrupted with an observation that says so, and the session goes on', async () => {
  const started = Date.now();
  const outcome = await session.execute({ tool: 'bash', args: { command: 'sleep 30' } });
  assert.ok(Date.now() - started < 10_000, 'the timeout cut the command short');
  assert.equal(outcome.timedOut, true);
  assert.match(outcome.observation, /was cancelled because it took more than 1.5 seconds/);
  await stillWorks();
});

test('an interactive program is refused instead of hanging', async () => {
  const outcome = await session.execute({ tool: 'bash', args: { command: 'vim src/app.py' } });
  assert.equal(outcome.failed, true);
  assert.match(outcome.observation, /Interactive operation 'vim src\/app.py' is not supported/);
  await stillWorks();
});

test('a bash command with an unclosed quote is refused with the syntax error, not run', async () => {
  const outcome = await session.execute({ tool: 'bash', args: { command: 'echo "unterminated' } });
  assert.equal(outcome.failed, true);
  assert.match(outcome.observation, /syntax errors and was NOT executed/);
  assert.match(outcome.observation, /unexpected EOF|matching/);
  await stillWorks();
});

test('creating or editing a file outside the repository is refused and nothing is written', async () => {
  const outside = `${sandbox.workdir}/../outside.py`;
  const created = await session.execute({ tool: 'create', args: { filename: outside } });
  assert.equal(created.failed, true);
  assert.match(created.observation, /outside the repository/);
  const editor = await session.execute({ tool: 'str_replace_editor', args: { command: 'create', path: '/tmp/swe-srl-outside.py', file_text: 'x = 1\n' } });
  assert.equal(editor.failed, true);
  assert.match(editor.observation, /outside the repository/);
  const check = await sandbox.run(`test -e ${JSON.stringify(outside)} || test -e /tmp/swe-srl-outside.py; echo $?`);
  assert.equal(check.output.trim(), '1', 'no file was created outside');
  await stillWorks();
});

test('opening a binary file explains that it is binary', async () => {
  const opened = await session.execute({ tool: 'bash', args: { command: 'open data.bin' } });
  assert.equal(opened.failed, true);
  assert.match(opened.observation, /data\.bin is a binary file \(7 bytes\)/);
  const viewed = await session.execute({ tool: 'str_replace_editor', args: { command: 'view', path: `${sandbox.workdir}/data.bin` } });
  assert.match(viewed.observation, /binary file/);
  await stillWorks();
});

test('opening a device or a named pipe explains that it is no regular file, at once, without crashing the tool', { timeout: 30_000 }, async () => {
  await session.execute({ tool: 'bash', args: { command: 'mkfifo waiting.pipe && cd src' } });
  try {
    const started = Date.now();
    const calls = [
      { tool: 'str_replace_editor', args: { command: 'view', path: '/dev/zero' } },
      { tool: 'bash', args: { command: 'open /dev/zero' } },
      { tool: 'str_replace_editor', args: { command: 'view', path: `${sandbox.workdir}/waiting.pipe` } },
      { tool: 'bash', args: { command: `open ${sandbox.workdir}/waiting.pipe` } },
    ];
    for (const call of calls) {
      const outcome = await session.execute(call);
      assert.equal(outcome.failed, true);
      assert.equal(outcome.crashed, undefined, `${JSON.stringify(call)}: ${outcome.observation}`);
      // The editor says why; the windowed `open` answers as SWE-agent's does (not a file: not found).
      assert.match(outcome.observation, call.tool === 'bash' ? /not found/ : /is not a regular file/);
    }
    assert.ok(Date.now() - started < 5_000, 'nothing waited for the device or the pipe');
    assert.equal((await session.state()).workingDir, `${sandbox.workdir}/src`, 'the shell kept its state');
  } finally {
    await session.execute({ tool: 'bash', args: { command: `cd ${sandbox.workdir} && rm -f waiting.pipe` } });
  }
  await stillWorks();
});

test('a quoted path with spaces opens; an unquoted one explains how to quote it', async () => {
  const quoted = await session.execute({ tool: 'bash', args: { command: 'open "my dir/notes file.txt"' } });
  assert.match(quoted.observation, /\[File: .*my dir\/notes file\.txt \(2 lines total\)\]\n1:first\n2:second/);
  const unquoted = await session.execute({ tool: 'bash', args: { command: 'open my dir/notes file.txt' } });
  assert.equal(unquoted.failed, true);
  assert.match(unquoted.observation, /quote it: open "my dir\/notes file\.txt"/);
  const searched = await session.execute({ tool: 'find_file', args: { file_name: 'notes file.txt' } });
  assert.match(searched.observation, /Found 1 matches for "notes file.txt"/);
});

test('an unknown tool is answered with the list of tools', async () => {
  const outcome = await session.execute({ tool: 'teleport', args: {} });
  assert.equal(outcome.failed, true);
  assert.match(outcome.observation, /Unknown tool 'teleport'\. The available tools are: .*bash.*open.*submit/);
  await stillWorks();
});

test('an empty action is answered, not run', async () => {
  const outcome = await session.execute({ tool: 'bash', args: { command: '   ' } });
  assert.equal(outcome.failed, true);
  assert.match(outcome.observation, /No command was given/);
  const nameless = await session.execute({ tool: '', args: {} });
  assert.match(nameless.observation, /Unknown tool \(an empty name\)/);
});

test('a classic command combined with shell syntax is explained rather than half-run', async () => {
  const outcome = await session.execute({ tool: 'bash', args: { command: 'open src/app.py | head' } });
  assert.equal(outcome.failed, true);
  assert.match(outcome.observation, /`open` is a tool of this environment.*shell operator `\|`/);
});

test('cd carries over to the footer state and to relative paths of the tools', async () => {
  await session.execute({ tool: 'bash', args: { command: 'cd src' } });
  const state = await session.state();
  assert.equal(state.workingDir, `${sandbox.workdir}/src`);
  const opened = await session.execute({ tool: 'open', args: { path: 'app.py' } });
  assert.match(opened.observation, /^\[File: app\.py \(2 lines total\)\]/);
  assert.equal((await session.state()).openFile, `${sandbox.workdir}/src/app.py`);
  await session.execute({ tool: 'bash', args: { command: `cd ${JSON.stringify(sandbox.workdir)}` } });
});

test('rewriting a file keeps its permission bits, so the submitted diff has no mode change', async () => {
  await session.execute({ tool: 'open', args: { path: 'run.sh' } });
  const edited = await session.execute({ tool: 'edit', args: { search: 'echo hi', replace: 'echo hello' } });
  assert.match(edited.observation, /^Text replaced\./);
  const submitted = await session.execute({ tool: 'submit', args: {} });
  assert.ok(submitted.submission?.includes('+echo hello'));
  assert.doesNotMatch(submitted.submission!, /old mode|new mode/);
  assert.match(submitted.submission!, /index [0-9a-f]+\.\.[0-9a-f]+ 100755/);
  await sandbox.run('git checkout -q -- run.sh');
});

test('with review messages (tools/review_on_submit_m) submit shows each message with the diff first, then submits; -f submits at once', async () => {
  const review = await TempDirSandbox.create({ files: { 'a.py': 'x = 1\n' } });
  try {
    const reviewing = new ToolSession(review, { bundles: ['bash', 'submit'], submitReviewMessages: ['Review:\n<diff>\n{{diff}}\n</diff>'] });
    await reviewing.execute({ tool: 'bash', args: { command: 'echo "x = 2" > a.py' } });
    const first = await reviewing.execute({ tool: 'submit', args: {} });
    assert.equal(first.submission, undefined, 'the first submit only reviews');
    assert.match(first.observation, /^Review:\n<diff>\ndiff --git a\/a.py b\/a.py[\s\S]*\+x = 2[\s\S]*<\/diff>$/);
    const second = await reviewing.execute({ tool: 'bash', args: { command: 'submit' } });
    assert.match(second.submission ?? '', /\+x = 2/);
    const forced = new ToolSession(review, { bundles: ['bash', 'submit'], submitReviewMessages: ['Review {{diff}}'] });
    const now = await forced.execute({ tool: 'bash', args: { command: 'submit -f' } });
    assert.match(now.submission ?? '', /\+x = 2/, now.observation);
  } finally {
    await review.close();
  }
});
