/**
 * The built-in math family: the same seed gives the same bytes, the splits are disjoint, every
 * expert solution's boxed answer checks as correct and equals the answer recomputed from the
 * problem's spec by independent means (brute force where possible), and every step instance's
 * teacher step scores 1.0 while other steps score exactly Python's difflib ratio.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { answersEquivalent } from '../../src/math/answer/equivalence.js';
import { evaluateExpression, parseExpression } from '../../src/math/answer/expression.js';
import { extractAnswer } from '../../src/math/answer/extract.js';
import { Rational } from '../../src/math/answer/rational.js';
import { generateMathFamily, splitOfSpec, type MathFamilyRow } from '../../src/math/family/generate.js';
import { MATH_TIERS } from '../../src/math/family/problem-kind.js';
import { writeMathFamily } from '../../src/math/family/write-family.js';
import { readMathProblems } from '../../src/math/solution/problems-file.js';
import { mathStepRows } from '../../src/math/steps/step-rows.js';
import { srlStepReward } from '../../src/reward/srl.js';
import { withTempDir } from '../helpers/temp-dir.js';

function rowsOfAllTiers(seed: number, split: 'train' | 'held-out', count: number): MathFamilyRow[] {
  return MATH_TIERS.flatMap((tier) => generateMathFamily({ count, seed, tier, split }));
}

function permutationsCount(items: readonly string[]): number {
  const seen = new Set<string>();
  const walk = (prefix: string, rest: readonly string[]): void => {
    if (rest.length === 0) {
      seen.add(prefix);
      return;
    }
    rest.forEach((item, i) => walk(prefix + item, [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  walk('', items);
  return seen.size;
}

function subsetsOfSize(n: number, k: number): number[][] {
  const result: number[][] = [];
  const walk = (start: number, chosen: number[]): void => {
    if (chosen.length === k) {
      result.push(chosen);
      return;
    }
    for (let i = start; i <= n - (k - chosen.length); i += 1) walk(i + 1, [...chosen, i]);
  };
  walk(0, []);
  return result;
}

function valueOf(expression: string, variable?: string, at?: Rational): Rational {
  const tree = parseExpression(expression.replace(/\s+/g, ''));
  assert.ok(tree, `parses: ${expression}`);
  const value = evaluateExpression(tree, variable && at ? new Map([[variable, at]]) : new Map());
  assert.ok(value?.exact, `evaluates exactly: ${expression}`);
  return value.exact;
}

/** The answer recomputed from the spec, without the generator's own arithmetic. */
function independentAnswer(row: MathFamilyRow): string | { check: (answer: Rational) => boolean } {
  const spec = row.spec as Record<string, any>;
  switch (row.kind) {
    case 'arithmetic':
      return String(
        (spec.operations as Array<{ op: string; n: number }>).reduce((amount, { op, n }) => {
          if (op === 'div') assert.equal(amount % n, 0, 'an equal share divides evenly');
          return op === 'add' ? amount + n : op === 'sub' ? amount - n : op === 'mul' ? amount * n : amount / n;
        }, spec.start as number),
      );
    case 'linear':
      return {
        check: (root) => {
          const [left, right] = (spec.equation as string).split('=');
          return valueOf(left!, spec.variable, root).equals(valueOf(right!, spec.variable, root));
        },
      };
    case 'fractions':
      return valueOf(spec.expression).toLatex();
    case 'combinatorics':
      if (spec.count === 'arrangements') return String(permutationsCount([...Array(spec.n).keys()].map(String)));
      if (spec.count === 'word') return String(permutationsCount([...(spec.word as string)]));
      if (spec.count === 'product') return String((spec.choices as number[]).reduce((count, options) => count * [...Array(options).keys()].length, 1));
      if (spec.count === 'choose') return String(subsetsOfSize(spec.n, spec.k).length);
      if (spec.count === 'permutations') return String(subsetsOfSize(spec.n, spec.k).length * permutationsCount([...Array(spec.k).keys()].map(String)));
      if (spec.count === 'committee') return String(subsetsOfSize(spec.girls, spec.takeGirls).length * subsetsOfSize(spec.boys, spec.takeBoys).length);
      if (spec.count === 'at-least-one') {
        // People 0..women-1 are the women.
        return String(subsetsOfSize(spec.women + spec.men, spec.size).filter((members) => members.some((person) => person < spec.women)).length);
      }
      throw new Error(`unknown count ${spec.count}`);
    case 'modular': {
      const m = BigInt(spec.m ?? 0);
      if (spec.residue === 'sum-product') return String((BigInt(spec.a) + BigInt(spec.b) * BigInt(spec.c)) % m);
      if (spec.residue === 'power') return String(BigInt(spec.base) ** BigInt(spec.exponent) % m);
      if (spec.residue === 'congruence') {
        for (let x = 1; ; x += 1) if ((spec.a * x - spec.b) % spec.m === 0) return String(x);
      }
      for (let x = 1; ; x += 1) if (x % spec.m1 === spec.r1 && x % spec.m2 === spec.r2) return String(x);
    }
  }
  throw new Error(`unknown kind ${row.kind}`);
}

