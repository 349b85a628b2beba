/**
 * SWE-agent 0.x's window on a 372-line file, the size of the file in the pydicom trajectory: the
 * recorded `open … 293` showed lines 273-372 under `(272 more lines above)`; goto and the scroll
 * commands follow the same jq arithmetic, and the third scroll in a row warns.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ToolSession } from '../../../src/tools/tool-session.js';
import { constrainLineV0, renderWindowV0 } from '../../../src/tools/classic/window-v0.js';
import { TempDirSandbox } from '../../helpers/temp-dir-sandbox.js';

const text = Array.from({ length: 372 }, (_, index) => `row ${index + 1}`).join('\n') + '\n';
let sandbox: TempDirSandbox;
let session: ToolSession;
const bash = (command: string) => session.execute({ tool: 'bash', args: { command } });

before(async () => {
  sandbox = await TempDirSandbox.create({ files: { 'big.txt': text } });
  session = new ToolSession(sandbox, { flavor: 'swe-agent-0', bundles: ['bash', 'windowed', 'search', 'edit_range', 'submit'] });
});

after(async () => {
  await sandbox.close();
});

function header(observation: string): string[] {
  const lines = observation.split('\n');
  return [lines[1]!, lines[2]!, lines.filter((line) => /^\d+:/.test(line)).at(-1)!];
}

test('open at a line centres the window as the recorded pydicom step did', async () => {
  const outcome = await bash('open big.txt 293');
  assert.deepEqual(header(outcome.observation), ['(272 more lines above)', '273:row 273', '372:row 372']);
});

test('goto, scroll_up and scroll_down move the centred window', async () => {
  // goto 100: centre 100 + 50 - 16 = 134, so lines 85-184 with line 100 a sixth of the way down.
  assert.deepEqual(header((await bash('goto 100')).observation), ['(84 more lines above)', '85:row 85', '184:row 184']);
  // scroll_up: centre 134 - 100 + 2 = 36, held at half a window: the top of the file.
  const up = (await bash('scroll_up')).observation.split('\n');
  assert.equal(up[1], '1:row 1');
  assert.equal(up[100], '100:row 100');
  assert.equal(up[101], '(272 more lines below)');
  // scroll_down: centre 50 + 100 - 2 = 148.
  assert.deepEqual(header((await bash('scroll_down')).observation), ['(98 more lines above)', '99:row 99', '198:row 198']);
  assert.equal((await bash('goto 400')).observation, 'Error: <line> must be less than or equal to 372\n');
});

test('the window arithmetic matches defaults.sh at the edges', () => {
  assert.equal(constrainLineV0(14, 100, 23), 50, 'a short file keeps the centre at half a window');
  assert.equal(constrainLineV0(327, 100, 372), 322, 'near the end the window stops at the last line');
  const shown = renderWindowV0('/f', text, 291, 19).split('\n');
  assert.equal(shown[1], '(281 more lines above)');
  assert.equal(shown[2], '282:row 282');
  assert.equal(shown.at(-2), '(72 more lines below)', 'jq rounds 71.5 up');
});

test('the third scroll in a row warns that scrolling is inefficient', async () => {
  await bash('goto 1');
  assert.doesNotMatch((await bash('scroll_down')).observation, /WARNING/);
  assert.doesNotMatch((await bash('scroll_down')).observation, /WARNING/);
  assert.match((await bash('scroll_down')).observation, /WARNING: Scrolling many times in a row is very inefficient/);
  await bash('goto 1');
  assert.doesNotMatch((await bash('scroll_down')).observation, /WARNING/, 'another command resets the count');
});
