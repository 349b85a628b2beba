/**
 * Property tests against the host's own CPython difflib on generated pairs chosen to reach the
 * corners of SequenceMatcher: ties (tiny alphabets), autojunk (b of 200+ items with frequent
 * items), astral and combining characters, lone surrogates, empty strings, and edited copies like
 * the action pairs the SRL reward compares. Python runs once per batch, not once per pair.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { SequenceMatcherWorkspace } from '../../src/reward/similarity.js';

interface Case {
  a: string;
  b: string;
  autojunk: boolean;
}

interface PythonAnswer {
  ratio: number;
  blocks: [number, number, number][];
}

const PYTHON_ORACLE = `
import difflib, json, sys
for line in sys.stdin:
    case = json.loads(line)
    matcher = difflib.SequenceMatcher(None, case["a"], case["b"], autojunk=case["autojunk"])
    blocks = [list(block) for block in matcher.get_matching_blocks()]
    sys.stdout.write(json.dumps({"ratio": matcher.ratio(), "blocks": blocks}) + "\\n")
`;

function pythonUnavailable(): false | string {
  const probe = spawnSync('python3', ['-c', 'import difflib, sys; print(sys.version_info[0])'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.trim() === '3' ? false : 'python3 with difflib is not on this machine';
}

function askPython(cases: Case[]): PythonAnswer[] {
  const input = cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
  const result = spawnSync('python3', ['-c', PYTHON_ORACLE], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(result.status, 0, `python3 failed: ${result.stderr}`);
  const answers = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as PythonAnswer);
  assert.equal(answers.length, cases.length);
  return answers;
}

/** A small seeded generator (mulberry32) so that a failure can be reproduced from the seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeGenerators(random: () => number) {
  const integer = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const stringOf = (alphabet: readonly string[], length: number) => {
    let text = '';
    for (let index = 0; index < length; index++) text += pick(alphabet);
    return text;
  };
  /** A copy of `text` with a few insertions, deletions and substitutions, as a model's near-miss. */
  const edit = (text: string, alphabet: readonly string[], edits: number) => {
    const items = Array.from(text);
    for (let count = 0; count < edits; count++) {
      const at = integer(0, items.length);
      const kind = integer(0, 2);
      if (kind === 0) items.splice(at, 0, pick(alphabet));
      else if (kind === 1 && items.length > 0) items.splice(Math.min(at, items.length - 1), 1);
      else if (items.length > 0) items[Math.min(at, items.length - 1)] = pick(alphabet);
    }
    return items.join('');
  };
  return { integer, pick, stringOf, edit };
}

const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index));
const TINY = ['a', 'b'];
const CODE_LIKE = [' ', ' ', ' ', '\n', 'e', 't', 'a', 'o', 'i', 'n', 's', '(', ')', '_', '=', '"', 'x', 'y', 'Q', 'Z', '7'];
const UNICODE = ['🙂', '🙃', '😀', '𝔘', 'e', '\u0301', '\u00e9', '漢', '字', 'a', ' ', '\u200d', '👍🏽'];
const SURROGATES = ['\ud800', '\udc00', '\udbff', 'a', '🙂', 'b'];

function generateCases(seed: number): Case[] {
  const { integer, stringOf, edit, pick } = makeGenerators(seededRandom(seed));
  const cases: Case[] = [];
  const add = (a: string, b: string) => cases.push({ a, b, autojunk: true }, { a, b, autojunk: false });

  add('', '');
  add('', 'abc');
  add('abc', '');
  for (let n = 0; n < 60; n++) add(stringOf(PRINTABLE_ASCII, integer(0, 40)), stringOf(PRINTABLE_ASCII, integer(0, 40)));
  for (let n = 0; n < 80; n++) add(stringOf(TINY, integer(0, 30)), stringOf(TINY, integer(0, 30)));
  for (let n = 0; n < 60; n++) {
    const a = stringOf(CODE_LIKE, integer(10, 150));
    add(a, edit(a, CODE_LIKE, integer(0, 12)));
  }
  // Long b with frequent items: autojunk applies from 200 items on; also straddle the boundary.
  for (let n = 0; n < 40; n++) {
    const a = stringOf(CODE_LIKE, integer(200, 900));
    add(a, edit(a, CODE_LIKE, integer(0, 40)));
  }
  for (const length of [198, 199, 200, 201, 299, 300, 301]) {
    const a = stringOf(CODE_LIKE, length);
    add(a, a);
    add(edit(a, CODE_LIKE, 3), a);
    add(stringOf(TINY, length), stringOf(TINY, length));
  }
  for (let n = 0; n < 20; n++) {
    // One item repeated, with a few rare ones: the rare ones alone seed matches.
    const base = 'x'.repeat(integer(150, 600));
    add(edit(base, ['Q', 'R', 'x'], integer(0, 6)), edit(base, ['Q', 'R', 'x'], integer(0, 6)));
  }
  for (let n = 0; n < 50; n++) {
    const a = stringOf(UNICODE, integer(0, 60));
    add(a, edit(a, UNICODE, integer(0, 8)));
  }
  for (let n = 0; n < 10; n++) {
    const a = stringOf(UNICODE, integer(200, 400));
    add(a, edit(a, UNICODE, integer(0, 20)));
  }
  for (let n = 0; n < 20; n++) add(stringOf(SURROGATES, integer(0, 20)), stringOf(SURROGATES, integer(0, 20)));
  // Very unequal lengths: a long and b short, and the reverse.
  for (let n = 0; n < 10; n++) {
    const long = stringOf(CODE_LIKE, integer(500, 1500));
    const short = long.slice(integer(0, 400), integer(400, 500)) + pick(CODE_LIKE);
    add(long, short);
    add(short, long);
  }
  return cases;
}

function compareWithPython(seed: number): void {
  const cases = generateCases(seed);
  const answers = askPython(cases);
  const workspace = new SequenceMatcherWorkspace();
  const mismatches: string[] = [];
  cases.forEach((c, index) => {
    const options = { autojunk: c.autojunk };
    const expected = answers[index]!;
    const ratio = workspace.ratio(c.a, c.b, options);
    const blocks = workspace.matchingBlocks(c.a, c.b, options).map((block) => [block.a, block.b, block.size]);
    if (!Object.is(ratio, expected.ratio) || JSON.stringify(blocks) !== JSON.stringify(expected.blocks)) {
      mismatches.push(`seed ${seed} case ${index} ${JSON.stringify(c)}: ours ${ratio} ${JSON.stringify(blocks)}, CPython ${expected.ratio} ${JSON.stringify(expected.blocks)}`);
    }
  });
  assert.deepEqual(mismatches.slice(0, 3), []);
}

const skip = pythonUnavailable();

test('ratio and matching blocks equal CPython difflib on generated pairs (seed 1)', { skip }, () => {
  compareWithPython(1);
});

test('ratio and matching blocks equal CPython difflib on generated pairs (seed 2)', { skip }, () => {
  compareWithPython(2);
});