test('the same settings give byte-identical files; another seed gives other problems; a longer set starts with a shorter one', async () => {
  await withTempDir(async (dir) => {
    const settings = { count: 25, seed: 7, tier: 'mixed', split: 'train' } as const;
    await writeMathFamily(join(dir, 'a'), settings);
    await writeMathFamily(join(dir, 'b'), settings);
    for (const file of ['problems.jsonl', 'manifest.json']) {
      assert.deepEqual(await readFile(join(dir, 'a', file)), await readFile(join(dir, 'b', file)), file);
    }
    const other = generateMathFamily({ ...settings, seed: 8 });
    const first = generateMathFamily(settings);
    assert.notDeepEqual(other.map((row) => row.problem), first.map((row) => row.problem));
    assert.deepEqual(generateMathFamily({ ...settings, count: 10 }), first.slice(0, 10));
    assert.equal(new Set(first.map((row) => row.problem)).size, first.length, 'no repeated problem in a set');
    const manifest = JSON.parse(await readFile(join(dir, 'a', 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.per_kind, { arithmetic: 5, linear: 5, fractions: 5, combinatorics: 5, modular: 5 });
  });
});

test('train and held-out problems never share their mathematical content', () => {
  const train = rowsOfAllTiers(1, 'train', 40);
  const heldOut = rowsOfAllTiers(1, 'held-out', 40);
  const key = (row: MathFamilyRow) => `${row.kind}:${JSON.stringify(row.spec)}`;
  const trainKeys = new Set(train.map(key));
  assert.ok(heldOut.every((row) => !trainKeys.has(key(row))));
  assert.ok(train.every((row) => splitOfSpec(row.kind, row.spec) === 'train' && row.split === 'train'));
  assert.ok(heldOut.every((row) => splitOfSpec(row.kind, row.spec) === 'held-out' && row.split === 'held-out'));
  assert.ok(heldOut.every((row) => /^math-held-out-(easy|medium|hard)-s1-\d{4}$/.test(row.id)));
});

test("every expert solution's final answer checks as correct and matches the answer recomputed independently", () => {
  const rows = [...rowsOfAllTiers(11, 'train', 60), ...rowsOfAllTiers(11, 'held-out', 30)];
  for (const row of rows) {
    const extracted = extractAnswer(row.solution);
    assert.equal(extracted.via, 'boxed', row.id);
    assert.ok(answersEquivalent(extracted.answer, row.answer), `${row.id}: ${extracted.answer} vs ${row.answer}`);
    const independent = independentAnswer(row);
    if (typeof independent === 'string') {
      assert.ok(answersEquivalent(row.answer, independent), `${row.id} (${row.kind} ${row.tier}): answer ${row.answer}, recomputed ${independent}`);
      assert.ok(!answersEquivalent(`${row.answer}+1`, independent), `${row.id}: a wrong answer is refused`);
    } else {
      const root = valueOf(row.answer);
      assert.ok(independent.check(root), `${row.id}: ${row.answer} solves ${(row.spec as { equation: string }).equation}`);
      assert.ok(!independent.check(root.add(Rational.ONE)), `${row.id}: the root plus one does not`);
    }
  }
});

function pythonRatios(pairs: Array<[string, string]>): number[] | undefined {
  const probe = spawnSync('python3', ['-c', 'import difflib'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const script = 'import difflib, json, sys\nfor line in sys.stdin:\n    a, b = json.loads(line)\n    print(json.dumps(difflib.SequenceMatcher(None, a, b).ratio()))\n';
  const result = spawnSync('python3', ['-c', script], { input: pairs.map((pair) => JSON.stringify(pair)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n').map(Number);
}

test("every step instance's teacher step scores 1.0 and any other step scores exactly Python's difflib ratio", async (t) => {
  await withTempDir(async (dir) => {
    const all = [...rowsOfAllTiers(5, 'train', 20), ...rowsOfAllTiers(5, 'held-out', 10)];
    const path = join(dir, 'problems.jsonl');
    await (await import('node:fs/promises')).writeFile(path, all.map((row) => JSON.stringify(row)).join('\n') + '\n');
    const pairs: Array<[string, string]> = [];
    const ours: number[] = [];
    let instances = 0;
    for await (const problem of readMathProblems(path)) {
      for (const nextTitle of [false, true]) {
        const rows = mathStepRows(problem, { history: 'all', nextTitle, prefixBudget: 4096 });
        assert.equal(rows.length, problem.steps.length - 1);
        for (const row of rows) {
          instances += 1;
          const teacher = srlStepReward(`<think>I follow the expert.</think>\n${row.target}`, { kind: 'text', text: row.target });
          assert.equal(teacher.reward, 1, row.step_id);
          // Another step of the same solution, and the target with a slip in it, as a policy might write them.
          const other = problem.steps[(row.step_index + 1) % problem.steps.length]!.text;
          const slipped = row.target.replace(/\d/, (digit) => String((Number(digit) + 1) % 10));
          for (const response of [other, slipped]) {
            const result = srlStepReward(`<think>plan</think>\n\n${response}\n`, { kind: 'text', text: row.target });
            assert.ok(result.formatOk);
            ours.push(result.reward);
            pairs.push([response.trim(), row.target.trim()]);
          }
        }
      }
    }
    assert.ok(instances > 300, `${instances} instances`);
    const python = pythonRatios(pairs);
    if (!python) {
      t.skip('python3 with difflib is not on this machine');
      return;
    }
    assert.equal(python.length, ours.length);
    ours.forEach((value, i) => assert.equal(value, python[i], `pair ${i}: ${JSON.stringify(pairs[i])}`));
  });
});
