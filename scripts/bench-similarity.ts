/**
 * Pairs per second of our SequenceMatcher ratio against CPython's difflib on the same pairs, in
 * the same run, and a check that every value is identical.
 *
 *   npx tsx scripts/bench-similarity.ts [PAIRS.jsonl] [--reps N] [--python-reps N]
 *
 * PAIRS defaults to ../shared/data/similarity-dev.jsonl. Python times its own loop with
 * time.perf_counter (process start-up and JSON parsing are outside the timings on both sides).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SequenceMatcherWorkspace } from '../src/reward/similarity.js';
import { parseJsonLine, readTextLines } from '../src/io/json-lines.js';
import { toSimilarityPair, type SimilarityPair } from '../src/reward/similarity/pairs-file.js';

const PYTHON_TIMER = `
import difflib, json, statistics, sys, time
path, reps = sys.argv[1], int(sys.argv[2])
with open(path, encoding="utf-8") as handle:
    pairs = [(row["a"], row["b"]) for row in map(json.loads, filter(str.strip, handle))]
SequenceMatcher = difflib.SequenceMatcher
ratios = [SequenceMatcher(None, a, b).ratio() for a, b in pairs]  # warm-up, and the values to compare
times = []
for _ in range(reps):
    start = time.perf_counter()
    for a, b in pairs:
        SequenceMatcher(None, a, b).ratio()
    times.append(time.perf_counter() - start)
print(json.dumps({"version": sys.version.split()[0], "best": min(times), "median": statistics.median(times), "ratios": ratios}))
`;

interface Timings {
  best: number;
  median: number;
}

async function loadPairs(path: string): Promise<{ pairs: SimilarityPair[]; reference: (number | undefined)[] }> {
  const pairs: SimilarityPair[] = [];
  const reference: (number | undefined)[] = [];
  for await (const entry of readTextLines(path)) {
    if (entry.text.trim() === '') continue;
    const value = parseJsonLine(path, entry);
    pairs.push(toSimilarityPair(path, entry.line, value));
    const ratio = (value as { ratio?: unknown }).ratio;
    reference.push(typeof ratio === 'number' ? ratio : undefined);
  }
  return { pairs, reference };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function timeOurs(pairs: SimilarityPair[], reps: number): { timings: Timings; ratios: number[] } {
  const workspace = new SequenceMatcherWorkspace();
  const ratios = pairs.map((pair) => workspace.ratio(pair.a, pair.b));
  // Warm-up passes let the JIT settle before timing, as Python's first pass warms its caches.
  for (let pass = 0; pass < 3; pass++) for (const pair of pairs) workspace.ratio(pair.a, pair.b);
  const seconds: number[] = [];
  let sink = 0;
  for (let rep = 0; rep < reps; rep++) {
    const start = process.hrtime.bigint();
    for (const pair of pairs) sink += workspace.ratio(pair.a, pair.b);
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the timed calls observable');
  return { timings: { best: Math.min(...seconds), median: median(seconds) }, ratios };
}

function timePython(path: string, reps: number): { timings: Timings; ratios: number[]; version: string } {
  const result = spawnSync('python3', ['-c', PYTHON_TIMER, path, String(reps)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    throw new Error(`python3 failed: ${result.error?.message ?? result.stderr}`);
  }
  const parsed = JSON.parse(result.stdout) as { version: string; best: number; median: number; ratios: number[] };
  return { timings: { best: parsed.best, median: parsed.median }, ratios: parsed.ratios, version: parsed.version };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { reps: { type: 'string', default: '15' }, 'python-reps': { type: 'string', default: '5' } },
  });
  const defaultPath = fileURLToPath(new URL('../../shared/data/similarity-dev.jsonl', import.meta.url));
  const path = positionals[0] ?? defaultPath;
  if (!existsSync(path)) {
    console.error(`bench-similarity: ${path} does not exist (pass a PAIRS.jsonl of {"a","b"} lines)`);
    process.exitCode = 2;
    return;
  }
  const reps = Number(values.reps);
  const pythonReps = Number(values['python-reps']);

  const { pairs, reference } = await loadPairs(path);
  const characters = pairs.reduce((sum, pair) => sum + pair.a.length + pair.b.length, 0);
  console.log(`pairs: ${pairs.length} from ${path} (${characters} UTF-16 units in all)`);

  const python = timePython(path, pythonReps);
  const ours = timeOurs(pairs, reps);

  const differing = ours.ratios.filter((ratio, index) => !Object.is(ratio, python.ratios[index])).length;
  const withReference = reference.filter((ratio) => ratio !== undefined).length;
  const differingFromReference = reference.filter((ratio, index) => ratio !== undefined && !Object.is(ratio, ours.ratios[index])).length;

  const rate = (seconds: number) => Math.round(pairs.length / seconds).toLocaleString('en-US');
  const row = (name: string, timings: Timings, repetitions: number) =>
    `${name.padEnd(26)} best ${(timings.best * 1000).toFixed(1).padStart(8)} ms  median ${(timings.median * 1000).toFixed(1).padStart(8)} ms  ` +
    `${rate(timings.best).padStart(10)} pairs/s (best of ${repetitions})`;
  console.log(row(`CPython ${python.version} difflib`, python.timings, pythonReps));
  console.log(row(`swe-srl (Node ${process.versions.node})`, ours.timings, reps));
  console.log(
    `speed-up: ${(python.timings.best / ours.timings.best).toFixed(1)}x on best times, ` +
      `${(python.timings.median / ours.timings.median).toFixed(1)}x on medians`,
  );
  console.log(`values identical to this CPython: ${pairs.length - differing}/${pairs.length}`);
  if (withReference > 0) console.log(`values identical to the file's "ratio": ${withReference - differingFromReference}/${withReference}`);
  if (differing > 0 || differingFromReference > 0) process.exitCode = 1;
}

await main();
