import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('swe-srl tasks make refuses bad flags with one line naming the flag, before any work', async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'out');
    const cases: Array<[string[], RegExp]> = [
      [['--count', '0', '--seed', '1', '--tier', 'easy', '-o', out], /^swe-srl: --count: "0" is not an integer >= 1\n$/],
      [['--count', '2', '--seed', '-3', '--tier', 'easy', '-o', out], /--seed: "-3" is not an integer >= 0/],
      [['--count', '2', '--seed', '1', '--tier', 'extreme', '-o', out], /--tier: "extreme" is not one of easy, medium, hard/],
      [['--count', '2', '--seed', '1', '--tier', 'easy', '--split', 'dev', '-o', out], /--split: "dev" is not one of train, heldout/],
      [['--count', '2', '--seed', '1', '--tier', 'easy', '--exclude-bug-kinds', 'wrong-key,typo', '-o', out], /^swe-srl: --exclude-bug-kinds: "typo" is not a bug kind/],
      [['--count', '2', '--seed', '1', '--tier', 'easy', '--exclude-templates', 'zoo', '-o', out], /^swe-srl: --exclude-templates: "zoo" is not a template/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['tasks', 'make', ...args]);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, message);
    }
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const unwritable = await runCli(['tasks', 'make', '--count', '1', '--seed', '1', '--tier', 'easy', '-o', join(file, 'sub')]);
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /^swe-srl: outDir: cannot write to .*a-file\/sub \(ENOTDIR\)\n$/m);
  });
});

test('swe-srl tasks make --help lists the tiers, splits, bug kinds and templates', async () => {
  const help = await runCli(['tasks', 'make', '--help']);
  assert.equal(help.code, 0);
  for (const word of ['easy, medium, hard', 'train or heldout', 'off-by-one', 'wrong-variable', 'inventory', 'shipping']) assert.ok(help.stdout.includes(word), word);
});
