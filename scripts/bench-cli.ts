/**
 * Start-up of the `swe-srl` command line, whole process, against references measured in the same run:
 *
 * - `swe-srl --help` from the compiled dist/ (what bin/swe-srl.js runs), against the same command
 *   through tsx from the sources (how every start worked before) and against a bare `node -e ''`;
 * - `swe-srl similarity` on 4,000 pairs (the 2,000 reference pairs twice), against a CPython
 *   script that reads the same JSONL, runs difflib's SequenceMatcher ratio on each pair and writes
 *   the same JSONL: both as a user runs them, interpreter start-up and I/O included.
 *
 *   npx tsx scripts/bench-cli.ts [PAIRS.jsonl] [--runs N]
 *
 * Each measurement runs N times (default 7) after one warm-up run; medians and best times are
 * printed with the ratios. Targets (issue 8): `--help` at most 0.3 s, similarity at least 5x CPython.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

const PYTHON_SIMILARITY = `
import difflib, json, sys
with open(sys.argv[1], encoding="utf-8") as source, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in source:
        if line.strip():
            row = json.loads(line)
            out.write(json.dumps({"ratio": difflib.SequenceMatcher(None, row["a"], row["b"]).ratio()}) + "\\n")
`;

interface Timing {
  median: number;
  best: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs a command `runs` times (after a warm-up), wall clock of the whole process each time. */
function time(command: string, args: string[], runs: number): Timing {
  const once = (): number => {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    return seconds;
  };
  once();
  const seconds = Array.from({ length: runs }, once);
  return { median: median(seconds), best: Math.min(...seconds) };
}

function row(name: string, timing: Timing): string {
  return `${name.padEnd(44)} median ${(timing.median * 1000).toFixed(0).padStart(6)} ms   best ${(timing.best * 1000).toFixed(0).padStart(6)} ms`;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** bin/swe-srl.js runs dist/ only when it is newer than the sources: build it first if it is not. */
function ensureBuilt(): void {
  const stamp = join(root, 'dist', '.build-stamp');
  if (!existsSync(stamp) || statSync(stamp).mtimeMs < newestSource(join(root, 'src'))) {
    console.log('dist/ is missing or older than src/: building it (npm run build)');
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the build failed');
  }
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '7' } } });
  const runs = Number(values.runs);
  const pairsSource = positionals[0] ?? join(root, '..', 'shared', 'data', 'similarity-dev.jsonl');
  if (!existsSync(pairsSource)) {
    console.error(`bench-cli: ${pairsSource} does not exist (pass a PAIRS.jsonl of {"a","b"} lines)`);
    process.exitCode = 2;
    return;
  }
  ensureBuilt();
  const bin = join(root, 'bin', 'swe-srl.js');
  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`node ${process.versions.node}, ${python}, ${runs} runs each after a warm-up; whole processes, wall clock`);
  console.log('');

  const bare = time(process.execPath, ['-e', ''], runs);
  const help = time(process.execPath, [bin, '--help'], runs);
  const helpTsx = time(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), '--help'], runs);
  console.log(row("node -e '' (bare interpreter start)", bare));
  console.log(row('swe-srl --help (dist/, as bin/swe-srl.js runs)', help));
  console.log(row('swe-srl --help through tsx (the sources)', helpTsx));
  console.log(`--help: ${(help.median * 1000).toFixed(0)} ms median (target <= 300 ms: ${help.median <= 0.3 ? 'met' : 'NOT met'}); ${(helpTsx.median / help.median).toFixed(1)}x faster than through tsx`);
  console.log('');

  const dir = mkdtempSync(join(tmpdir(), 'swe-srl-bench-cli-'));
  try {
    const lines = readFileSync(pairsSource, 'utf8').split('\n').filter((line) => line.trim() !== '');
    const pairs = join(dir, 'pairs.jsonl');
    // 4,000 pairs: the reference file twice (only a and b are read).
    const doubled = [...lines, ...lines].slice(0, 4000);
    writeFileSync(pairs, `${doubled.join('\n')}\n`);
    const ours = join(dir, 'ours.jsonl');
    const theirs = join(dir, 'python.jsonl');
    const similarity = time(process.execPath, [bin, 'similarity', pairs, '-o', ours], runs);
    const cpython = time('python3', ['-c', PYTHON_SIMILARITY, pairs, theirs], runs);
    console.log(row(`swe-srl similarity (${doubled.length} pairs)`, similarity));
    console.log(row(`CPython difflib script (${doubled.length} pairs)`, cpython));
    const ratios = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { ratio: number }).ratio);
    const a = ratios(ours);
    const b = ratios(theirs);
    const same = a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
    const speedup = cpython.median / similarity.median;
    console.log(`similarity: ${speedup.toFixed(1)}x CPython on medians, ${(cpython.best / similarity.best).toFixed(1)}x on best times (target >= 5x: ${speedup >= 5 ? 'met' : 'NOT met'}); values identical: ${same ? `${a.length}/${b.length}` : 'NO'}`);
    if (!same) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
